import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from calculators.engine.rules import SourceRef
from calculators.bands import BandSpec, validate_bands
from calculators.models import (
    ContributionStandard,
    PaymentWindow,
    PopulationGroup,
    Region,
    ReimbursementBand,
    ReimbursementRule,
    SeriousIllnessBand,
    SeriousIllnessRule,
    WaitingPolicy,
)

RULES_FIXTURE = str(settings.BASE_DIR / "fixtures" / "rules.yaml")
SOURCE = {
    "source_title": "测试来源",
    "source_issuer": "测试",
    "checked_on": datetime.date(2026, 11, 22),
}


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read the validation messages as written in the code (the msgids)."""
    with translation.override("en"):
        yield


def messages(error):
    return [message for message in error.value.messages]


@pytest.fixture
def national(db):
    return Region.objects.create(slug="national", name_zh="全国", name_ru="Вся страна")


@pytest.fixture
def province(national):
    return Region.objects.create(slug="zhejiang", name_zh="浙江省", name_ru="Чжэцзян", parent=national)


@pytest.fixture
def city(province):
    return Region.objects.create(slug="zhejiang-lishui", name_zh="丽水市", name_ru="Лишуй", parent=province)


def make_rule(region, **fields):
    values = {"coverage_year": 2025, "scheme": "resident", "visit": "inpatient", "level": "level3",
              "deductible": Decimal("1000"), **SOURCE}
    values.update(fields)
    return ReimbursementRule(region=region, **values)


# --- bands -----------------------------------------------------------------------------------------


def test_a_flat_ratio_is_one_band_from_zero_without_an_upper_end():
    validate_bands([BandSpec(Decimal("0"), None, Decimal("70"))])


def test_contiguous_bands_in_any_order_are_valid():
    validate_bands([
        BandSpec(Decimal("100000"), None, Decimal("75")),
        BandSpec(Decimal("0"), Decimal("100000"), Decimal("60")),
    ])


def test_a_gap_between_bands_is_refused_saying_which_bands_and_where():
    with pytest.raises(ValidationError) as error:
        validate_bands([BandSpec(Decimal("0"), Decimal("100000"), Decimal("60")),
                        BandSpec(Decimal("110000"), None, Decimal("70"))])
    assert messages(error) == [
        "Band 2 starts at 110,000 but band 1 ends at 100,000: bands must follow each other without gaps or "
        "overlaps."
    ]


def test_overlapping_bands_are_refused_saying_which_bands_and_where():
    with pytest.raises(ValidationError) as error:
        validate_bands([BandSpec(Decimal("0"), Decimal("100000"), Decimal("60")),
                        BandSpec(Decimal("90000"), None, Decimal("70"))])
    assert messages(error) == [
        "Band 2 starts at 90,000 but band 1 ends at 100,000: bands must follow each other without gaps or "
        "overlaps."
    ]


def test_a_ratio_above_100_percent_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_bands([BandSpec(Decimal("0"), None, Decimal("120"))])
    assert messages(error) == ["Band 1 pays 120%: enter a ratio between 0 and 100."]


def test_a_negative_ratio_is_refused():
    with pytest.raises(ValidationError, match="between 0 and 100"):
        validate_bands([BandSpec(Decimal("0"), None, Decimal("-5"))])


@pytest.mark.parametrize("upper", [Decimal("50000"), Decimal("30000")])
def test_a_band_whose_upper_end_is_not_above_its_lower_end_is_refused(upper):
    with pytest.raises(ValidationError) as error:
        validate_bands([BandSpec(Decimal("0"), Decimal("50000"), Decimal("60")),
                        BandSpec(Decimal("50000"), upper, Decimal("70"))])
    assert (f"Band 2 starts at 50,000 and ends at {upper:,.0f}: its upper end must be greater than its "
            "lower end.") in messages(error)


def test_only_the_last_band_may_have_no_upper_end():
    with pytest.raises(ValidationError) as error:
        validate_bands([BandSpec(Decimal("0"), None, Decimal("60")),
                        BandSpec(Decimal("100000"), None, Decimal("70"))])
    assert messages(error) == [
        "Band 1 has no upper end, so it must be the last band: give it an upper end or remove the bands "
        "after it."
    ]


def test_a_rule_needs_at_least_one_band():
    with pytest.raises(ValidationError, match="Add at least one band"):
        validate_bands([])


def test_reimbursement_bands_start_at_zero_above_the_deductible(city):
    with pytest.raises(ValidationError) as error:
        make_rule(city).validate_bands([BandSpec(Decimal("1000"), None, Decimal("70"))])
    assert messages(error) == [
        "Band 1 starts at 1,000: the first band must start at 0, because bands slice the cost above the "
        "deductible."
    ]


def test_serious_illness_bands_start_at_the_rules_deductible(city):
    rule = SeriousIllnessRule(region=city, coverage_year=2025, deductible=Decimal("13000"), **SOURCE)
    rule.validate_bands([BandSpec(Decimal("13000"), Decimal("100000"), Decimal("60")),
                         BandSpec(Decimal("100000"), None, Decimal("65"))])
    with pytest.raises(ValidationError, match="must start at the deductible, 13,000"):
        rule.validate_bands([BandSpec(Decimal("0"), None, Decimal("60"))])


def test_every_problem_in_a_band_set_is_reported_at_once():
    with pytest.raises(ValidationError) as error:
        validate_bands([BandSpec(Decimal("0"), Decimal("100"), Decimal("120")),
                        BandSpec(Decimal("200"), None, Decimal("50"))])
    assert len(error.value.messages) == 2


@given(
    widths=st.lists(st.integers(min_value=1, max_value=10**6), min_size=0, max_size=6),
    ratios=st.lists(st.integers(min_value=0, max_value=100), min_size=7, max_size=7),
    open_ended=st.booleans(),
)
def test_any_contiguous_band_set_from_the_start_is_valid_and_any_shifted_boundary_is_not(widths, ratios,
                                                                                           open_ended):
    bounds = [Decimal(0)]
    for width in widths:
        bounds.append(bounds[-1] + width)
    bands = [BandSpec(lower, upper, Decimal(ratio))
             for lower, upper, ratio in zip(bounds, bounds[1:], ratios, strict=False)]
    bands.append(BandSpec(bounds[-1], None if open_ended else bounds[-1] + 1, Decimal(ratios[-1])))
    validate_bands(bands)
    if len(bands) > 1:
        shifted = [*bands[:-1], bands[-1]._replace(lower=bands[-1].lower + 1)]
        with pytest.raises(ValidationError, match="without gaps or overlaps"):
            validate_bands(shifted)


def test_a_rule_and_its_bands_are_saved_together_or_not_at_all(city):
    rule = make_rule(city)
    with pytest.raises(ValidationError):
        rule.save_with_bands([(0, 100000, 60), (90000, None, 70)])
    assert not ReimbursementRule.objects.exists()
    assert not ReimbursementBand.objects.exists()

    rule.save_with_bands([(100000, None, 70), (0, 100000, 60)])
    saved = ReimbursementRule.objects.get()
    assert [(band.order, band.lower, band.ratio) for band in saved.bands.all()] == [
        (1, Decimal("0"), Decimal("60")), (2, Decimal("100000"), Decimal("70"))]
    saved.check_bands()


def test_replacing_bands_with_an_invalid_set_keeps_the_old_ones(city):
    rule = make_rule(city)
    rule.save_with_bands([(0, None, 70)])
    with pytest.raises(ValidationError):
        rule.set_bands([(0, 100, 120)])
    assert [band.ratio for band in rule.bands.all()] == [Decimal("70")]


# --- rules in force --------------------------------------------------------------------------------


def test_a_second_rule_in_force_for_the_same_case_is_refused(city):
    make_rule(city).save_with_bands([(0, None, 70)])
    with pytest.raises(ValidationError, match="Another rule for this case is already in force"):
        make_rule(city, valid_from=datetime.date(2025, 7, 1)).full_clean()


def test_rules_for_the_same_case_may_follow_each_other_in_time(city):
    make_rule(city, valid_until=datetime.date(2025, 6, 30)).save_with_bands([(0, None, 70)])
    make_rule(city, valid_from=datetime.date(2025, 7, 1)).save_with_bands([(0, None, 75)])
    assert ReimbursementRule.objects.count() == 2
    with pytest.raises(ValidationError, match="already in force"):
        make_rule(city, valid_from=datetime.date(2025, 6, 1),
                  valid_until=datetime.date(2025, 6, 30)).full_clean()


def test_rules_for_other_cases_do_not_clash(city):
    make_rule(city).save_with_bands([(0, None, 70)])
    make_rule(city, level="level2").full_clean()
    make_rule(city, tier=1).full_clean()
    make_rule(city, coverage_year=2024).full_clean()
    make_rule(city, scheme="employee", employee_status="retired").full_clean()


def test_the_database_refuses_an_exact_duplicate_even_without_validation(city):
    make_rule(city).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_rule(city).save()


def test_validity_must_lie_within_the_coverage_year_and_in_order(city):
    with pytest.raises(ValidationError) as error:
        make_rule(city, valid_from=datetime.date(2024, 12, 1)).full_clean()
    assert "This date must fall within the coverage year 2025." in error.value.message_dict["valid_from"]
    with pytest.raises(ValidationError) as error:
        make_rule(city, valid_from=datetime.date(2025, 7, 1),
                  valid_until=datetime.date(2025, 6, 1)).full_clean()
    assert "valid_until" in error.value.message_dict


def test_employee_status_belongs_to_employees_and_tiers_to_residents(city):
    with pytest.raises(ValidationError) as error:
        make_rule(city, employee_status="working").full_clean()
    assert "employee_status" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_rule(city, scheme="employee", employee_status="working", tier=1).full_clean()
    assert "tier" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_rule(city, scheme="employee").full_clean()
    assert "employee_status" in error.value.message_dict


def test_a_second_serious_illness_rule_in_force_is_refused(city):
    SeriousIllnessRule.objects.create(region=city, coverage_year=2025, deductible=10000, **SOURCE)
    with pytest.raises(ValidationError, match="Another serious-illness rule"):
        SeriousIllnessRule(region=city, coverage_year=2025, deductible=12000,
                           valid_from=datetime.date(2025, 7, 1), **SOURCE).full_clean()


def test_a_reduced_deductible_must_be_lower_than_the_standard_one(city):
    with pytest.raises(ValidationError) as error:
        SeriousIllnessRule(region=city, coverage_year=2025, deductible=5000, reduced_deductible=5000,
                           **SOURCE).full_clean()
    assert "reduced_deductible" in error.value.message_dict


def test_rules_in_force_are_picked_by_date(city):
    early = make_rule(city, valid_until=datetime.date(2025, 6, 30))
    early.save()
    late = make_rule(city, valid_from=datetime.date(2025, 7, 1))
    late.save()
    assert list(ReimbursementRule.objects.in_force_on(datetime.date(2025, 6, 30))) == [early]
    assert list(ReimbursementRule.objects.in_force_on(datetime.date(2025, 7, 1))) == [late]
    assert not ReimbursementRule.objects.in_force_on(datetime.date(2024, 7, 1)).exists()


# --- payment windows and amounts -------------------------------------------------------------------


def make_window(region, **fields):
    values = {"coverage_year": 2025, "start": datetime.date(2024, 9, 1), "end": datetime.date(2024, 12, 31),
              "late_deadline": datetime.date(2025, 2, 28), "late_cover": "after_waiting", **SOURCE}
    values.update(fields)
    return PaymentWindow(region=region, **values)


def test_a_well_ordered_window_is_valid(city):
    make_window(city).full_clean()


@pytest.mark.parametrize("fields,field", [
    ({"end": datetime.date(2024, 9, 1)}, "end"),
    ({"end": datetime.date(2024, 8, 1)}, "end"),
    ({"late_deadline": datetime.date(2024, 12, 31)}, "late_deadline"),
    ({"late_deadline": datetime.date(2024, 11, 30)}, "late_deadline"),
    ({"end": datetime.date(2026, 1, 31), "late_deadline": None}, "end"),
    ({"late_deadline": datetime.date(2026, 3, 31)}, "late_deadline"),
    ({"coverage_year": 1999}, "coverage_year"),
    ({"coverage_year": 2101}, "coverage_year"),
])
def test_windows_out_of_order_or_out_of_the_coverage_year_are_refused(city, fields, field):
    with pytest.raises(ValidationError) as error:
        make_window(city, **fields).full_clean()
    assert field in error.value.message_dict


def test_a_window_may_run_into_its_coverage_year(city):
    # Guangdong's 2024 window ran to 29 February 2024.
    make_window(city, coverage_year=2024, start=datetime.date(2023, 9, 1), end=datetime.date(2024, 2, 29),
                late_deadline=datetime.date(2024, 6, 30)).full_clean()


def test_one_window_per_region_and_year(city):
    make_window(city).save()
    with pytest.raises(ValidationError, match="already has a payment window"):
        make_window(city).full_clean()


def test_amounts_cannot_be_negative(city):
    group = PopulationGroup.objects.create(slug="ordinary", name_zh="普通居民")
    with pytest.raises(ValidationError) as error:
        ContributionStandard(region=city, coverage_year=2025, group=group, individual=-1, subsidy=670,
                             **SOURCE).full_clean()
    assert "individual" in error.value.message_dict


def test_source_ref_carries_the_source_and_the_check_date(city):
    rule = make_rule(city, source_document_number="国办发〔2024〕38号", source_url="https://example.org/")
    assert rule.source_ref() == SourceRef(
        title="测试来源", issuer="测试", document_number="国办发〔2024〕38号", url="https://example.org/",
        checked_on=datetime.date(2026, 11, 22),
    )


# --- regions ---------------------------------------------------------------------------------------


def test_a_region_chain_runs_from_the_city_to_the_national_rules(city, province, national):
    assert city.chain() == [city, province, national]
    assert national.chain() == [national]


def test_a_region_cannot_be_put_under_its_own_descendant(city, province, national):
    national.parent = city
    with pytest.raises(ValidationError) as error:
        national.full_clean()
    assert error.value.message_dict["parent"] == [
        "zhejiang-lishui is already inside national: choosing it as the parent would make a loop."]


def test_a_region_cannot_be_its_own_parent(province):
    province.parent = province
    with pytest.raises(ValidationError, match="its own parent"):
        province.full_clean()


def test_chain_stops_even_if_a_loop_was_saved_without_validation(city, province, national):
    Region.objects.filter(pk=national.pk).update(parent=city)
    city.refresh_from_db()
    assert [region.slug for region in city.chain()] == ["zhejiang-lishui", "zhejiang", "national"]


# --- fixture ---------------------------------------------------------------------------------------

RULE_MODELS = [Region, PopulationGroup, PaymentWindow, WaitingPolicy, ContributionStandard, ReimbursementRule,
               ReimbursementBand, SeriousIllnessRule, SeriousIllnessBand]


@pytest.mark.django_db
def test_reloading_the_rules_fixture_updates_rows_instead_of_duplicating_them():
    call_command("loaddata", RULES_FIXTURE, verbosity=0)
    counts = {model.__name__: model.objects.count() for model in RULE_MODELS}
    assert all(counts.values()), counts
    ReimbursementBand.objects.filter(rule__region__slug="zhejiang-lishui").update(ratio=1)
    call_command("loaddata", RULES_FIXTURE, verbosity=0)
    assert {model.__name__: model.objects.count() for model in RULE_MODELS} == counts
    assert not ReimbursementBand.objects.filter(ratio=1).exists()  # the reload restored the figures


@pytest.mark.django_db
def test_every_row_of_the_rules_fixture_passes_validation_and_names_its_source():
    call_command("loaddata", RULES_FIXTURE, verbosity=0)
    for model in (Region, PopulationGroup, PaymentWindow, WaitingPolicy, ContributionStandard,
                  ReimbursementRule, SeriousIllnessRule):
        for row in model.objects.all():
            row.full_clean()
            if hasattr(row, "check_bands"):
                row.check_bands()
            if hasattr(row, "source_ref"):
                assert row.source_title and row.source_issuer
                assert row.checked_on >= datetime.date(2026, 11, 22)


@pytest.mark.django_db
def test_the_fixture_places_cities_under_their_provinces():
    call_command("loaddata", RULES_FIXTURE, verbosity=0)
    parents = dict(Region.objects.values_list("slug", "parent__slug"))
    assert parents["national"] is None
    assert parents["zhejiang-jinhua"] == parents["zhejiang-lishui"] == "zhejiang"
    assert parents["hubei-huanggang"] == "hubei"
    assert parents["shaanxi-hanzhong"] == "shaanxi"
    assert {parents[slug] for slug in ("beijing", "shanghai", "guangdong", "zhejiang", "anhui", "hubei",
                                       "shaanxi")} == {"national"}
    assert Region.objects.get(slug="national").name_ru == "Вся страна (общие нормы)"


def test_a_region_cannot_have_two_payment_channels_of_the_same_name(db):
    from calculators.models import PaymentChannel

    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)
    existing = PaymentChannel.objects.get(region__slug="hubei", name_zh="楚税通APP")
    twin = PaymentChannel(region=existing.region, status=existing.status, kind="app", name_zh="楚税通APP",
                          source_title="x", source_issuer="x", checked_on=existing.checked_on)
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert "already has a payment channel with this name" in str(refused.value)
