import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from calculators import rules
from calculators.engine.rules import Band, BenefitRule, Contribution, PaymentWindow, SeriousIllnessRule
from calculators.models import Region, ReimbursementRule
from calculators.rules import RuleNotFound

RULES_FIXTURE = str(settings.BASE_DIR / "fixtures" / "rules.yaml")
DAY = datetime.date(2025, 5, 1)
CHECKED = datetime.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def loaded(load_fixtures):
    load_fixtures(RULES_FIXTURE)


def add_rule(region_slug, ratio, **fields):
    values = {"coverage_year": 2025, "scheme": "resident", "visit": "inpatient", "level": "level3",
              "deductible": Decimal("500"), "source_title": "测试", "source_issuer": "测试",
              "checked_on": datetime.date(2026, 11, 1), "status": "published"}
    values.update(fields)
    rule = ReimbursementRule(region=Region.objects.get(slug=region_slug), **values)
    rule.save_with_bands([(0, None, ratio)])
    return rule


# --- falling back along the region chain -----------------------------------------------------------


def test_a_city_without_its_own_contribution_uses_its_provinces():
    contribution, used = rules.contribution("zhejiang-jinhua", 2025, "ordinary")
    assert used.slug == "zhejiang"
    assert contribution == Contribution(
        region="zhejiang", coverage_year=2025, group="ordinary", individual=Decimal("400"),
        subsidy=Decimal("650"), late_individual=Decimal("1070"), source=contribution.source)


def test_a_city_whose_province_sets_nothing_uses_the_national_rules():
    contribution, used = rules.contribution("shaanxi-hanzhong", 2025, "ordinary")
    assert used.slug == "national"
    assert (contribution.individual, contribution.subsidy) == (Decimal("400"), Decimal("700"))
    assert contribution.subsidy_is_minimum


def test_a_city_with_its_own_window_uses_it():
    window, used = rules.payment_window("hubei-huanggang", 2025)
    assert used.slug == "hubei-huanggang"
    assert window == PaymentWindow(
        region="hubei-huanggang", coverage_year=2025, start=datetime.date(2024, 9, 1),
        end=datetime.date(2025, 2, 28), late_deadline=None, late_cover="after_waiting",
        source=window.source)


def test_the_region_used_can_differ_per_year():
    assert rules.payment_window("beijing", 2024)[1].slug == "beijing"
    assert rules.payment_window("beijing", 2025)[1].slug == "national"


def test_contributions_lists_every_group_the_region_sets_in_order():
    by_group, used = rules.contributions("national", 2024)
    assert list(by_group) == ["ordinary", "low_income", "extreme_poverty"]
    assert by_group["extreme_poverty"].individual == 0
    assert by_group["low_income"].subsidy == Decimal("830")


def test_an_example_figure_is_never_used_for_a_region_below_its_own():
    # The 低保 amount of 190 is one unnamed region's figure, stored as an example under "national".
    by_group, used = rules.contributions("shaanxi-hanzhong", 2024)
    assert used.slug == "national"
    assert list(by_group) == ["ordinary", "extreme_poverty"]
    assert rules.contributions("national", 2024)[0]["low_income"].source.example


def test_a_group_the_nearest_region_does_not_set_is_not_borrowed_from_further_up():
    with pytest.raises(RuleNotFound) as error:
        rules.contribution("zhejiang-jinhua", 2025, "low_income")
    assert error.value.field == "group"
    assert error.value.region.slug == "zhejiang"


def test_a_region_that_sets_some_outpatient_rules_does_not_borrow_the_others():
    add_rule("national", 50, visit="outpatient", level="level3")
    with pytest.raises(RuleNotFound) as error:
        rules.benefit_rule("anhui", "resident", "", None, "outpatient", "level3", DAY)
    assert (error.value.field, error.value.region.slug) == ("level", "anhui")
    # ... while a region that sets none of them falls back.
    _rule, used = rules.benefit_rule("hubei", "resident", "", None, "outpatient", "level3", DAY)
    assert used.slug == "national"


# --- converting to engine inputs -------------------------------------------------------------------


