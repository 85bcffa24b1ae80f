"""The questions page, readable on a phone however many questions there are.

``/faq/`` shows each topic's first ``SHOWN_PER_TOPIC`` questions with their answers and, when a topic
has more, the rest as a list of questions that opens on request; every question keeps its anchor
``#q-<slug>`` there, so links to ``/faq/#q-<slug>`` land on it. ``/faq/<topic>/`` shows one topic's
questions and answers, ``PER_PAGE`` a page. Answers are HTML rendered on save
(``guides.prerender``); each page reads a fixed number of queries whatever the number of questions.
"""

from html import escape

from django.db.models import Count, Window
from django.http import Http404
from django.urls import reverse
from django.utils.safestring import mark_safe

from guides import prerender
from guides.models import FAQ, Topic
from core.bilingual import FIELD_SUFFIX, HTML_LANG, other_language

SHOWN_PER_TOPIC = 10
PER_PAGE = 20
LIGHT = ("slug", "question_zh", "question_ru", "topic", "order")


def answer_url(faq, place, topic_slug=None):
    """Where the answer of ``faq``, the ``place``-th question (from 0) of its topic, is shown."""
    if place < SHOWN_PER_TOPIC:
        return faq.get_absolute_url()
    page = place // PER_PAGE + 1
    url = reverse("guides:faq_topic", args=[topic_slug or faq.topic.slug])
    return f"{url}{f'?page={page}' if page > 1 else ''}#{faq.anchor}"


def entry(faq, language):
    answer = faq.localized("answer", language)
    stored = getattr(faq, f"answer_html_{FIELD_SUFFIX[language]}")
    return {
        "faq": faq,
        "question": faq.localized("question", language),
        "answer": answer,
        "answer_html": prerender.live(stored, answer.language),
    }


def with_answers(queryset, language):
    return queryset.only(*LIGHT, "answer_zh", "answer_ru", f"answer_html_{FIELD_SUFFIX[language]}")


def overview(language):
    """[{topic, entries, more_html, more_count, total}] for every topic with published questions.

    The questions beyond the first ``SHOWN_PER_TOPIC`` of a topic are read as plain values and written out as
    one list in Python: at 50 times today's questions, a model instance, a URL reversal and a template loop
    per question were most of the page's time.
    """
    topics = {topic.pk: {"topic": topic, "entries": [], "more": [], "total": 0} for topic in Topic.objects.all()}
    shown, own, other = [], FIELD_SUFFIX[language], FIELD_SUFFIX[other_language(language)]
    fallback_lang = HTML_LANG[other_language(language)]
    for pk, slug, topic_id, question, fallback in FAQ.objects.published().values_list(
            "pk", "slug", "topic_id", f"question_{own}", f"question_{other}"):
        group = topics[topic_id]
        if group["total"] < SHOWN_PER_TOPIC:
            shown.append(pk)
        else:
            if "url" not in group:
                group["url"] = reverse("guides:faq_topic", args=[group["topic"].slug])
            page = group["total"] // PER_PAGE + 1
            url = f"{group['url']}{f'?page={page}' if page > 1 else ''}#q-{slug}"
            if question.strip() or not fallback.strip():
                group["more"].append(f'<li id="q-{escape(slug)}"><a href="{escape(url)}">{escape(question)}</a></li>')
            else:  # marked as the other language's text, as everywhere a translation is missing
                group["more"].append(f'<li id="q-{escape(slug)}"><a href="{escape(url)}" lang="{fallback_lang}">'
                                     f'{escape(fallback)}</a></li>')
        group["total"] += 1
    for faq in with_answers(FAQ.objects.filter(pk__in=shown), language):
        topics[faq.topic_id]["entries"].append(entry(faq, language))
    for group in topics.values():
        group["more_count"] = len(group["more"])
        group["more_html"] = mark_safe("".join(group.pop("more")))  # every value above is escaped
    return [group for group in topics.values() if group["total"]]


def topic_page(slug, page, language):
    """(topic, entries, total, pages) of one page of a topic's questions; 404 for a page that does not exist."""
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None or page < 1:
        raise Http404
    start = (page - 1) * PER_PAGE
    rows = list(with_answers(FAQ.objects.published().filter(topic=topic), language)
                .annotate(total=Window(Count("pk")))[start:start + PER_PAGE])
    if not rows:
        raise Http404
    total = rows[0].total
    return topic, [entry(faq, language) for faq in rows], total, -(-total // PER_PAGE)
