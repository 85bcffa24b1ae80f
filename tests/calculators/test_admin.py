import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from calculators.bands import BandSpec, validate_bands
from calculators.models import (
    ContributionStandard,
    PaymentWindow,
    PopulationGroup,
    Region,
    ReimbursementRule,
    SeriousIllnessRule,
    WaitingPolicy,
    percent_validators,
)

pytestmark = pytest.mark.django_db
SOURCE = {"source_title": "丽水城乡居民医保报销比例", "source_issuer": "网络文章（发布者不详）",
          "checked_on": datetime.date(2026, 11, 22)}


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    client.force_login(user)
    return client


@pytest.fixture
def lishui(db):
    national = Region.objects.create(slug="national", name_zh="全国", name_ru="Вся страна")
    province = Region.objects.create(slug="zhejiang", name_zh="浙江省", parent=national)
    return Region.objects.create(slug="zhejiang-lishui", name_zh="丽水市", parent=province)


@pytest.fixture
def rule(lishui):
    rule = ReimbursementRule(region=lishui, coverage_year=2025, scheme="resident", visit="inpatient",
                             level="level3", deductible=Decimal("1000"), annual_limit=Decimal("100000"),
                             **SOURCE)
    rule.save_with_bands([(0, None, 70)])
    return rule


def rule_form(rule, bands, **changes):
    """The POST data of the rule's change form, with ``bands`` replacing its saved bands."""
    existing = list(rule.bands.all())
    data = {
        "region": rule.region_id, "coverage_year": rule.coverage_year, "scheme": rule.scheme,
        "employee_status": rule.employee_status, "tier": rule.tier or "", "visit": rule.visit,
        "level": rule.level, "deductible": rule.deductible, "deductible_per": rule.deductible_per,
        "annual_limit": rule.annual_limit or "", "signed_bonus": rule.signed_bonus,
        "mountain_bonus": rule.mountain_bonus, "valid_from": "", "valid_until": "",
        "source_title": rule.source_title, "source_issuer": rule.source_issuer,
        "source_document_number": "", "source_url": "", "source_note_zh": "", "source_note_ru": "", "checked_on": "2026-11-22",
        "bands-TOTAL_FORMS": max(len(bands), len(existing)), "bands-INITIAL_FORMS": len(existing),
        "bands-MIN_NUM_FORMS": 0, "bands-MAX_NUM_FORMS": 1000, "_save": "Save", "seen_version": rule.version,
    }
    for index in range(max(len(bands), len(existing))):
        prefix = f"bands-{index}"
        data[f"{prefix}-rule"] = rule.pk
        if index < len(existing):
            data[f"{prefix}-id"] = existing[index].pk
        if index < len(bands):
            lower, upper, ratio = bands[index]
            data.update({f"{prefix}-lower": lower, f"{prefix}-upper": "" if upper is None else upper,
                         f"{prefix}-ratio": ratio})
        else:
            data[f"{prefix}-DELETE"] = "on"
    data.update(changes)
    return data


def expected_message(bands, language="zh-hans", **options):
    """The validation message as the admin (in its default language) shows it."""
    with translation.override(language):
        try:
            validate_bands([BandSpec.of(band) for band in bands], **options)
        except Exception as error:  # noqa: BLE001 - the ValidationError's text is what we want
            return error.messages[0]
    raise AssertionError("the bands were expected to be invalid")


def saved_bands(rule):
    return [(band.order, band.lower, band.upper, band.ratio) for band in rule.bands.all()]


def test_an_overlapping_band_set_is_refused_with_the_message_and_nothing_is_saved(admin_client, rule):
    before = saved_bands(rule)
    bands = [(0, 100000, 70), (90000, None, 80)]
    url = reverse("admin:calculators_reimbursementrule_change", args=[rule.pk])
    response = admin_client.post(url, rule_form(rule, bands, deductible="1200"))
    assert response.status_code == 200
    message = expected_message(bands)
    assert "Band 2 starts at 90,000 but band 1 ends at 100,000" in expected_message(bands, "en")
    assert escape(message) in response.content.decode()
    rule.refresh_from_db()
    assert rule.deductible == Decimal("1000")  # the rule's own change is not saved either
    assert saved_bands(rule) == before