def test_lishui_level_3_inpatient_becomes_an_engine_benefit_rule():
    rule, used = rules.benefit_rule("zhejiang-lishui", "resident", "", None, "inpatient", "level3", DAY)
    assert used.slug == "zhejiang-lishui"
    assert isinstance(rule, BenefitRule)
    assert rule.deductible == Decimal("1000")
    assert rule.deductible_per == "admission"
    assert rule.bands == (Band(lower=Decimal("0"), upper=None, ratio=Decimal("70")),)
    assert rule.annual_limit == Decimal("100000")
    assert rule.coverage_year == 2025 and rule.region == "zhejiang-lishui"
    assert rule.source.title.startswith("丽水城乡居民医保报销比例")
    assert rule.source.checked_on == CHECKED


def test_lishui_employees_rules_depend_on_work_status():
    working, _ = rules.benefit_rule("zhejiang-lishui", "employee", "working", None, "inpatient", "level3",
                                    DAY)
    retired, _ = rules.benefit_rule("zhejiang-lishui", "employee", "retired", None, "inpatient",
                                    "grassroots", DAY)
    assert (working.deductible, working.bands[0].ratio) == (Decimal("1000"), Decimal("83"))
    assert retired.bands[0].ratio == Decimal("95")


def test_a_rule_without_a_tier_holds_for_every_tier():
    rule, _ = rules.benefit_rule("zhejiang-lishui", "resident", "", 3, "inpatient", "level2", DAY)
    assert rule.bands[0].ratio == Decimal("75")


def test_jinhua_outpatient_rules_depend_on_the_tier_and_carry_the_bonuses():
    tier_1, _ = rules.benefit_rule("zhejiang-jinhua", "resident", "", 1, "outpatient", "grassroots", DAY)
    tier_3, _ = rules.benefit_rule("zhejiang-jinhua", "resident", "", 3, "outpatient", "grassroots", DAY)
    assert (tier_1.annual_limit, tier_3.annual_limit) == (Decimal("3000"), Decimal("1500"))
    assert (tier_1.signed_bonus, tier_1.mountain_bonus) == (Decimal("10"), Decimal("15"))
    chronic, _ = rules.benefit_rule("zhejiang-jinhua", "resident", "", 3, "chronic", "level2", DAY)
    assert (chronic.bands[0].ratio, chronic.annual_limit, chronic.signed_bonus) == (
        Decimal("60"), Decimal("2000"), Decimal("0"))


def test_a_rule_for_the_asked_tier_wins_over_one_for_every_tier():
    add_rule("zhejiang-jinhua", 65)
    add_rule("zhejiang-jinhua", 72, tier=2)
    def ratio_for(tier):
        rule, _used = rules.benefit_rule("zhejiang-jinhua", "resident", "", tier, "inpatient", "level3", DAY)
        return rule.bands[0].ratio

    assert ratio_for(2) == Decimal("72")
    assert ratio_for(1) == Decimal("65")


def test_a_serious_illness_example_without_a_named_region_never_applies_to_a_named_region():
    with pytest.raises(RuleNotFound) as error:
        rules.serious_illness_rule("zhejiang-lishui", DAY)
    assert error.value.kind == "serious_illness"


def test_serious_illness_rule_becomes_an_engine_rule_with_its_bands_and_groups():
    rule, used = rules.serious_illness_rule("national", DAY)
    assert used.slug == "national"
    assert rule.source.example
    assert isinstance(rule, SeriousIllnessRule)
    assert (rule.deductible, rule.reduced_deductible, rule.annual_cap) == (
        Decimal("13000"), Decimal("5000"), Decimal("400000"))
    assert rule.reduced_groups == frozenset({"extreme_poverty", "low_income"})
    assert [(band.lower, band.upper, band.ratio) for band in rule.bands] == [
        (Decimal("13000"), Decimal("100000"), Decimal("60")),
        (Decimal("100000"), Decimal("200000"), Decimal("65")),
        (Decimal("200000"), Decimal("300000"), Decimal("70")),
        (Decimal("300000"), None, Decimal("75")),
    ]
    hanzhong, used = rules.serious_illness_rule("shaanxi-hanzhong", DAY)
    assert used.slug == "shaanxi-hanzhong"
    assert hanzhong.bands[0].lower == hanzhong.deductible == Decimal("10000")
    assert hanzhong.bands[-1].upper == Decimal("80000")


