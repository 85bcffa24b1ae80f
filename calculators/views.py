"""Thin views: read the form from the query string, ask ``answers``, render the page, its partial or JSON.

One URL serves everyone: a browser gets the page, htmx gets only the
result (and the field messages, out of band), and a client that asks for
``Accept: application/json`` gets the answer as data.

Staff may add ``as_of=YYYY-MM-DD`` to see the rules as they will be on that day
(``core.preview``); everyone else's ``as_of`` is ignored.
"""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from calculators import answers, calendar, qr, rules, serializers, tables
from calculators.models import Region
from core import content_version
from core.preview import AS_OF, preview_day, preview_moment
from core.outage import wants_json


def calculate(request, name):
    """``(form, answer, preview date or None)`` for calculator ``name`` and this request's query string."""
    moment = preview_moment(request)
    params = request.GET.copy()
    params.pop(AS_OF, None)
    with rules.viewing(at=moment):
        form, answer = answers.ask(name, params)
    return form, answer, preview_day(moment)


def respond(request, name, form, answer, preview_date=None):
    if wants_json(request):
        data, status = serializers.body(name, form, answer)
        if preview_date and answer is not None:
            data["preview_as_of"] = preview_date.isoformat()
        response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    else:
        context = {"form": form, "answer": answer, "calculator": name, "preview_date": preview_date,
                   "share_url": share_url(request, name, form, answer),
                   "today": preview_date or rules.today()}
        if request.htmx:
            shown = request.headers.get(FORM_SHAPE_HEADER)
            context["form_changed"] = shown != form.shape_signature()
            response = render(request, "calculators/_htmx_response.html", context)
            if answer is not None:  # the address bar holds the same link as the share block
                response["HX-Push-Url"] = context["share_url"]
        else:
            context["region_rules"] = region_rules(name, form, preview_date)
            response = render(request, f"calculators/{name}.html", context)
    patch_vary_headers(response, ["Accept", "HX-Request", FORM_SHAPE_HEADER])
    if preview_date:
        patch_cache_control(response, private=True, no_store=True)
    return response


def region_rules(name, form, preview_date):
    """``(region, table)`` for a link that only chose a region (from a region page) of a calculator that needs
    more: that region's figures under the form, while the reader finds the rest (the bill). None otherwise."""
    table, slug = answers.CALCULATORS[name].region_table, form.initial.get("region")
    if not table or form.is_bound or not slug:
        return None
    try:
        region = rules.get_region(slug)
    except rules.RuleNotFound:
        return None
    return region, tables.render_table(table, region, heading_level=2, at=preview_date)


# The calculators' script sends which fields and options the page shows; the form is sent again only when
# the answers change which questions apply (re-sending it on every keystroke could undo typing).
FORM_SHAPE_HEADER = "X-Calculator-Form"


def share_url(request, name, form, answer):
    """The link that reproduces the answer on screen: every answer that applies, dates included, nothing else."""
    if answer is None:
        return request.build_absolute_uri()
    query = form.share_query()
    if preview_date := preview_day(preview_moment(request)):
        query += f"&{AS_OF}={preview_date.isoformat()}"
    return request.build_absolute_uri(reverse(f"calculators:{name}") + "?" + query)


def calculator_view(name):
    @require_GET
    def view(request):
        form, answer, preview_date = calculate(request, name)
        return respond(request, name, form, answer, preview_date)

    view.__name__ = name
    return view


@require_GET
def index(request):
    return render(request, "calculators/index.html")


reimbursement = calculator_view("reimbursement")
deadline = calculator_view("deadline")
contribution = calculator_view("contribution")


@require_GET
def deadline_reminder(request):
    form, answer, preview_date = calculate(request, "deadline")
    body = None
    if answer is not None:
        link = share_url(request, "deadline", form, answer)
        with rules.viewing(at=preview_moment(request)):
            body = calendar.reminder_file(answer, link, rules.today())
    if body is None:
        return HttpResponse(_("There is no upcoming date to remind you of."), status=400,
                            content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="medical-insurance-deadline.ics"'
    return response


QR_MAX_AGE = 24 * 3600


@require_GET
def qr_code(request):
    """The QR code of a calculator answer's link, as an SVG image a browser or shared cache keeps for a day.

    Only this site's calculator links are drawn (anything else is a 404); one too long for a code is a 400
    that says so, as the share block does.
    """
    link = qr.calculator_path(request.GET.get("link", ""))
    if link is None:
        raise Http404
    url = request.build_absolute_uri(link)
    too_long = _("This link is too long for a QR code. Copy the link and send it instead.")
    if not qr.fits(url):
        return HttpResponse(too_long, status=400, content_type="text/plain; charset=utf-8")
    try:
        body = qr.svg(url, _("QR code of the link to this answer"))
    except qr.DataOverflowError:
        return HttpResponse(too_long, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type="image/svg+xml")
    # The code of one link never changes: nothing to revalidate for a day.
    patch_cache_control(response, public=True, max_age=QR_MAX_AGE, immutable=True)
    return response


def region_links(regions):
    """``(url, region)`` for each region, with one URL reversal for all of them (hundreds on the index)."""
    pattern = reverse("regions:detail", args=["region-slug"])
    start, end = pattern.split("region-slug")
    return [(f"{start}{region.slug}{end}", region) for region in regions]


@require_GET
def region_index(request):
    """Every region, as a list kept in the shared cache per content version and language (hundreds of links).

    Invalidation rule: any change to a region is a new content version, so a new key; without a content
    version the list is written for every request.
    """
    regions = content_version.kept(
        f"region-index:{get_language()}", lambda: render_to_string(
            "calculators/_region_list.html", {"regions": region_links(Region.objects.select_related("parent"))}),
        REGION_INDEX_LIFETIME)
    return render(request, "calculators/region_index.html", {"regions": regions})


REGION_INDEX_LIFETIME = 24 * 3600


def children_links(region, children):
    """The links to a region's cities and areas, written once per content version and language: a province
    can have a hundred. Invalidation rule: regions change only by a save, which is a new content version, so a
    new key; without a content version the links are written for every request."""
    return mark_safe(content_version.kept(
        f"region-children:{get_language()}:{region.slug}",
        lambda: str(format_html_join(", ", '<a href="{}">{}</a>', region_links(children))), REGION_INDEX_LIFETIME))


@require_GET
def region_detail(request, slug):
    moment = preview_moment(request)
    with rules.viewing(at=moment):
        # The regions come from the rule book, read once per content version: no query per page.
        try:
            region = rules.get_region(slug)
        except rules.RuleNotFound:
            raise Http404 from None
        book = rules.book()
        chain = book.chain(region)[1:]
        children = book.children(region)
    sections = [(name, tables.render_table(name, region, heading_level=2, at=moment))
                for name in tables.TABLES]
    response = render(request, "calculators/region_detail.html", {
        "region": region,
        "chain": chain,
        "sections": sections,
        "children": children_links(region, children),
        "preview_date": preview_day(moment),
    })
    if moment is not None:
        patch_cache_control(response, private=True, no_store=True)
    return response
