import pytest

from guides.search import normalize, search, snippet, terms_of

pytestmark = pytest.mark.django_db


def test_two_character_chinese_word_is_found_inside_a_sentence(make_guide):
    make_guide(body_zh="## 说明\n\n住院后可以申请报销，需要带上发票。")
    results = search("报销", "zh-hans")
    assert [r.obj.slug for r in results] == ["how-to-pay"]
    assert "<mark>报销</mark>" in results[0].snippet


def test_russian_search_ignores_case(make_guide):
    make_guide(body_ru="## Раздел\n\nВзнос платят один раз в год.")
    assert search("взнос", "ru") and search("ВЗНОС", "ru")


def test_russian_search_treats_yo_as_ye(make_guide):
    make_guide(body_ru="Зарегистрируйте ребёнка.")
    assert search("ребенка", "ru")


def test_search_is_in_the_readers_language(make_guide):
    make_guide(body_zh="报销", body_ru="возмещение")
    assert search("报销", "zh-hans")
    assert not search("报销", "ru")


def test_reader_of_a_missing_translation_finds_the_fallback_text(make_guide):
    make_guide(title_ru="", summary_ru="", body_ru="", body_zh="异地就医备案")
    assert search("备案", "ru")


def test_all_words_must_match(make_guide, make_faq):
    make_guide(body_ru="уплата взноса через банк")
    make_faq(answer_ru="взнос для студентов")
    assert [r.kind for r in search("взнос банк", "ru")] == ["guide"]


def test_faq_answers_are_searched(faq):
    results = search("90天", "zh-hans")
    assert results[0].kind == "faq"
    assert results[0].url.endswith("#q-newborns")


def test_title_matches_come_first(make_guide, make_faq):
    make_guide(body_zh="新生儿也可以参保")
    make_faq(question_zh="新生儿怎么参保？")
    assert search("新生儿", "zh-hans")[0].kind == "faq"


def test_drafts_and_unpublished_faqs_are_not_found(make_guide, make_faq):
    make_guide(status="draft", body_zh="草稿内容")
    make_faq(status="draft", answer_zh="草稿内容")
    assert search("草稿", "zh-hans") == []


def test_percent_and_underscore_are_literal(make_guide):
    make_guide(body_zh="报销比例是70%左右")
    assert search("%", "zh-hans")
    assert search("_", "zh-hans") == []


def test_empty_and_whitespace_queries_find_nothing(guide):
    assert search("", "ru") == [] and search("   ", "ru") == []


def test_very_long_query_is_cut_not_refused():
    terms = terms_of("报" * 2000)
    assert len(terms) == 1 and len(terms[0]) == 100


def test_normalize_keeps_length_so_snippets_line_up():
    text = "İstanbul Ёлка ВЗНОС"
    assert len(normalize(text)) == len(text)


def test_snippet_escapes_html_around_the_mark():
    html = snippet("前面 <b>报销</b> 后面", ["报销"])
    assert "&lt;b&gt;<mark>报销</mark>&lt;/b&gt;" in html
