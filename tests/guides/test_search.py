import datetime
from unittest import mock

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guides.models import Synonym
from guides.search import Forms, _bits, normalize, search, snippet, terms_of, total_in
from guides.search_text import index_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def found(query, language, group=None):
    """{group: [slug or key, ...]} of a search, in ranked order."""
    result = search(query, language)
    return {g.name: [getattr(r.obj, "slug", None) or r.obj.key for r in g.results] for g in result.groups
            if group is None or g.name == group}


def slugs(query, language, group="guides"):
    return found(query, language).get(group, [])


def group_of(query, language, name):
    return next(g for g in search(query, language).groups if g.name == name)


# --- Russian word forms ---------------------------------------------------------------


def test_russian_word_forms_find_the_same_pages(make_guide, make_faq):
    make_guide("plural", title_ru="Оплата", body_ru="Взносы платят раз в год.")
    make_guide("genitive", title_ru="Сроки", body_ru="Сроки уплаты взносов.")
    make_guide("singular", title_ru="Сумма", body_ru="Личный взнос.")
    make_faq(question_ru="Вопрос", answer_ru="Когда вносить взнос?")
    results = [found(query, "ru") for query in ("взносы", "взносов", "взнос", "ВЗНОСАМИ")]
    assert results[0] == results[1] == results[2] == results[3]
    assert sorted(results[0]["guides"]) == ["genitive", "plural", "singular"]
    assert results[0]["questions"] == ["newborns"]


def test_an_inflected_query_finds_the_dictionary_form(make_guide):
    make_guide("late", title_ru="Поздняя оплата", body_ru="Доплата за прошлый год.")
    assert slugs("доплату", "ru") == ["late"]
    assert slugs("ДОПЛАТОЙ", "ru") == ["late"]


def test_russian_search_ignores_case(make_guide):
    make_guide(body_ru="## Раздел\n\nВзнос платят один раз в год.")
    assert slugs("взнос", "ru") == slugs("ВЗНОС", "ru") == ["how-to-pay"]


def test_russian_search_treats_yo_as_ye(make_guide):
    make_guide(body_ru="Зарегистрируйте ребёнка.")
    assert slugs("ребенка", "ru") == slugs("ребёнку", "ru") == ["how-to-pay"]


def test_a_russian_word_matches_from_the_start_of_a_word_only(make_guide):
    make_guide(title_ru="Билет", summary_ru="", body_ru="Купите билет.")
    assert slugs("лет", "ru") == []
    assert slugs("бил", "ru") == ["how-to-pay"]


def test_function_words_do_not_decide_what_is_found(make_guide):
    make_guide("bank", title_ru="Банк", summary_ru="", body_ru="Оплата в отделении банка.")
    make_guide("other", title_ru="Другое", summary_ru="", body_ru="Как и где это сделать.")
    assert slugs("как оплатить через банк", "ru") == ["bank"]


# --- Chinese: substrings and synonyms -------------------------------------------------


def test_two_character_chinese_word_is_found_inside_a_sentence(make_guide):
    make_guide(body_zh="## 说明\n\n住院后可以申请报销，需要带上发票。")
    assert slugs("报销", "zh-hans") == ["how-to-pay"]
    assert "<mark>报销</mark>" in group_of("报销", "zh-hans", "guides").results[0].snippet


def test_a_synonym_finds_the_pages_that_use_the_other_word(make_guide):
    make_guide("everyday", title_zh="交费渠道", summary_zh="", body_zh="在手机上交费。")
    make_guide("official", title_zh="缴费标准", summary_zh="", body_zh="个人缴费多少。")
    assert slugs("交费", "zh-hans") == ["everyday"]
    Synonym.objects.create(term="交费", same_as="缴费")
    assert sorted(slugs("交费", "zh-hans")) == sorted(slugs("缴费", "zh-hans")) == ["everyday", "official"]


