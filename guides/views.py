from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from guides import embeds
from guides import faq_pages, reads
from guides import feedback as reader_feedback
from guides import prerender
from guides import search as guide_search
from guides.models import DERIVED_SEARCH_FIELDS, Feedback, Guide, Topic
from core import parity, response_cache
from core.bilingual import FIELD_SUFFIX, current_language
from core.preview import is_staff, preview_day, preview_moment


# Fifteen guides, a title and a summary each: a page a phone reader gets through in a few swipes.
GUIDES_PER_PAGE = 15


@require_GET
def guide_index(request):
    """Every published guide grouped by topic, ``GUIDES_PER_PAGE`` a page; ``?topic=<slug>``: one topic's."""
    guides = Guide.objects.published().select_related("topic").only(
        "slug", "title_zh", "title_ru", "summary_zh", "summary_ru", "order", *(f"topic__{name}" for name in (
            "slug", "name_zh", "name_ru", "description_zh", "description_ru", "order")))
    topic = None
    if request.GET.get("topic"):
        topic = Topic.objects.filter(slug=request.GET["topic"]).first()
        if topic is None:
            raise Http404
        guides = guides.filter(topic=topic)
    number = positive_int(request.GET.get("page", "1"))
    paginator = Paginator(guides, GUIDES_PER_PAGE)
    if number < 1 or number > paginator.num_pages:
        raise Http404
    page = paginator.page(number)
    topics = {}
    for guide in page:
        topics.setdefault(guide.topic.pk, (guide.topic, []))[1].append(guide)
    return render(request, "guides/guide_index.html", {
        "topics": list(topics.values()), "topic": topic, "page": number, "pages": paginator.num_pages,
        "page_numbers": pager_numbers(number, paginator.num_pages),
    })


SEARCH_COLUMNS = [*DERIVED_SEARCH_FIELDS, "search_zh", "search_ru"]


@require_GET
def guide_detail(request, slug):
    # The search columns are large and never shown here.
    guides = Guide.objects.select_related("topic").prefetch_related("sources").defer(*SEARCH_COLUMNS)
    if not is_staff(request):
        guides = guides.published()
    guide = get_object_or_404(guides, slug=slug)
    language = current_language()
    suffix = FIELD_SUFFIX[language]
    body = guide.localized("body", language)
    moment = preview_moment(request)  # staff only: the guide's live tables as they will be that day
    history = list(guide.history.order_by("history_date", "history_id"))
    staff = is_staff(request)
    if not staff:  # without opening the session: a reader's page must not vary by cookie
        reads.record_read(guide.slug)
    response = render(request, "guides/guide_detail.html", {
        "guide": guide,
        "title": guide.localized("title", language),
        "summary": guide.localized("summary", language),
        "body": body,
        "body_html": prerender.live(getattr(guide, f"body_html_{suffix}"), body.language, as_of=moment),
        "headings": getattr(guide, f"headings_{suffix}"),
        # A reader is only ever given a published guide; staff may open any, and see which it is.
        "is_preview": staff and not Guide.objects.published(at=moment).filter(pk=guide.pk).exists(),
        "preview_date": preview_day(moment),
        "rules_year": embeds.fact("rules_year", as_of=moment),
        "change_notes": guide.public_change_notes(records=history),
        "translation_is_stale": parity.stale_for_reader(guide, Guide.TRANSLATED_FIELDS, language, history),
    })
    response_cache.repeat_on_hit(response, reads.READ, guide.slug)  # a kept page is a read too
    return response


@require_GET
def faq(request):
    return render(request, "guides/faq.html", {"topics": faq_pages.overview(current_language())})


@require_GET
def faq_topic(request, slug):
    page = positive_int(request.GET.get("page", "1"))
    topic, entries, total, pages = faq_pages.topic_page(slug, page, current_language())
    return render(request, "guides/faq_topic.html", {
        "topic": topic, "entries": entries, "total": total, "page": page, "pages": pages,
        "page_numbers": pager_numbers(page, pages),
    })