def test_the_national_waiting_policy_applies_from_2025():
    policy, used = rules.waiting_policy("hubei-huanggang", datetime.date(2025, 3, 1))
    assert used.slug == "national"
    assert (policy.fixed_months, policy.months_per_gap_year, policy.free_gap_years,
            policy.months_removed_per_repaid_year, policy.newborn_days) == (3, 1, 1, 1, 90)
    assert policy.exempt_groups == frozenset({"extreme_poverty", "low_income"})
    assert policy.source.document_number == "国办发〔2024〕38号"
    with pytest.raises(RuleNotFound) as error:
        rules.waiting_policy("hubei-huanggang", datetime.date(2024, 6, 1))
    assert error.value.field == "on_date"


# --- picking by treatment date ---------------------------------------------------------------------


def test_the_rule_in_force_on_the_treatment_date_is_picked_across_a_valid_from_boundary():
    add_rule("zhejiang-lishui", 40, visit="special", valid_until=datetime.date(2025, 6, 30))
    add_rule("zhejiang-lishui", 45, visit="special", valid_from=datetime.date(2025, 7, 1))

    def ratio_on(day):
        rule, _used = rules.benefit_rule("zhejiang-lishui", "resident", "", None, "special", "level3", day)
        return rule.bands[0].ratio

    assert ratio_on(datetime.date(2025, 6, 30)) == Decimal("40")
    assert ratio_on(datetime.date(2025, 7, 1)) == Decimal("45")


def test_a_treatment_date_in_another_coverage_year_finds_no_rule():
    with pytest.raises(RuleNotFound) as error:
        rules.benefit_rule("zhejiang-lishui", "resident", "", None, "inpatient", "level3",
                           datetime.date(2024, 5, 1))
    assert error.value.field == "coverage_year"


def test_a_date_outside_every_rules_validity_is_reported_as_such():
    add_rule("zhejiang-lishui", 45, visit="special", valid_from=datetime.date(2025, 7, 1))
    with pytest.raises(RuleNotFound) as error:
        rules.benefit_rule("zhejiang-lishui", "resident", "", None, "special", "level3",
                           datetime.date(2025, 3, 1))
    assert error.value.field == "on_date"


# --- nothing found ---------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["level9", "level3"])
def test_an_unknown_level_raises_rule_not_found_for_the_level(level):
    # level9 is no level at all; Anhui states general outpatient rules for level 1 and below only.
    with pytest.raises(RuleNotFound) as error:
        rules.benefit_rule("anhui", "resident", "", None, "outpatient", level, DAY)
    assert error.value.field == "level"
    assert error.value.kind == "benefit"
    assert "level" in str(error.value)


@pytest.mark.parametrize("args,field", [
    (("nowhere", "resident", "", None, "inpatient", "level3", DAY), "region"),
    (("zhejiang-jinhua", "resident", "", None, "outpatient", "level3", DAY), "tier"),
    (("zhejiang-jinhua", "resident", "", 4, "outpatient", "level3", DAY), "tier"),
    (("zhejiang-lishui", "employee", "", None, "inpatient", "level3", DAY), "employee_status"),
    (("zhejiang-lishui", "pension", "", None, "inpatient", "level3", DAY), "scheme"),
    (("zhejiang-jinhua", "resident", "", 1, "inpatient", "level3", DAY), "visit"),
    (("anhui", "employee", "working", None, "inpatient", "level3", DAY), "scheme"),
])
def test_rule_not_found_names_the_field_that_matched_nothing(args, field):
    with pytest.raises(RuleNotFound) as error:
        rules.benefit_rule(*args)
    assert error.value.field == field


def test_other_lookups_raise_rule_not_found_too():
    with pytest.raises(RuleNotFound) as error:
        rules.payment_window("beijing", 2023)
    assert (error.value.field, error.value.searched) == ("coverage_year", ("beijing", "national"))
    with pytest.raises(RuleNotFound):
        rules.contributions("anhui", 2019)
    with pytest.raises(RuleNotFound):
        rules.serious_illness_rule("anhui", datetime.date(2024, 5, 1))
    with pytest.raises(RuleNotFound) as error:
        rules.contribution("anhui", 2025, "nobody")
    assert error.value.field == "group"


# --- what exists, and as of when -------------------------------------------------------------------


def test_tiers_for_tells_whether_a_region_distinguishes_tiers():
    assert rules.tiers_for("zhejiang-jinhua", 2025) == ((1, 2, 3), Region.objects.get(slug="zhejiang-jinhua"))
    assert rules.tiers_for("zhejiang-lishui", 2025)[0] == ()
    assert rules.tiers_for("zhejiang-lishui", 2025, scheme="employee")[0] == ()


