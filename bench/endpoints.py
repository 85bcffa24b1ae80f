"""What the benchmark measures: each page and calculator representation, as a path and request headers.

A calculator path may hold the placeholders of fresh.lua ({cost}, {date}, {count}, {count2}): measured once
with them filled the same way every time (a link asked before, as when a link is shared) and once with a
new value per request (a reader typing into the form).
"""

from dataclasses import dataclass, field
from urllib.parse import quote

SEARCH = "/ru/search/?q=" + quote("взнос")
CALCULATORS = {
    "reimbursement": "/ru/calculators/reimbursement/?region=zhejiang-lishui&visit=inpatient&level=level3"
                     "&cost={cost}&date=2025-06-01",
    "deadline": "/ru/calculators/deadline/?region=hubei&year=2026&status=continuous&paid_on={date}",
    "contribution": "/ru/calculators/contribution/?region=national&year=2025&ordinary={count}&extreme_poverty={count2}",
}
REPRESENTATIONS = {
    "page": {},
    "partial": {"HX-Request": "true"},  # and the form shape header (form_shapes), as the script sends
    "json": {"Accept": "application/json"},
}
SAME = {"{cost}": "50000", "{date}": "2025-10-01", "{count}": "2", "{count2}": "1"}


@dataclass
class Endpoint:
    name: str
    path: str
    headers: dict = field(default_factory=dict)
    fresh: bool = False  # a new link on every request
    calculator: str = ""
    representation: str = ""

    def filled(self, number=None):
        """The path with its placeholders filled: the shared values, or values made from ``number``."""
        path = self.path
        for placeholder, value in SAME.items():
            if number is not None:
                value = {"{cost}": str(1000 + number), "{count}": str(1 + number % 30),
                         "{count2}": str(number // 30 % 31), "{date}": _day(number)}[placeholder]
            path = path.replace(placeholder, value)
        return path


def _day(number):
    import datetime

    return (datetime.date(2025, 1, 1) + datetime.timedelta(days=number % 600)).isoformat()


def form_shapes(measured):
    """{endpoint name: {header: value}} for each htmx partial: the form shape header the calculators' script sends
    with every request (the questions the page shows), so that the server sends the form again only when they
    change. Needs Django set up (bench.inprocess)."""
    from django.http import QueryDict

    from calculators import answers
    from calculators.views import FORM_SHAPE_HEADER

    shapes = {}
    for endpoint in measured:
        if endpoint.representation == "partial":
            form, _answer = answers.ask(endpoint.calculator, QueryDict(endpoint.filled().split("?", 1)[1]))
            shapes[endpoint.name] = {FORM_SHAPE_HEADER: form.shape_signature()}
    return shapes


def endpoints(guide_path):
    pages = [
        Endpoint("trivial view", "/ru/bench/trivial/"),
        Endpoint("home", "/ru/"),
        Endpoint("a guide", guide_path),
        Endpoint("FAQ", "/ru/faq/"),
        Endpoint("FAQ topic page", "/ru/faq/pay/"),
        Endpoint("guide index", "/ru/guides/"),
        Endpoint("search", SEARCH),
        Endpoint("region page", "/ru/regions/zhejiang/"),
        Endpoint("region index", "/ru/regions/"),
        Endpoint("sitemap index", "/sitemap.xml"),
        Endpoint("sitemap of guides", "/sitemap-guides.xml"),
    ]
    calculators = [
        Endpoint(f"{name} {representation}{', fresh' if fresh else ''}", path, headers, fresh, name, representation)
        for name, path in CALCULATORS.items()
        for fresh in (False, True)
        for representation, headers in REPRESENTATIONS.items()
    ]
    return pages + calculators
