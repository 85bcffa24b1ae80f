"""Region pages and calculators, registered with the guides' search (guides never imports calculators).

Each entry carries its title and a short description in both languages, so a reader finds a region by
its name in either language ("北京", "Пекин") or by one of its payment channels ("楚税通"), and a
calculator by what it works out. Read once per content version by ``guides.search``.
"""

from django.utils.translation import gettext as _
from django.utils.translation import get_language, override

from calculators.models import PaymentChannel, Region
from guides.search import Entry, register_source

CALCULATORS = [
    ("reimbursement", "calculators:reimbursement"),
    ("deadline", "calculators:deadline"),
    ("contribution", "calculators:contribution"),
]


def _calculator_texts(name):
    # The titles and descriptions of the calculators' index page, in the active language.
    return {
        "reimbursement": (_("Reimbursement calculator"), _(
            "Calculator: how much of a hospital or clinic bill is reimbursed by the basic fund and by "
            "serious-illness insurance, by region, hospital level and cost.")),
        "deadline": (_("Payment deadline and cover start"), _(
            "Calculator: the payment period and deadline, how much to pay, paying late or after a break, "
            "the waiting period and the day cover starts.")),
        "contribution": (_("Household contribution"), _(
            "Calculator: what your whole family pays in a year, and the subsidy beside it, by region and group.")),
    }[name]


def _in_both(texts):
    both = {}
    for language, suffix in (("zh-hans", "zh"), ("ru", "ru")):
        with override(language):
            both[suffix] = texts()
    return both


def calculator_entries():
    for order, (name, url_name) in enumerate(CALCULATORS):
        both = _in_both(lambda name=name: _calculator_texts(name))
        yield Entry("calculators", name, url_name, (), title_zh=both["zh"][0], title_ru=both["ru"][0],
                    text_zh=both["zh"][1], text_ru=both["ru"][1], order=order)


def _channel_names():
    """{region id: {"zh": [...], "ru": [...]}}; a Russian name keeps the Chinese one in brackets (glossary)."""
    names = {}
    for region_id, name_zh, name_ru in PaymentChannel.objects.visible().values_list("region", "name_zh", "name_ru"):
        both = names.setdefault(region_id, {"zh": [], "ru": []})
        both["zh"].append(name_zh)
        both["ru"].append(name_ru or name_zh)
    return names


def region_entries():
    channels = _channel_names()
    for order, region in enumerate(Region.objects.select_related("parent")):
        names = " ".join(n for n in (region.name_zh, region.name_ru) if n)
        own_channels = channels.get(region.pk, {})
        parent = region.parent
        parent_names = " ".join(n for n in (parent.name_zh, parent.name_ru) if n) if parent else ""

        def texts(region=region, own_channels=own_channels):
            title = _("Rules in %(region)s") % {"region": region.localized("name").text}
            about = _("Payment periods, contributions, waiting periods and reimbursement rules of this region.")
            ways = " ".join(own_channels.get(get_language()[:2], ()))
            return title, f"{about} {names} {parent_names} {ways}".strip()

        both = _in_both(texts)
        yield Entry("regions", region.slug, "regions:detail", (region.slug,), title_zh=both["zh"][0],
                    title_ru=both["ru"][0], text_zh=both["zh"][1], text_ru=both["ru"][1], order=order)


def register():
    register_source("calculators", calculator_entries)
    register_source("regions", region_entries)