def test_levels_for_lists_the_levels_with_a_rule_lowest_first():
    assert rules.levels_for("anhui", "resident", "", None, "outpatient", DAY)[0] == ("grassroots", "level1")
    assert rules.levels_for("anhui", "resident", "", None, "inpatient", DAY)[0] == (
        "grassroots", "level1", "level2", "level3")


def test_rules_as_of_is_the_latest_check_among_the_rules_used():
    from calculators import answers

    add_rule("zhejiang-lishui", 45, visit="special")
    window, region = rules.payment_window("hubei", 2025)
    special, _used = rules.benefit_rule("zhejiang-lishui", "resident", "", None, "special", "level3", DAY)

    def checked_on(*used):
        return answers.explained(None, region, region, DAY, 2025, used).checked_on

    assert checked_on(window, special) == CHECKED
    assert checked_on(special) == datetime.date(2026, 11, 1)
    assert checked_on() is None


def test_regions_and_groups_are_listed_in_editorial_order():
    assert [region.slug for region in rules.regions()][:3] == ["national", "beijing", "shanghai"]
    assert [group.slug for group in rules.population_groups()] == [
        "ordinary", "low_income", "extreme_poverty", "disabled", "student"]


# --- rules as of a moment, and drafts ----------------------------------------------------------------


def cn(*args):
    """A moment in China time."""
    return datetime.datetime(*args, tzinfo=rules.CHINA)


def add_contribution(region_slug, year, individual, **fields):
    from calculators.models import ContributionStandard, PopulationGroup

    row = ContributionStandard(region=Region.objects.get(slug=region_slug), coverage_year=year,
                               group=PopulationGroup.objects.get(slug="ordinary"), individual=individual,
                               subsidy=Decimal("700"), source_title="测试", source_issuer="测试",
                               checked_on=datetime.date(2026, 11, 1), **fields)
    row.full_clean()
    row.save()
    return row


def test_every_rule_of_the_fixture_is_published_and_live_at_once():
    from calculators.models import ContributionStandard, PaymentWindow, SeriousIllnessRule, WaitingPolicy

    for model in (PaymentWindow, WaitingPolicy, ContributionStandard, ReimbursementRule, SeriousIllnessRule):
        assert model.objects.exists()
        assert not model.objects.exclude(status="published").exists()
        assert not model.objects.filter(publish_at__isnull=False).exists()


def test_a_rule_published_with_a_future_publish_at_is_not_used_before_that_moment_and_is_used_after_it():
    # Next year's standard for Zhejiang is entered and published now, to go live on 1 October 2026.
    add_contribution("national", 2027, Decimal("400"), status="published")
    add_contribution("zhejiang", 2027, Decimal("420"), status="published", publish_at=cn(2026, 10, 1))

    with rules.viewing(at=cn(2026, 9, 30, 23, 59, 59)):
        before, used_before = rules.contribution("zhejiang", 2027, "ordinary")
    with rules.viewing(at=cn(2026, 10, 1)):
        after, used_after = rules.contribution("zhejiang", 2027, "ordinary")
    # Until then the calculators keep using the rule in force (here the national one) ...
    assert (used_before.slug, before.individual) == ("national", Decimal("400"))
    # ... and from that moment Zhejiang's own.
    assert (used_after.slug, after.individual) == ("zhejiang", Decimal("420"))


def test_a_date_as_the_moment_means_the_start_of_that_day_in_china():
    add_contribution("zhejiang", 2027, Decimal("420"), status="published", publish_at=cn(2026, 10, 1))
    with rules.viewing(at=datetime.date(2026, 10, 1)) as moment:
        assert moment.at == cn(2026, 10, 1) and rules.today() == datetime.date(2026, 10, 1)
        assert rules.contribution("zhejiang", 2027, "ordinary")[0].individual == Decimal("420")
    with rules.viewing(at=datetime.date(2026, 9, 30)):
        assert rules.contribution("zhejiang", 2027, "ordinary")[1].slug == "national"


def test_a_rule_published_ahead_is_live_by_itself_once_its_moment_has_passed(monkeypatch):
    now = datetime.datetime.now(datetime.UTC)
    add_rule("zhejiang-lishui", 45, visit="special", status="published", publish_at=now + datetime.timedelta(hours=1))
    with pytest.raises(RuleNotFound):
        rules.benefit_rule("zhejiang-lishui", "resident", "", None, "special", "level3", DAY)
    # An hour passes; nobody saves anything.
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(hours=1, seconds=1))
    assert rules.benefit_rule("zhejiang-lishui", "resident", "", None, "special", "level3",
                              DAY)[0].bands[0].ratio == Decimal("45")