def test_a_ratio_above_100_is_refused_through_the_admin(admin_client, rule):
    before = saved_bands(rule)
    url = reverse("admin:calculators_reimbursementrule_change", args=[rule.pk])
    response = admin_client.post(url, rule_form(rule, [(0, None, 120)]))
    assert response.status_code == 200
    with translation.override("zh-hans"):
        message = str(percent_validators[-1].message)
    assert escape(message) in response.content.decode()
    assert saved_bands(rule) == before


def test_a_band_set_that_does_not_start_at_zero_is_refused(admin_client, rule):
    bands = [(100, None, 70)]
    url = reverse("admin:calculators_reimbursementrule_change", args=[rule.pk])
    response = admin_client.post(url, rule_form(rule, bands))
    assert response.status_code == 200
    with translation.override("zh-hans"):
        message = str(ReimbursementRule.band_start_message) % {"lower": "100", "start": "0"}
    assert escape(message) in response.content.decode()
    assert saved_bands(rule)[0][1] == Decimal("0")


def test_a_valid_band_set_is_saved_with_the_rule_and_numbered_lowest_first(admin_client, rule):
    url = reverse("admin:calculators_reimbursementrule_change", args=[rule.pk])
    bands = [(100000, None, 75), (0, 100000, 70)]
    response = admin_client.post(url, rule_form(rule, bands, deductible="1200"))
    assert response.status_code == 302, response.context and response.context["errors"]
    rule.refresh_from_db()
    assert rule.deductible == Decimal("1200")
    assert saved_bands(rule) == [
        (1, Decimal("0"), Decimal("100000"), Decimal("70")),
        (2, Decimal("100000"), None, Decimal("75")),
    ]


def test_bands_can_be_removed_through_the_admin(admin_client, rule):
    rule.set_bands([(0, 50000, 60), (50000, None, 70)])
    url = reverse("admin:calculators_reimbursementrule_change", args=[rule.pk])
    response = admin_client.post(url, rule_form(rule, [(0, None, 65)]))
    assert response.status_code == 302
    assert saved_bands(rule) == [(1, Decimal("0"), None, Decimal("65"))]


def test_a_second_rule_in_force_for_the_same_case_is_refused_through_the_admin(admin_client, rule):
    data = rule_form(rule, [(0, None, 70)], **{"bands-INITIAL_FORMS": 0})
    data.pop("bands-0-id")
    data.pop("bands-0-rule")
    response = admin_client.post(reverse("admin:calculators_reimbursementrule_add"), data)
    assert response.status_code == 200
    assert ReimbursementRule.objects.count() == 1


def test_a_serious_illness_rule_is_added_with_bands_starting_at_its_deductible(admin_client, lishui):
    group = PopulationGroup.objects.create(slug="low_income", name_zh="低保对象")
    data = {
        "region": lishui.pk, "coverage_year": 2025, "deductible": "10000", "reduced_deductible": "5000",
        "reduced_groups": [group.pk], "annual_cap": "", "valid_from": "", "valid_until": "",
        **{key: str(value) for key, value in SOURCE.items()}, "source_document_number": "", "source_url": "",
        "source_note_zh": "", "source_note_ru": "", "bands-TOTAL_FORMS": 2, "bands-INITIAL_FORMS": 0, "bands-MIN_NUM_FORMS": 0,
        "bands-MAX_NUM_FORMS": 1000, "_save": "Save",
        "bands-0-lower": "0", "bands-0-upper": "30000", "bands-0-ratio": "60",
        "bands-1-lower": "30000", "bands-1-upper": "80000", "bands-1-ratio": "70",
    }
    url = reverse("admin:calculators_seriousillnessrule_add")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "13,000" not in response.content.decode()
    message = expected_message([(0, 30000, 60), (30000, 80000, 70)], start=Decimal("10000"),
                               start_message=SeriousIllnessRule.band_start_message)
    assert "must start at the deductible, 10,000" in expected_message(
        [(0, 30000, 60), (30000, 80000, 70)], "en", start=Decimal("10000"),
        start_message=SeriousIllnessRule.band_start_message)
    assert escape(message) in response.content.decode()
    assert not SeriousIllnessRule.objects.exists()

    data["bands-0-lower"] = "10000"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    saved = SeriousIllnessRule.objects.get()
    assert [(band.lower, band.upper) for band in saved.bands.all()] == [
        (Decimal("10000"), Decimal("30000")), (Decimal("30000"), Decimal("80000"))]
    assert list(saved.reduced_groups.all()) == [group]


@pytest.mark.parametrize("model", [Region, PopulationGroup, PaymentWindow, WaitingPolicy,
                                   ContributionStandard, ReimbursementRule, SeriousIllnessRule])
