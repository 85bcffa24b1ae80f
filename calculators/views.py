"""Thin views: read the form from the query string, ask ``answers``, render the page, its partial or JSON.

One URL serves everyone: a browser gets the page, htmx gets only the
result (and the field messages, out of band), and a client that asks for
``Accept: application/json`` gets the answer as data.

Staff may add ``as_of=YYYY-MM-DD`` to see the rules as they will be on that day
(``core.preview``); everyone else's ``as_of`` is ignored.
"""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from calculators import answers, calendar, rules, serializers, tables
from calculators.models import Region
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
            response = render(request, f"calculators/{name}.html", context)
    patch_vary_headers(response, ["Accept", "HX-Request", FORM_SHAPE_HEADER])
    if preview_date:
        patch_cache_control(response, private=True, no_store=True)
    return response


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


@require_GET
def region_index(request):
    return render(request, "calculators/region_index.html", {"regions": Region.objects.select_related("parent")})


@require_GET
def region_detail(request, slug):
    region = get_object_or_404(Region.objects.select_related("parent"), slug=slug)
    moment = preview_moment(request)
    sections = [(name, tables.render_table(name, region, heading_level=2, at=moment))
                for name in tables.TABLES]
    response = render(request, "calculators/region_detail.html", {
        "region": region,
        "chain": region.chain()[1:],
        "sections": sections,
        "children": region.children.all(),
        "preview_date": preview_day(moment),
    })
    if moment is not None:
        patch_cache_control(response, private=True, no_store=True)
    return response
