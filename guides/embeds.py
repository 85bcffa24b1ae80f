"""Live blocks that editors place in guides with a line like ``[[table:payment-windows region=beijing]]``.

Each kind of embed registers a renderer here. A renderer receives the
parsed parameters, the reader's language and the "rules as of" date, and
returns trusted HTML. Unknown or broken placeholders show a short note
instead of failing the whole page; what is wrong goes to the editor (the
preview and the message after saving), not to the log on every page view.
"""

import shlex

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

_renderers = {}
_facts = {}


class EmbedError(ValueError):
    """A placeholder that names an unknown table or has parameters that cannot be used."""


def register(name):
    def decorator(func):
        _renderers[name] = func
        return func

    return decorator


def register_fact(name):
    """A figure guides show outside their text (for example the coverage year of the current rules),
    provided by the app that owns the data, so guides never import it."""
    def decorator(func):
        _facts[name] = func
        return func

    return decorator


def fact(name, **kwargs):
    provider = _facts.get(name)
    return provider(**kwargs) if provider is not None else None


def parse(spec):
    kind, _, rest = spec.partition(":")
    name, *pairs = shlex.split(rest) if rest.strip() else [""]
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise EmbedError(f"parameter {pair!r} needs key=value")
        params[key] = value
    return kind, name, params


def render(spec, language, *, as_of=None, warnings=None):
    """Trusted HTML for one placeholder; a broken one gives a short note, and its problem is added to ``warnings``."""
    try:
        kind, name, params = parse(spec)
        renderer = _renderers.get(f"{kind}:{name}")
        if renderer is None:
            raise EmbedError(f"unknown embed {kind}:{name}")
        return mark_safe(renderer(params, language=language, as_of=as_of))
    except (EmbedError, ValueError) as error:
        if warnings is not None:
            warnings.append(_("The line [[%(spec)s]] shows no table: %(problem)s.") % {"spec": spec, "problem": error})
        return render_to_string("guides/embed_unavailable.html", {"spec": spec})
