import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from guides.models import Guide

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_future_publication_dates(make_guide):
    make_guide("live")
    make_guide("draft", status=Guide.Status.DRAFT)
    make_guide("future", published_on=datetime.date(2099, 1, 1))
    assert list(Guide.objects.published().values_list("slug", flat=True)) == ["live"]


def test_localized_text_falls_back_to_the_other_language_and_says_so(make_guide):
    guide = make_guide(title_ru="")
    title = guide.localized("title", "ru")
    assert title.text == "怎么缴费" and title.is_fallback and title.html_lang == "zh-Hans"


def test_localized_text_in_its_own_language_is_not_a_fallback(guide):
    title = guide.localized("title", "ru")
    assert title.text == "Как платить взнос" and not title.is_fallback and title.html_lang == "ru"


def test_string_form_follows_the_active_language(guide):
    with translation.override("ru"):
        assert str(guide) == "Как платить взнос"
    with translation.override("zh-hans"):
        assert str(guide) == "怎么缴费"


def test_search_columns_are_filled_on_save(guide):
    guide.refresh_from_db()
    assert "微信缴费" in guide.search_zh
    assert " оплат через wechat " in guide.search_ru  # Russian words stored as their stems
    assert guide.search_title_ru == " как плат взнос "
    assert guide.snippet_ru.startswith("Все способы уплаты. Оплата через WeChat")


def test_update_date_before_publication_is_refused(make_guide):
    guide = make_guide(published_on=datetime.date(2026, 5, 1), updated_on=datetime.date(2026, 4, 1))
    with pytest.raises(ValidationError) as error:
        guide.full_clean()
    assert "updated_on" in error.value.message_dict


def test_faq_anchor_and_url(faq):
    with translation.override("ru"):
        assert faq.get_absolute_url() == "/ru/faq/#q-newborns"


def test_a_source_published_in_chinese_is_its_own_chinese_title(guide):
    from guides.models import GuideSource

    source = GuideSource(guide=guide, order=2, title="国务院办公厅关于健全重特大疾病医疗保险和救助制度的意见",
                         title_ru="Указания Канцелярии Госсовета КНР о совершенствовании медицинского страхования",
                         issuer_zh="国务院办公厅", issuer_ru="Канцелярия Госсовета КНР")
    source.full_clean()
    assert source.title_zh == source.title and source.title_lang == "zh-Hans"


def test_a_source_needs_a_title_and_an_issuer_in_both_languages(guide):
    from guides.models import GuideSource

    source = GuideSource(guide=guide, order=2, title="Как оплатить кооперативную медицинскую помощь",
                         issuer_zh="", issuer_ru="сторонний сайт (автор не указан)")
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert set(error.value.message_dict) == {"title_zh", "issuer_zh"}
    assert source.title_ru == source.title  # a Russian original is its own Russian title
