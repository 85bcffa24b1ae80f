"""What the demo content promises readers beyond being complete: the glossary's one wording per term,
sources named once and in both languages, figures that do not pose as current, and links that lead
somewhere in both languages. Wording rules are those of docs/glossary.md."""

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation

from guides.models import FAQ, Guide, GuideSource, Topic
from guides.rendering import render

pytestmark = pytest.mark.django_db

GLOSSARY = Path(settings.BASE_DIR) / "docs" / "glossary.md"
TITLE_38 = ("Указания Канцелярии Госсовета КНР о совершенствовании долгосрочного механизма участия "
            "в базовом медицинском страховании")
TITLE_42 = ("Указания Канцелярии Госсовета КНР о совершенствовании медицинского страхования и адресной помощи "
            "на оплату лечения при тяжёлых и особо тяжёлых заболеваниях")

# Russian wordings the glossary rules out, each with the reason a reader would stumble.
BANNED_RUSSIAN = {
    r"\(хукоу\) \(户口本\)": "户口本 is «книга регистрации домохозяйства (хукоу, 户口本)»",
    r"QR-код\) \(医保电子凭证\)": "医保电子凭证 is «электронный полис медстрахования (QR-код, 医保电子凭证)»",
    r"управлени\w* (медстрахования|медицинского страхования)": "医保局 is «управление медицинского обеспечения»",
    r"вид\w* на жительство(?! для иногородних)": "居住证 is always «вид на жительство для иногородних»",
    r"\bВНЖ\b": "a foreigner's 居留许可 is «разрешение на пребывание»",
    r"Мнени[еяй]|Руководящ": "State Council documents are «Указания Канцелярии Госсовета КНР о …»",
}
ATTRIBUTION_IN_ANSWERS = {
    "zh": re.compile(r"据[^。；]*网络文章|网络文章[^。；]*(说|称|写)"),
    "ru": re.compile(r"по данным (интернет|сторонн)|интернет-стат", re.IGNORECASE),
}
LINK = re.compile(r'href="([^"]+)"')
IDS = re.compile(r'id="([^"]+)"')


@pytest.fixture
def demo(demo_content):
    """The demo content, loaded once per session and copied into each test (``tests/conftest.py``)."""


def russian_texts():
    for guide in Guide.objects.published():
        for field in ("title_ru", "summary_ru", "body_ru"):
            yield f"guide {guide.slug}.{field}", getattr(guide, field)
    for faq in FAQ.objects.published():
        for field in ("question_ru", "answer_ru"):
            yield f"faq {faq.slug}.{field}", getattr(faq, field)
    for source in GuideSource.objects.select_related("guide"):
        for field in ("title_ru", "issuer_ru", "note_ru"):
            yield f"source {source.guide.slug}#{source.order}.{field}", getattr(source, field)
    for topic in Topic.objects.all():
        yield f"topic {topic.slug}", f"{topic.name_ru} {topic.description_ru}"


def pairs():
    """Each published text as (where, Chinese, Russian), so a term in one can be checked in the other."""
    for guide in Guide.objects.published():
        yield f"guide {guide.slug}", guide.body_zh, guide.body_ru
    for faq in FAQ.objects.published():
        yield f"faq {faq.slug}", faq.answer_zh, faq.answer_ru
    for source in GuideSource.objects.select_related("guide"):
        yield f"source {source.guide.slug}#{source.order}", source.note_zh, source.note_ru


def test_every_source_gives_its_title_and_issuer_in_both_languages(demo):
    for source in GuideSource.objects.filter(guide__in=Guide.objects.published()):
        where = f"{source.guide.slug}#{source.order}"
        assert source.title_zh.strip() and source.title_ru.strip(), where
        assert source.issuer_zh.strip() and source.issuer_ru.strip(), where
        # The published title is kept as it was: it is one of the two translations' originals.
        assert source.title in (source.title_zh, source.title_ru), where


def test_every_published_guide_and_question_has_a_source_naming_a_year(demo):
    for guide in Guide.objects.published():
        notes = " ".join(s.note_zh + s.note_ru for s in guide.sources.all())
        assert re.search(r"20\d\d", notes), guide.slug
    for faq in FAQ.objects.published():
        assert faq.has_language("zh-hans", FAQ.TRANSLATED_FIELDS) and faq.has_language("ru", FAQ.TRANSLATED_FIELDS)