def pager_numbers(page, pages):
    """The numbers a pager shows: the first and last pages and two either side of this one, with None for
    each gap. The same length however long the list: it fits a phone, and its cost does not grow with the
    content."""
    numbers = Paginator(range(pages), 1).get_elided_page_range(page, on_each_side=2, on_ends=1)
    return [number if isinstance(number, int) else None for number in numbers]


def positive_int(text):
    """A page number from the address; 0 (no such page) for anything else."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 6 else 0


MOST_READ_SHOWN = 8


@require_GET
def search(request):
    query = guide_search.clean_query(request.GET.get("q", ""))
    group = request.GET.get("group", "")
    group = group if group in guide_search.GROUPS else None
    page = positive_int(request.GET.get("page", "1")) if group else 1
    if page < 1:
        raise Http404
    language = current_language()
    found = guide_search.search(query, language, group=group, page=page)
    context = {"query": query, "search": found, "group": group, "page": page}
    if not found.terms:
        context["most_read"] = reads.most_read(MOST_READ_SHOWN)
    elif group and page > 1 and (not found.groups or page > found.groups[0].pages):
        raise Http404
    elif not found.total:
        other, url = guide_search.other_language_link(query, language)
        context.update(other_language=other, other_url=url, other_count=guide_search.total_in(query, other))
    if group and found.groups:
        context["page_numbers"] = pager_numbers(page, found.groups[0].pages)
        context["first_number"] = (page - 1) * guide_search.PER_PAGE + 1
    return render(request, "guides/search.html", context)


@csrf_exempt  # protected by a signed form token and an Origin/Referer check instead (see guides.feedback)
@require_POST
def feedback(request):
    """Store one "Was this page useful?" answer; htmx gets the box back in place, a plain form a redirect."""
    posted_page = request.POST.get("page", "")
    comment, shortened = reader_feedback.clean_comment(request.POST.get("comment", ""))
    if reader_feedback.is_forged(request):
        return feedback_refused(request, posted_page, comment, status=403, message=_(
            "This form is too old or was not sent from this site. Please reload the page and answer again."
        ))
    if reader_feedback.is_flood(request):
        return feedback_refused(request, posted_page, comment, status=429, message=_(
            "You have sent many answers in a short time. Please wait a minute and try again."
        ))
    page = reader_feedback.resolve_page(posted_page)
    if page is None:
        return feedback_refused(request, posted_page, comment, status=400, message=_(
            "We could not tell which page your answer is about. Please go back to the page and try again."
        ))
    useful = {"yes": True, "no": False}.get(request.POST.get("useful", "").strip().lower())
    if useful is None:
        return feedback_refused(request, posted_page, comment, status=400, page=page, message=_(
            "Please answer Yes or No."
        ))
    Feedback.objects.create(page=page.path, page_kind=page.kind, language=page.language,
                            useful=useful, comment=comment)
    state = "shortened" if shortened else "thanks"
    if request.htmx:
        response = render(request, "guides/_feedback.html", {"feedback_state": state})
    else:
        query = QueryDict(page.query, mutable=True)
        query["feedback"] = state
        response = redirect(f"{page.path}?{query.urlencode()}#feedback")
    patch_vary_headers(response, ["HX-Request"])
    return response


def feedback_refused(request, posted_page, comment, status, message, page=None):
    if request.htmx:
        # The box again, with the message and what the reader typed, so they can try once more.
        response = render(request, "guides/_feedback.html", {
            "feedback_error": message, "feedback_page": posted_page[: reader_feedback.POSTED_PAGE_MAX_LENGTH],
            "feedback_comment": comment,
        }, status=status)
    else:
        back = f"{page.path}?{page.query}#feedback" if page and page.query else (
            f"{page.path}#feedback" if page else reverse("home"))
        response = render(request, "guides/feedback.html", {"message": message, "back_url": back}, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