def test_a_synonym_inside_a_longer_chinese_query_still_applies(make_guide):
    make_guide("official", title_zh="缴费时间", summary_zh="", body_zh="每年九月到十二月缴费。")
    Synonym.objects.create(term="交费", same_as="缴费")
    assert slugs("怎么交费", "zh-hans") == ["official"]
    assert [t.patterns for t in terms_of("怎么交费")] == [("交费", "缴费")]


def test_synonym_pairs_that_share_a_side_join_up(make_guide):
    make_guide("old-name", title_zh="新农合", summary_zh="", body_zh="原来叫新农合。")
    Synonym.objects.create(term="新农合", same_as="城乡居民医保")
    Synonym.objects.create(term="城乡居民医保", same_as="居民医保")
    assert slugs("居民医保", "zh-hans") == ["old-name"]


def test_a_one_way_synonym_does_not_work_backwards(make_guide):
    make_guide("foreigners", title_ru="Иностранцам", summary_ru="", body_ru="Нужно разрешение на пребывание.")
    make_guide("internal", title_ru="Иногородним", summary_ru="", body_ru="Нужен ВНЖ.")
    Synonym.objects.create(term="ВНЖ", same_as="разрешение на пребывание", both_ways=False)
    assert sorted(slugs("внж", "ru")) == ["foreigners", "internal"]
    assert slugs("разрешения на пребывание", "ru") == ["foreigners"]


def test_a_russian_phrase_synonym_matches_any_word_form(make_guide):
    make_guide("foreigners", title_ru="Иностранцам", summary_ru="", body_ru="Нужно разрешение на пребывание.")
    Synonym.objects.create(term="вид на жительство", same_as="разрешение на пребывание", both_ways=False)
    assert slugs("вида на жительство", "ru") == ["foreigners"]


def test_a_synonym_change_applies_to_the_next_search(make_guide):
    make_guide("official", title_zh="缴费标准", summary_zh="", body_zh="个人缴费多少。")
    synonym = Synonym.objects.create(term="交钱", same_as="缴费")
    assert slugs("交钱", "zh-hans") == ["official"]
    synonym.delete()
    assert slugs("交钱", "zh-hans") == []


def test_question_words_are_not_searched_for(make_guide):
    make_guide("newborn", title_zh="新生儿参保", summary_zh="", body_zh="出生后登记。")
    assert [t.patterns for t in terms_of("新生儿怎么参保？")] == [("新生儿",), ("参保",)]
    assert slugs("新生儿怎么参保？", "zh-hans") == ["newborn"]


def test_letters_and_digits_typed_together_are_one_phrase(make_faq):
    make_faq(answer_zh="出生后90天内登记。")
    make_faq("other", question_zh="别的", answer_zh="90岁老人；3天内。")
    assert found("90天", "zh-hans")["questions"] == ["newborns"]


# --- Language, visibility, odd input ---------------------------------------------------


def test_search_is_in_the_readers_language(make_guide):
    make_guide(body_zh="报销", body_ru="возмещение")
    assert slugs("报销", "zh-hans") == ["how-to-pay"]
    assert slugs("报销", "ru") == []


def test_reader_of_a_missing_translation_finds_the_fallback_text(make_guide):
    make_guide(title_ru="", summary_ru="", body_ru="", body_zh="异地就医备案")
    assert slugs("备案", "ru") == ["how-to-pay"]


def test_faq_answers_are_searched(faq):
    assert group_of("90天", "zh-hans", "questions").results[0].url == "/zh-hans/faq/#q-newborns"


def test_drafts_and_unpublished_faqs_are_not_found(make_guide, make_faq):
    make_guide(status="draft", body_zh="草稿内容")
    make_faq(status="draft", answer_zh="草稿内容")
    assert search("草稿", "zh-hans").groups == []


def test_wildcards_are_literal_and_punctuation_is_not_a_word(make_guide):
    make_guide(body_zh="报销比例是70%左右")
    assert search("%", "zh-hans").terms == [] and search("_", "zh-hans").terms == []
    assert slugs("70%", "zh-hans") == ["how-to-pay"]
    assert slugs("7_", "zh-hans") == slugs("7", "zh-hans") == []