@pytest.mark.parametrize("pattern", BANNED_RUSSIAN)
def test_russian_text_never_uses_a_wording_the_glossary_rules_out(demo, pattern):
    found = [where for where, text in russian_texts() if re.search(pattern, text or "")]
    assert found == [], BANNED_RUSSIAN[pattern]


def test_the_agencies_keep_one_russian_name_each(demo):
    for where, zh, ru in pairs():
        if "医保经办" in zh:
            assert re.search(r"агентств\w* медстрахования", ru), where
        if re.search(r"агентств\w* социального страхования", ru):
            assert "社保经办" in zh, where
        if "医保局" in zh.replace("国家医保局", ""):
            assert re.search(r"управлени\w* медицинского обеспечения", ru), where


def test_a_foreigners_residence_permit_is_never_confused_with_the_internal_one(demo):
    for where, zh, ru in pairs():
        if "居留许可" in zh:
            assert re.search(r"разрешени\w* на пребывание", ru), where
        if re.search(r"разрешени\w* на пребывание", ru):
            assert "居住证" not in zh or "居留许可" in zh, where


def test_the_two_state_council_documents_have_one_russian_title_everywhere(demo):
    for number, title in (("国办发〔2024〕38号", TITLE_38), ("国办发〔2021〕42号", TITLE_42)):
        sources = GuideSource.objects.filter(document_number=number)
        assert sources.exists()
        assert set(sources.values_list("title_ru", flat=True)) == {title}
        assert title in GLOSSARY.read_text(encoding="utf-8")


def test_no_faq_answer_repeats_where_its_figures_come_from(demo):
    for faq in FAQ.objects.published():
        assert not ATTRIBUTION_IN_ANSWERS["zh"].search(faq.answer_zh), faq.slug
        assert not ATTRIBUTION_IN_ANSWERS["ru"].search(faq.answer_ru), faq.slug


def test_the_lost_card_question_asks_the_same_in_both_languages(demo):
    faq = FAQ.objects.get(slug="lost-card-e-certificate")
    assert "医保电子凭证" in faq.question_zh
    assert "электронн" in faq.question_ru and "полис" in faq.question_ru
    assert "по телефону" not in faq.question_ru  # that would be a consultation by phone


def test_this_years_contribution_is_read_from_the_live_table(demo):
    faq = FAQ.objects.get(slug="how-much-to-pay")
    for text in (faq.answer_zh, faq.answer_ru):
        assert "[[table:contributions region=national]]" in text
        assert not re.search(r"\b20\d\d\b[^\n]{0,40}(400|380)", text)  # no national year's figure in prose
    for guide in Guide.objects.published():
        for text in (guide.body_zh, guide.body_ru):
            # 640 was the 2023 subsidy; the seed article gave it for 2024.
            assert "640" not in text, guide.slug


def test_late_joiners_guide_embeds_the_live_tables_and_works_the_teams_examples(demo):
    guide = Guide.objects.published().get(slug="late-and-lapsed-joiners")
    for text in (guide.body_zh, guide.body_ru):
        assert "[[table:waiting-periods region=national]]" in text
        assert "[[table:contributions region=zhejiang]]" in text
    examples = {("断保1年", "3个月"), ("断保3年，没有补交", "5个月"), ("断保3年，补交了2年", "3个月"),
                ("断保5年，没有补交", "7个月"), ("断保5年，5年全部补交", "6个月")}
    rows = [line.split("|") for line in guide.body_zh.splitlines() if line.startswith("| 断保")]
    assert {(cells[1].strip().split("，重新")[0], cells[3].strip()) for cells in rows} == examples
    assert "1,070" in guide.body_zh and "1070" in guide.body_ru


