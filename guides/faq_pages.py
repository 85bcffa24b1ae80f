"""The questions page, readable on a phone however many questions there are.

``/faq/`` shows each topic's first ``SHOWN_PER_TOPIC`` questions with their answers, the next
``LISTED_PER_TOPIC`` as a list of questions that opens on request (each keeps its anchor ``#q-<slug>``
there, so links to ``/faq/#q-<slug>`` land on it) and how many the topic has in all, with a link to
them: the page stays the same length whether there are 20 questions or 1,100. ``/faq/<topic>/`` shows
one topic's questions and answers, ``PER_PAGE`` a page. Answers are HTML rendered on save
(``guides.prerender``); each page reads a fixed number of queries whatever the number of questions, and
shows at most a fixed number of answers: at 50 times today's questions a page costs less than twice
what it costs today.

The overview's list of questions (one query numbering every published question per topic, which grows
with the content) is kept per content version and language until the next question is scheduled to go
live: a publish, edit or withdrawal shows on the next request (a new version), a scheduled question at
its moment. Without the shared cache nothing is kept.
"""

from html import escape

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.urls import reverse
from django.utils.safestring import mark_safe

from guides import prerender
from guides.models import FAQ, Topic, next_visible_moment
from core import content_version
from core.bilingual import FIELD_SUFFIX, HTML_LANG, other_language

SHOWN_PER_TOPIC = 5
LISTED_PER_TOPIC = 15
PER_PAGE = 10
LIGHT = ("slug", "question_zh", "question_ru", "topic", "order")
OVERVIEW_SECONDS = 24 * 3600


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

    ``more_count`` is how many questions of the topic have no answer shown here; ``more_html`` lists the first
    ``LISTED_PER_TOPIC`` of them, read as plain values and written out as one escaped list.
    """
    topics = {topic.pk: {"topic": topic, "entries": [], "more": [], "total": 0} for topic in Topic.objects.all()}
    shown, own, other = [], FIELD_SUFFIX[language], FIELD_SUFFIX[other_language(language)]
    fallback_lang = HTML_LANG[other_language(language)]
    for pk, slug, topic_id, question, fallback, place, total in overview_rows(own, other):
        group = topics[topic_id]
        group["total"] = total
        if place <= SHOWN_PER_TOPIC:
            shown.append(pk)
            continue
        if "url" not in group:
            group["url"] = reverse("guides:faq_topic", args=[group["topic"].slug])
        page = (place - 1) // PER_PAGE + 1
        url = escape(f"{group['url']}{f'?page={page}' if page > 1 else ''}#q-{slug}")
        if question.strip() or not fallback.strip():
            group["more"].append(f'<li id="q-{escape(slug)}"><a href="{url}">{escape(question)}</a></li>')
        else:  # marked as the other language's text, as everywhere a translation is missing
            group["more"].append(f'<li id="q-{escape(slug)}"><a href="{url}" lang="{fallback_lang}">'
                                 f'{escape(fallback)}</a></li>')
    for faq in with_answers(FAQ.objects.filter(pk__in=shown), language):
        topics[faq.topic_id]["entries"].append(entry(faq, language))
    for group in topics.values():
        group["more_count"] = max(0, group["total"] - SHOWN_PER_TOPIC)
        group["more_html"] = mark_safe("".join(group.pop("more")))  # every value above is escaped
    return [group for group in topics.values() if group["total"]]


def overview_rows(own, other):
    """(pk, slug, topic, question, other-language question, place in topic, topic total) of the questions
    the overview names, kept as the module docstring says."""
    def numbered():
        return list(FAQ.objects.published().annotate(
            place=Window(RowNumber(), partition_by=[F("topic")], order_by=[F("order").asc(), F("slug").asc()]),
            total=Window(Count("pk"), partition_by=[F("topic")]),
        ).filter(place__lte=SHOWN_PER_TOPIC + LISTED_PER_TOPIC).values_list(
            "pk", "slug", "topic_id", f"question_{own}", f"question_{other}", "place", "total"))
    return content_version.kept(f"faq-overview:{own}", numbered, OVERVIEW_SECONDS, until=next_visible_moment)


def topic_page(slug, page, language):
    """(topic, entries, total, pages) of one page of a topic's questions; 404 for a page that does not exist."""
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None or page < 1:
        raise Http404
    questions = FAQ.objects.published().filter(topic=topic)
    # Counted on its own: a window count over the wide rows (answers in both languages) read every one of
    # the topic's questions, 2.5x today's cost at 50x.
    total, start = questions.count(), (page - 1) * PER_PAGE
    if start >= total:
        raise Http404
    rows = with_answers(questions.order_by("order", "slug"), language)[start:start + PER_PAGE]
    return topic, [entry(faq, language) for faq in rows], total, -(-total // PER_PAGE)