def test_control_characters_are_dropped_from_the_query(make_guide):
    make_guide(body_ru="Взнос платят раз в год.")
    assert slugs("вз\x00нос\x1f", "ru") == ["how-to-pay"]


def test_empty_and_whitespace_queries_find_nothing(guide):
    assert search("", "ru").groups == [] and search("   ", "ru").groups == []


def test_very_long_query_is_cut_not_refused():
    terms = terms_of("报" * 2000)
    assert len(terms) == 1 and terms[0].patterns == ("报" * 100,)


def test_normalize_keeps_length_so_snippets_line_up():
    text = "İstanbul Ёлка ВЗНОС"
    assert len(normalize(text)) == len(text)


# --- Snippets -----------------------------------------------------------------------


def test_snippet_escapes_html_around_the_mark():
    html = snippet("前面 <b>报销</b> 后面", terms_of("报销"))
    assert "&lt;b&gt;<mark>报销</mark>&lt;/b&gt;" in html


def test_snippet_marks_every_word_form_it_matched():
    html = snippet("Взносы и взносов, а также взнос.", terms_of("взнос"))
    assert html.count("<mark>") == 3
    assert "<mark>Взносы</mark>" in html and "<mark>взносов</mark>" in html


def test_snippet_marks_a_phrase_across_scripts():
    assert "出生后<mark>90天</mark>内" in snippet("出生后90天内登记", terms_of("90天"))


# --- Other pages: regions and calculators ----------------------------------------------


@pytest.fixture
def regions(db):
    from calculators.models import Region

    national = Region.objects.create(slug="national", name_zh="全国", name_ru="Вся страна", order=0)
    Region.objects.create(slug="beijing", name_zh="北京市", name_ru="Пекин", parent=national, order=1)
    Region.objects.create(slug="hubei", name_zh="湖北省", name_ru="Хубэй", parent=national, order=2)


def test_region_pages_are_found_by_name_in_either_language(regions):
    assert found("北京", "zh-hans")["regions"] == ["beijing"]
    assert found("Пекине", "ru")["regions"] == ["beijing"]
    assert found("北京", "ru")["regions"] == ["beijing"]
    assert group_of("北京", "zh-hans", "regions").results[0].url == "/zh-hans/regions/beijing/"


def test_calculators_are_found_by_what_they_work_out():
    assert found("报销", "zh-hans")["calculators"] == ["reimbursement"]
    assert found("калькулятор", "ru")["calculators"] == ["reimbursement", "deadline", "contribution"]
    assert "deadline" in found("срок оплаты", "ru")["calculators"]
    assert group_of("报销", "zh-hans", "calculators").results[0].url == "/zh-hans/calculators/reimbursement/"


def test_a_new_region_is_found_on_the_next_search(regions):
    from calculators.models import Region

    assert "regions" not in found("黄冈", "zh-hans")
    Region.objects.create(slug="hubei-huanggang", name_zh="黄冈市", name_ru="Хуанган", order=3)
    assert found("黄冈", "zh-hans")["regions"] == ["hubei-huanggang"]


# --- Grouping and ranking ----------------------------------------------------------------


def test_results_are_grouped_by_kind(make_guide, make_faq, regions):
    make_guide(body_zh="北京的缴费时间")
    make_faq(answer_zh="北京可以在网上交")
    assert set(found("北京", "zh-hans")) == {"guides", "questions", "regions"}


def test_title_matches_come_first(make_guide):
    make_guide("body-only", title_zh="怎么缴费", summary_zh="", body_zh="新生儿也可以参保")
    make_guide("in-title", title_zh="新生儿怎么参保", summary_zh="", body_zh="出生后登记")
    assert slugs("新生儿", "zh-hans") == ["in-title", "body-only"]


