from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from guides import rendering
from guides import search as guide_search
from guides.models import Guide, Topic
from portal.bilingual import current_language


@require_GET
def guide_index(request):
    topics = [t for t in Topic.objects.with_published_guides() if t.published_guides]
    return render(request, "guides/guide_index.html", {"topics": topics})


@require_GET
def guide_detail(request, slug):
    guides = Guide.objects.select_related("topic").prefetch_related("sources")
    if not request.user.is_staff:
        guides = guides.published()
    guide = get_object_or_404(guides, slug=slug)
    language = current_language()
    body = guide.localized("body", language)
    return render(request, "guides/guide_detail.html", {
        "guide": guide,
        "title": guide.localized("title", language),
        "summary": guide.localized("summary", language),
        "body": body,
        "rendered": rendering.render(body.text, body.language),
        "is_preview": guide.status != Guide.Status.PUBLISHED,
    })


@require_GET
def faq(request):
    language = current_language()
    topics = []
    for topic in Topic.objects.with_published_faqs():
        entries = []
        for item in topic.published_faqs:
            answer = item.localized("answer", language)
            entries.append({
                "faq": item,
                "question": item.localized("question", language),
                "answer": answer,
                "answer_html": rendering.render(answer.text, answer.language).html,
            })
        if entries:
            topics.append({"topic": topic, "entries": entries})
    return render(request, "guides/faq.html", {"topics": topics})


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[: guide_search.MAX_QUERY_LENGTH]
    results = guide_search.search(query, current_language())
    return render(request, "guides/search.html", {"query": query, "results": results})