@pytest.mark.parametrize("status", ["draft", "review"])
def test_a_draft_or_a_rule_in_review_is_never_used_by_default(status):
    add_rule("zhejiang-lishui", 90, valid_from=datetime.date(2025, 7, 1), status=status)
    rule, _used = rules.benefit_rule("zhejiang-lishui", "resident", "", None, "inpatient", "level3",
                                     datetime.date(2025, 8, 1))
    assert rule.bands[0].ratio == Decimal("70")
    with rules.viewing(at=cn(2100, 1, 1)):
        assert rules.benefit_rule("zhejiang-lishui", "resident", "", None, "inpatient", "level3",
                                  datetime.date(2025, 8, 1))[0].bands[0].ratio == Decimal("70")


def test_with_drafts_a_draft_wins_over_the_published_rule_for_the_same_case_where_it_is_in_force():
    add_rule("zhejiang-lishui", 75, valid_from=datetime.date(2025, 7, 1), status="draft")

    def ratio_on(day):
        with rules.viewing(include_drafts=True):
            return rules.benefit_rule("zhejiang-lishui", "resident", "", None, "inpatient", "level3",
                                      day)[0].bands[0].ratio

    assert ratio_on(datetime.date(2025, 6, 30)) == Decimal("70")  # the draft is not in force yet
    assert ratio_on(datetime.date(2025, 7, 1)) == Decimal("75")


def test_with_drafts_a_draft_window_contribution_and_waiting_policy_replace_the_published_ones():
    from calculators.models import PaymentWindow, WaitingPolicy

    window = PaymentWindow.objects.get(region__slug="hubei", coverage_year=2025)
    window.pk = None
    window.status, window.late_deadline = "draft", datetime.date(2025, 3, 31)
    window.save()
    add_contribution("national", 2025, Decimal("420"), status="review")
    policy = WaitingPolicy.objects.get(region__slug="national")
    policy.pk, policy.status, policy.fixed_months = None, "draft", 6
    policy.save()

    assert rules.payment_window("hubei", 2025)[0].late_deadline is None
    published, _used = rules.contributions("anhui", 2025)
    assert published["ordinary"].individual == Decimal("400")
    assert rules.waiting_policy("hubei")[0].fixed_months == 3
    with rules.viewing(include_drafts=True):
        assert rules.payment_window("hubei", 2025)[0].late_deadline == datetime.date(2025, 3, 31)
        by_group, _used = rules.contributions("anhui", 2025)
        assert by_group["ordinary"].individual == Decimal("420")
        assert list(by_group) == list(published)  # still one standard per group
        assert rules.contribution("anhui", 2025, "ordinary")[0].individual == Decimal("420")
        assert rules.waiting_policy("hubei")[0].fixed_months == 6


def test_viewing_blocks_nest_and_restore_the_moment_before_them():
    assert rules.current() == rules.RulesMoment()
    with rules.viewing(at=cn(2025, 1, 1), include_drafts=True):
        with rules.viewing(at=datetime.date(2026, 1, 1)):
            assert rules.current().at == cn(2026, 1, 1) and not rules.current().include_drafts
        assert rules.current().include_drafts and rules.today() == datetime.date(2025, 1, 1)
    assert rules.current() == rules.RulesMoment()


def test_a_draft_may_sit_beside_the_published_rule_but_not_beside_another_draft():
    from django.core.exceptions import ValidationError

    def refused(rule):
        with pytest.raises(ValidationError) as error:
            rule.full_clean()
        return [item.code for item in error.value.error_dict["__all__"]]

    add_rule("zhejiang-lishui", 75, status="draft")  # same case and dates as the published rule
    later = ReimbursementRule(region=Region.objects.get(slug="zhejiang-lishui"), coverage_year=2025,
                              scheme="resident", visit="inpatient", level="level3", deductible=500,
                              valid_from=datetime.date(2025, 7, 1), status="draft", source_title="测试",
                              source_issuer="测试", checked_on=datetime.date(2026, 11, 1))
    assert refused(later) == ["overlap"]
    review = add_rule("zhejiang-lishui", 77, status="review")
    review.status = "published"
    assert "overlap" in refused(review)