def test_then_pages_matching_more_words_come_first(make_guide, make_faq):
    make_guide("one-word", order=1, title_ru="Оплата", summary_ru="", body_ru="взнос для студентов")
    make_guide("both-words", order=2, title_ru="Способы", summary_ru="", body_ru="уплата взноса через банк")
    assert slugs("взнос банк", "ru") == ["both-words", "one-word"]
    assert group_of("взнос банк", "ru", "guides").results[0].hits == 2


def test_a_group_leads_when_it_has_the_best_result(make_guide, regions):
    make_guide(body_zh="北京的缴费时间")
    assert [g.name for g in search("北京", "zh-hans").groups] == ["regions", "guides"]


def test_a_group_shows_five_and_says_how_many_more(make_guide):
    for number in range(12):
        make_guide(f"guide-{number:02}", order=number, body_zh="缴费")
    group = group_of("缴费", "zh-hans", "guides")
    assert len(group.results) == 5 and group.total == 12 and group.has_more


def test_one_group_is_shown_page_by_page(make_guide):
    for number in range(25):
        make_guide(f"guide-{number:02}", order=number, title_zh="指南", summary_zh="", body_zh="缴费")
    first = search("缴费", "zh-hans", group="guides", page=1).groups[0]
    second = search("缴费", "zh-hans", group="guides", page=2).groups[0]
    assert len(first.results) == 20 and len(second.results) == 5 and second.pages == 2
    assert [r.obj.slug for r in second.results] == [f"guide-{n:02}" for n in range(20, 25)]


def test_the_other_language_count_counts_what_that_reader_would_find(make_guide, make_faq):
    make_guide(body_zh="十二月", body_ru="декабрь")
    make_faq(answer_zh="十二月", answer_ru="в декабре")
    assert total_in("декабрь", "ru") == 2
    assert total_in("декабрь", "zh-hans") == 0


# --- The index behind the matching ---------------------------------------------------

WORDS = ["взносы", "взнос", "разрешение", "на", "пребывание", "билет", "лет", "90", "9", "2025", "wechat", "缴费",
         "交费", "北京缴费", "异地就医备案", "备案", "天", "年"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.lists(st.sampled_from(WORDS + [" ", "，"]), max_size=12).map("".join), max_size=8),
       query=st.lists(st.sampled_from(WORDS + [" "]), min_size=1, max_size=4).map("".join))
def test_the_index_finds_exactly_the_forms_that_contain_a_pattern(texts, query):
    forms = [index_text(text) for text in texts]
    indexed = Forms(forms)
    for term in terms_of(query, table=[]):
        for pattern in term.patterns:
            expected = {number for number, form in enumerate(forms) if pattern in form}
            assert set(_bits(indexed.containing(pattern))) == expected, (pattern, forms)


def test_a_page_scheduled_for_later_is_found_once_its_moment_passes(make_guide, make_faq):
    now = timezone.now()
    make_guide("later", body_zh="预约挂号", publish_at=now + datetime.timedelta(minutes=5))
    make_faq(answer_zh="预约挂号", publish_at=now + datetime.timedelta(minutes=10))
    assert found("预约挂号", "zh-hans") == {}
    with mock.patch("django.utils.timezone.now", return_value=now + datetime.timedelta(minutes=6)):
        assert found("预约挂号", "zh-hans") == {"guides": ["later"]}
    with mock.patch("django.utils.timezone.now", return_value=now + datetime.timedelta(minutes=11)):
        assert found("预约挂号", "zh-hans") == {"guides": ["later"], "questions": ["newborns"]}


def test_a_guide_dated_tomorrow_is_found_from_that_day_on(make_guide):
    now = timezone.now()
    make_guide("tomorrow", body_zh="预约挂号", published_on=timezone.localdate(now) + datetime.timedelta(days=1))
    assert found("预约挂号", "zh-hans") == {}
    with mock.patch("django.utils.timezone.now", return_value=now + datetime.timedelta(days=1)):
        assert found("预约挂号", "zh-hans") == {"guides": ["tomorrow"]}
