"""Thin views: read the form from the query string, ask ``answers``, render the page, its partial or JSON.

One URL serves everyone: a browser gets the page, htmx gets only the
result (and the field messages, out of band), and a client that asks for
``Accept: application/json`` gets the answer as data.
"""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from calculators import answers, calendar, rules, serializers, tables
from calculators.engine.errors import EngineError
from calculators.forms import ContributionForm, DeadlineForm, ReimbursementForm
from calculators.models import Region

# Which form field a missing rule is reported on, per calculator.
MISSING_RULE_FIELD = {
    "reimbursement": {"region": "region", "coverage_year": "date", "on_date": "date", "scheme": "scheme",
                      "employee_status": "status", "visit": "visit", "tier": "tier", "level": "level",
                      "group": "group"},
    "deadline": {"region": "region", "coverage_year": "year", "on_date": "paid_on", "group": "group"},
    "contribution": {"region": "region", "coverage_year": "year"},
}


def missing_rule_message(missing):
    messages = {
        "region": _("We have no rules for that region. Choose one from the list."),
        "coverage_year": _("We have no rules for that year in this region yet. Try another year or region."),
        "on_date": _("No rule in this region is in force on that date. Try another date."),
        "scheme": _("We have no rules for that insurance scheme in this region."),
        "employee_status": _("We have no rules for that employment status in this region."),
        "visit": _("We have no rules for that kind of care in this region."),
        "tier": _("Choose the contribution tier: this region's rules differ by tier."),
        "level": _("We have no rule for that hospital level in this region. Choose another level."),
        "group": _("We have no contribution standard for this population group in this region and year."),
    }
    return messages.get(missing.field, _("We have no complete rule for this case. Please check with your local agency."))


def wants_json(request):
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


PREFILL_ONLY = {"region"}


def calculate(request, name, form_class, compute):
    if request.GET and set(request.GET) <= PREFILL_ONLY:
        # A link from a region page chooses the region and nothing else: a start, not answers to check.
        form = form_class(initial=request.GET.dict())
    else:
        form = form_class(request.GET or None)
    answer = None
    if form.is_bound and form.is_valid():
        try:
            answer = compute(form.cleaned_data)
        except rules.RuleNotFound as missing:
            field = MISSING_RULE_FIELD[name].get(missing.field, missing.field)
            form.add_error(field if field in form.fields else None, missing_rule_message(missing))
        except EngineError:
            form.add_error(None, _("These answers do not fit together. Please check them."))
    return form, answer


def respond(request, name, form, answer, serialize, extra=None):
    if wants_json(request):
        if answer is None:
            errors = form.errors.get_json_data() if form.is_bound else {
                "__all__": [{"message": _("Give the calculator's answers as query parameters."), "code": "required"}]
            }
            response = JsonResponse({"errors": {k: [e["message"] for e in v] for k, v in errors.items()}}, status=400)
        else:
            response = JsonResponse(serialize(answer), json_dumps_params={"ensure_ascii": False})
    else:
        template = f"calculators/{name}.html"
        if request.htmx:
            template += "#result"
        context = {"form": form, "answer": answer, "share_url": request.build_absolute_uri(), **(extra or {})}
        response = render(request, template, context, status=200)
    patch_vary_headers(response, ["Accept", "HX-Request"])
    return response


@require_GET
def index(request):
    return render(request, "calculators/index.html")


@require_GET
def reimbursement(request):
    form, answer = calculate(request, "reimbursement", ReimbursementForm, answers.reimbursement)
    return respond(request, "reimbursement", form, answer, serializers.reimbursement)


@require_GET
def deadline(request):
    form, answer = calculate(request, "deadline", DeadlineForm, answers.deadline)
    return respond(request, "deadline", form, answer, serializers.deadline)


@require_GET
def deadline_reminder(request):
    form, answer = calculate(request, "deadline", DeadlineForm, answers.deadline)
    if answer is None or answer.result.window_status == "closed":
        return HttpResponse(_("There is no upcoming deadline to remind you of."), status=400,
                            content_type="text/plain; charset=utf-8")
    body = calendar.deadline_reminder(answer, request.build_absolute_uri(request.path.replace("reminder.ics", "")
                                                                         + "?" + request.GET.urlencode()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="medical-insurance-deadline.ics"'
    return response


@require_GET
def contribution(request):
    form, answer = calculate(request, "contribution", ContributionForm, answers.contribution)
    return respond(request, "contribution", form, answer, serializers.contribution)


@require_GET
def region_index(request):
    return render(request, "calculators/region_index.html", {"regions": Region.objects.select_related("parent")})


@require_GET
def region_detail(request, slug):
    region = get_object_or_404(Region.objects.select_related("parent"), slug=slug)
    sections = [(name, tables.render_table(name, region, heading_level=2)) for name in tables.TABLES]
    return render(request, "calculators/region_detail.html", {
        "region": region,
        "chain": region.chain()[1:],
        "sections": sections,
        "children": region.children.all(),
    })