def test_every_rule_model_has_a_working_admin_list_and_add_form(admin_client, rule, model):
    info = model._meta.app_label, model._meta.model_name
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert admin_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200


def test_the_change_forms_show_bilingual_names_side_by_side(admin_client, lishui):
    response = admin_client.get(reverse("admin:calculators_region_change", args=[lishui.pk]))
    lines = [list(line.fields) for fieldset in response.context["adminform"] for line in fieldset]
    assert ["name_zh", "name_ru"] in lines
    for model in (Region, PopulationGroup):
        fieldsets = admin.site._registry[model].fieldsets
        lines = [line for _name, options in fieldsets for line in options["fields"]]
        assert ("name_zh", "name_ru") in lines


def test_a_russian_editor_is_told_what_to_fix_in_russian(admin_client, rule):
    bands = [(0, 100000, 70), (90000, None, 80)]
    with translation.override("ru"):
        url = reverse("admin:calculators_reimbursementrule_change", args=[rule.pk])
    assert url.startswith("/ru/")
    response = admin_client.post(url, rule_form(rule, bands))
    russian = expected_message(bands, "ru")
    assert russian != expected_message(bands, "en")
    assert escape(russian) in response.content.decode()


def staff_member(name, group):
    from django.contrib.auth.models import Group

    person = get_user_model().objects.create_user(name, password="pw", is_staff=True)
    person.groups.add(Group.objects.get(name=group))
    return person


def admin_url(name, *args):
    with translation.override("zh-hans"):
        return reverse(f"admin:{name}", args=args)


@pytest.mark.parametrize("change", [{"name_zh": "改名市"}, {"parent": ""}])
def test_an_editor_cannot_rename_or_move_a_region(client, lishui, change):
    client.force_login(staff_member("editor", "editors"))
    data = {"slug": lishui.slug, "name_zh": lishui.name_zh, "name_ru": lishui.name_ru, "parent": lishui.parent_id,
            "order": lishui.order, **change}
    response = client.post(admin_url("calculators_region_change", lishui.pk), data)
    assert response.status_code == 403
    lishui.refresh_from_db()
    assert (lishui.name_zh, lishui.parent.slug) == ("丽水市", "zhejiang")
    assert client.get(admin_url("calculators_region_change", lishui.pk)).status_code == 200  # may still look
    assert client.post(admin_url("calculators_region_add"), {**data, "slug": "new-city"}).status_code == 403
    assert client.post(admin_url("calculators_region_delete", lishui.pk), {"post": "yes"}).status_code == 403


def test_an_editor_cannot_change_a_population_group(client):
    group = PopulationGroup.objects.create(slug="student", name_zh="学生", order=1)
    client.force_login(staff_member("editor", "editors"))
    response = client.post(admin_url("calculators_populationgroup_change", group.pk),
                           {"slug": "student", "name_zh": "大学生", "name_ru": "", "order": 1})
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.name_zh == "学生"


def test_a_reviewer_renames_a_region_and_the_history_says_who(client, lishui):
    client.force_login(staff_member("reviewer", "reviewers"))
    response = client.post(admin_url("calculators_region_change", lishui.pk), {
        "slug": lishui.slug, "name_zh": "丽水", "name_ru": "Лишуй", "parent": lishui.parent_id, "order": 0})
    assert response.status_code == 302
    assert lishui.history.order_by("-history_date").first().history_user.username == "reviewer"


@pytest.mark.parametrize("who", ["editors", "reviewers"])
def test_nobody_deletes_a_published_rule(client, rule, who):
    rule.status = "published"
    rule.save()
    client.force_login(staff_member("person", who))
    response = client.post(admin_url("calculators_reimbursementrule_delete", rule.pk), {"post": "yes"})
    assert response.status_code == 403
    client.post(admin_url("calculators_reimbursementrule_changelist"),
                {"action": "delete_selected", "_selected_action": [rule.pk], "post": "yes"})
    assert ReimbursementRule.objects.filter(pk=rule.pk).exists()


def test_nobody_changes_a_published_rules_bands_in_place(client, rule):
    rule.status = "published"
    rule.save()
    client.force_login(staff_member("reviewer", "reviewers"))
    client.post(admin_url("calculators_reimbursementrule_change", rule.pk), rule_form(rule, [(0, None, 95)]))
    assert list(rule.bands.values_list("ratio", flat=True)) == [Decimal("70")]
