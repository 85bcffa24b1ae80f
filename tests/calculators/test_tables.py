"""The regional tables: current figures first, whose rules a region uses, examples and assumptions said plainly."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from calculators import rules, tables

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_rules(monkeypatch):
    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)
    moment = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=rules.CHINA)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def years(name, region=None, year=None):
    rows, _usual, _used = tables.table_rows(name, region and rules.get_region(region), year)
    return sorted({(row.region.slug, row.coverage_year) for row in rows})


def test_without_a_year_a_table_shows_the_figures_in_force_and_none_older():
    assert years("contributions", "national") == [("national", 2026)]


def test_next_years_figures_appear_once_published():
    from calculators.models import ContributionStandard

    row = ContributionStandard.objects.get(region__slug="national", coverage_year=2026, group__slug="ordinary")
    row.pk, row.coverage_year = None, 2027
    row.save()
    assert years("contributions", "national") == [("national", 2026), ("national", 2027)]


def test_a_region_whose_latest_figures_are_older_shows_them_marked():
    assert years("reimbursement", "zhejiang-lishui") == [("zhejiang-lishui", 2025)]
    with translation.override("ru"):
        html = tables.render_table("reimbursement", rules.get_region("zhejiang-lishui"))
    # Said once under the table, marked in the rows.
    assert html.count("Цифры на 2026 год ещё не опубликованы") == 1 and "2025&nbsp;*" in html
    assert html.count("мы предполагаем — на каждую госпитализацию") == 1 and "&nbsp;‡" in html
    assert "дополнительное страхование крупных расходов" in html


def test_an_explicit_year_shows_exactly_that_year():
    assert years("contributions", "national", 2024) == [("national", 2024)]


def test_a_city_without_rules_of_its_own_shows_its_provinces_and_says_so():
    with translation.override("ru"):
        html = tables.render_table("contributions", rules.get_region("zhejiang-jinhua"))
    assert "здесь нет собственных правил" in html
    assert "policy-table" in html


def test_the_payment_table_shows_the_usual_period_and_that_the_local_notice_decides():
    with translation.override("ru"):
        html = tables.render_table("payment-windows", rules.get_region("beijing"))
    assert "1 сентября – 31 декабря предыдущего года" in html


def test_an_example_is_labelled_as_an_example_never_as_a_regions_standard():
    with translation.override("ru"):
        html = tables.render_table("contributions", rules.get_region("national"), 2024)
        assert "Пример, источник которого не называет регион" in html and "2024&nbsp;§" in html
        html = tables.render_table("serious-illness", rules.get_region("national"))
        assert "Пример, источник которого не называет регион" in html
        overview = tables.render_table("contributions", None, 2024)
    assert "Пример (источник не называет регион)" in overview  # in the region column


def test_subsidies_that_are_minimums_say_at_least():
    with translation.override("zh-hans"):
        html = tables.render_table("contributions", rules.get_region("national"))
    assert "不低于 ¥724.00" in html


def test_a_chinese_source_title_is_translated_for_russian_readers_with_the_original_beside_it():
    with translation.override("ru"):
        html = tables.render_table("waiting-periods", rules.get_region("national"))
    assert "Указания Канцелярии Госсовета КНР" in html
    assert 'lang="zh-Hans">国务院办公厅关于健全基本医疗保险参保长效机制的指导意见' in html


def test_the_guides_rules_year_is_the_year_of_the_national_figures_in_force():
    assert tables.rules_year() == {"year": 2026, "this_year": 2026, "next_year": 2027, "next_published": False,
                                   "is_older": False}


def channel_names(region):
    rows, _usual, used = tables.table_rows("payment-channels", rules.get_region(region))
    return [row.name_zh for row in rows], used.slug


def test_hubei_lists_its_own_payment_channels_the_tax_apps_first():
    names, used = channel_names("hubei")
    assert used == "hubei"
    assert names[:3] == ["楚税通APP", "鄂汇办APP", "“鄂汇办”支付宝小程序"]
    assert {"湖北省电子税务局", "税务服务大厅", "协议代征银行网点"} <= set(names)


def test_a_city_of_hubei_shows_the_provinces_channels():
    assert channel_names("hubei-huanggang") == (channel_names("hubei")[0], "hubei")


def test_a_region_without_channels_shows_the_national_ones_and_says_the_local_notice_may_name_others():
    names, used = channel_names("guangdong")
    assert used == "national" and "微信" in names and "支付宝" in names
    with translation.override("ru"):
        html = tables.render_table("payment-channels", rules.get_region("guangdong"))
    assert "WeChat (微信)" in html and "местное объявление может назвать и другие" in html


def test_a_channels_russian_name_keeps_the_chinese_one_readers_see_on_screen():
    with translation.override("ru"):
        html = tables.render_table("payment-channels", rules.get_region("hubei"))
    assert "приложение «Чушуйтун» (楚税通APP)" in html and "(楚税通APP) (楚税通APP)" not in html
    with translation.override("zh-hans"):
        html = tables.render_table("payment-channels", rules.get_region("hubei"))
    assert "楚税通APP" in html and "Чушуйтун" not in html


# --- Fragments kept per content version -----------------------------------------------------------------


def national_contributions(language="ru"):
    with translation.override(language):
        return tables.render_table("contributions", rules.get_region("national"))


def test_a_table_is_drawn_once_per_content_version(monkeypatch):
    first = national_contributions()
    monkeypatch.setattr(tables, "render_to_string", None)  # drawing it again would fail
    again = national_contributions()
    assert re.sub(r"table-[0-9a-f]{8}", "", again) == re.sub(r"table-[0-9a-f]{8}", "", first)


def test_each_table_shown_has_an_id_of_its_own():
    first, again = national_contributions(), national_contributions()
    ids = [html.split('<caption id="')[1].split('"')[0] for html in (first, again)]
    assert ids[0] != ids[1] and "PORTALTABLEID" not in first + again
    assert f'aria-labelledby="{ids[1]}"' in again


def test_each_language_keeps_its_own_table():
    national_contributions("ru")
    assert "Contributions per person" not in national_contributions("zh-hans")
    with translation.override("zh-hans"):
        from django.utils.translation import gettext

        assert gettext("Contributions per person") in national_contributions("zh-hans")


def test_a_rule_edit_shows_on_the_next_request():
    from calculators.models import ContributionStandard

    assert "987" not in national_contributions()
    row = ContributionStandard.objects.get(region__slug="national", coverage_year=2026, group__slug="ordinary")
    row.individual = 987
    row.save()
    assert "987" in national_contributions()


def test_a_rule_scheduled_for_a_moment_shows_from_that_moment_without_any_save(monkeypatch):
    from calculators.models import ContributionStandard

    now = timezone.now()
    row = ContributionStandard.objects.get(region__slug="national", coverage_year=2026, group__slug="ordinary")
    row.pk, row.individual, row.publish_at = None, 654, now + datetime.timedelta(minutes=5)
    row.coverage_year = 2027
    row.save()
    assert "654" not in national_contributions()
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(minutes=5, seconds=1))
    assert "654" in national_contributions()


def test_without_the_shared_cache_a_table_is_drawn_every_time(monkeypatch):
    from core import content_version

    monkeypatch.setattr(content_version, "current", lambda: None)
    national_contributions()
    monkeypatch.setattr(tables, "render_to_string", None)
    with pytest.raises(TypeError):
        national_contributions()