def test_cross_region_guide_covers_both_kinds_of_registration_and_failed_settlement(demo):
    guide = Guide.objects.published().get(slug="treatment-in-another-region")
    for term in ("异地长期居住人员", "临时外出就医人员", "国家医保服务平台", "费用清单", "发票", "医保发〔2022〕22号"):
        assert term in guide.body_zh, term
    for term in ("длительно проживающие вне места страхования", "временно выезжающие на лечение",
                 "Национальная платформа услуг медицинского страхования", "детализацию расходов", "чеков"):
        assert term.lower() in guide.body_ru.lower(), term


@pytest.mark.parametrize("language,heading", [("zh-hans", "给窗口工作人员看的双语卡片"),
                                              ("ru", "двуязычная-карточка-для-окна-приёма")])
def test_foreigners_guide_has_a_counter_card_the_stylesheet_can_print_alone(demo, language, heading):
    guide = Guide.objects.published().get(slug="foreigners-by-document")
    html = render(guide.localized("body", language).text, language).html
    # The print rule keys on a heading directly followed by a quote that holds a table.
    assert re.search(rf'<h2 id="{heading}">[^<]*</h2>\s*<blockquote>\s*<div class="table-scroll"', html)
    assert f'href="#{heading}"' in html
    card = html[html.index("<blockquote>"):html.index("</blockquote>")]
    assert "居留许可" in card and "разрешение на пребывание для иностранцев" in card
    assert "居住证只发给中国公民" in card and "вида на жительство для иногородних" in card


def rendered_pages(language):
    with translation.override(language):
        for guide in Guide.objects.published():
            yield guide.get_absolute_url(), render(guide.localized("body", language).text, language).html
        for faq in FAQ.objects.published():
            yield faq.get_absolute_url().split("#")[0], render(faq.localized("answer", language).text, language).html


def anchors_of(url, language):
    match = resolve(urlsplit(url).path)
    if match.url_name == "detail":
        guide = Guide.objects.published().get(slug=match.kwargs["slug"])
        return set(IDS.findall(render(guide.localized("body", language).text, language).html)) | {"sources-title"}
    if match.url_name == "faq":
        return {faq.anchor for faq in FAQ.objects.published()}
    return set()


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_every_link_between_guides_and_answers_leads_to_a_published_page_and_heading(demo, language):
    checked = 0
    for page_url, html in rendered_pages(language):
        for href in LINK.findall(html):
            if href.startswith(("http:", "https:", "mailto:", "tel:")):
                continue
            target = urljoin("http://testserver" + page_url, href)
            path, fragment = urlsplit(target).path, unquote(urlsplit(target).fragment)
            assert path.startswith(f"/{language}/"), (page_url, href)
            try:
                match = resolve(path)
            except Resolver404:
                pytest.fail(f"{page_url}: {href} leads nowhere")
            if match.url_name == "detail":
                assert Guide.objects.published().filter(slug=match.kwargs["slug"]).exists(), (page_url, href)
            if fragment:
                assert fragment in anchors_of(path, language), (page_url, href)
            checked += 1
    assert checked >= 40


RELATED = {
    ("guide", "when-to-pay"): "late-and-lapsed-joiners",
    ("guide", "apply-online"): "foreigners-by-document",
    ("guide", "claim-reimbursement"): "treatment-in-another-region",
    ("guide", "foreigners-and-other-regions"): "foreigners-by-document",
    ("faq", "waiting-period"): "late-and-lapsed-joiners",
    ("faq", "treatment-in-another-city"): "treatment-in-another-region",
    ("faq", "foreigners"): "foreigners-by-document",
}


@pytest.mark.parametrize("kind,slug", RELATED)
def test_related_guides_and_answers_link_to_the_new_guides_in_both_languages(demo, kind, slug):
    item = (Guide if kind == "guide" else FAQ).objects.get(slug=slug)
    fields = ("body_zh", "body_ru") if kind == "guide" else ("answer_zh", "answer_ru")
    for field in fields:
        assert f"/{RELATED[(kind, slug)]}/)" in getattr(item, field), (slug, field)


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_home_page_links_the_new_guides(client, demo, language):
    page = client.get(f"/{language}/").content.decode()
    for slug in ("late-and-lapsed-joiners", "treatment-in-another-region", "foreigners-by-document"):
        assert f'href="/{language}/guides/{slug}/"' in page, slug
