"""The calculation engine: plain dataclasses in, a result with its working out.

No request, no ORM and no translated text in here. The views turn rule rows
into these inputs (``calculators.rules``) and the results into words
(templates). Money is ``Decimal`` throughout and rounded once, at the end,
to the fen.
"""
