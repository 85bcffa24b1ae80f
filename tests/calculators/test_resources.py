"""Bulk import and export of the rule tables (calculators.resources), on the real rules fixture."""

import datetime
from decimal import Decimal

import pytest
import tablib
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from import_export.formats.base_formats import CSV, XLSX

from calculators.bands import BandSpec, validate_bands
from calculators.import_report import describe_problems, import_problems
from calculators.import_widgets import StrictDecimalWidget
from calculators.models import (
    ContributionStandard,
    PaymentWindow,
    ReimbursementRule,
    SeriousIllnessRule,
    WaitingPolicy,
)
from calculators.resources import (
    ContributionStandardResource,
    PaymentWindowResource,
    ReimbursementRuleResource,
    SeriousIllnessRuleResource,
    WaitingPolicyResource,
)
from core.workflow import Status

pytestmark = pytest.mark.django_db

RESOURCES = {
    PaymentWindow: PaymentWindowResource,
    WaitingPolicy: WaitingPolicyResource,
    ContributionStandard: ContributionStandardResource,
    ReimbursementRule: ReimbursementRuleResource,
    SeriousIllnessRule: SeriousIllnessRuleResource,
}
LISHUI_LEVEL3 = {"region": "zhejiang-lishui", "coverage_year": "2025", "scheme": "resident",
                 "employee_status": "", "tier": "", "visit": "inpatient", "level": "level3", "valid_from": "",
                 "status": "published"}


@pytest.fixture
def rules(load_fixtures):
    load_fixtures("fixtures/rules.yaml")


@pytest.fixture(autouse=True)
def english():
    """The messages as written in the code (the msgids), unless a test asks for another language."""
    with translation.override("en"):
        yield


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    client.force_login(user)
    return client


def exported(resource_class):
    """The table as the resource exports it: a tablib Dataset of text cells."""
    return resource_class().export()


def as_file(dataset, file_format=None):
    """Through a real CSV (or XLSX) file and back, as an editor's upload arrives."""
    file_format = file_format or CSV()
    return file_format.create_dataset(file_format.export_data(dataset))


def table(headers, rows):
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append([row.get(header, "") for header in headers])
    return as_file(dataset)


def run(resource_class, dataset, dry_run=False):
    return resource_class().import_data(dataset, dry_run=dry_run)


def snapshot(resource_class):
    """Every saved value of the table, bands and groups included: proof that nothing changed."""
    return exported(resource_class).csv


def rows_of(resource_class):
    dataset = exported(resource_class)
    return dataset.headers, [dict(zip(dataset.headers, row)) for row in dataset]


def find(rows, **wanted):
    matches = [index for index, row in enumerate(rows)
               if all(row[key] == value for key, value in wanted.items())]
    assert len(matches) == 1, wanted
    return matches[0]


def lishui_level3(status=Status.PUBLISHED, coverage_year=2025):
    return ReimbursementRule.objects.get(region__slug="zhejiang-lishui", coverage_year=coverage_year,
                                         scheme="resident", employee_status="", tier=None, visit="inpatient",
                                         level="level3", status=status)


def saved_bands(rule):
    return [(band.lower, band.upper, band.ratio) for band in rule.bands.all()]


def problems_of(result):
    return import_problems(result)


def totals(result):
    return {key: value for key, value in result.totals.items() if value}


# ---------------------------------------------------------------------------
# Round trip


@pytest.mark.parametrize("file_format", [CSV(), XLSX()], ids=["csv", "xlsx"])
@pytest.mark.parametrize("model", list(RESOURCES), ids=lambda model: model.__name__)
def test_an_export_imported_again_changes_nothing(rules, model, file_format):
    resource_class = RESOURCES[model]
    count = model.objects.count()
    assert count > 0
    before = snapshot(resource_class)
    dataset = as_file(exported(resource_class), file_format)

    result = run(resource_class, dataset, dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors(), describe_problems(result)
    assert totals(result) == {"skip": count}  # zero new, zero changed, zero refused

    result = run(resource_class, dataset)
    assert totals(result) == {"skip": count}
    assert snapshot(resource_class) == before
    assert model.objects.count() == count


def test_the_export_writes_slugs_iso_dates_plain_decimals_and_bands_in_one_column(rules):
    headers, rows = rows_of(ReimbursementRuleResource)
    assert headers[:9] == ["region", "coverage_year", "scheme", "employee_status", "tier", "visit", "level",
                           "valid_from", "status"]  # the natural key first
    assert "bands" in headers and "id" not in headers
    row = rows[find(rows, **LISHUI_LEVEL3)]
    assert row["bands"] == "0-:70"
    assert row["deductible"] == "1000"
    assert row["checked_on"] == "2026-11-22"

    _headers, windows = rows_of(PaymentWindowResource)
    assert windows[find(windows, region="beijing", coverage_year="2024")]["late_deadline"] == "2024-01-31"
    _headers, illness = rows_of(SeriousIllnessRuleResource)
    national = illness[find(illness, region="national")]
    assert national["bands"] == "13000-100000:60; 100000-200000:65; 200000-300000:70; 300000-:75"
    assert national["reduced_groups"] == "low_income, extreme_poverty"
    _headers, policies = rows_of(WaitingPolicyResource)
    assert policies[0]["exempt_groups"] == "low_income, extreme_poverty"


def test_decimals_keep_a_dot_in_russian_too():
    widget = StrictDecimalWidget()
    with translation.override("ru"):
        assert widget.render(Decimal("1234.50")) == "1234.5"
        assert widget.render(Decimal("100000.00")) == "100000"
        assert widget.clean("1234.5") == Decimal("1234.5")
        for text in ("1 234,5", "1,234.5", "1234,5", "12%"):
            with pytest.raises(ValueError):
                widget.clean(text)


# ---------------------------------------------------------------------------
# Changes


def test_a_changed_ratio_is_one_update_in_the_dry_run_and_saved_by_the_import(rules):
    rule = lishui_level3()
    assert saved_bands(rule) == [(Decimal("0"), None, Decimal("70"))]
    before = snapshot(ReimbursementRuleResource)
    headers, rows = rows_of(ReimbursementRuleResource)
    rows[find(rows, **LISHUI_LEVEL3)]["bands"] = "0-:75"
    dataset = table(headers, rows)

    result = run(ReimbursementRuleResource, dataset, dry_run=True)
    assert totals(result) == {"update": 1, "skip": len(rows) - 1}
    assert snapshot(ReimbursementRuleResource) == before
    assert saved_bands(lishui_level3()) == [(Decimal("0"), None, Decimal("70"))]

    result = run(ReimbursementRuleResource, dataset)
    assert totals(result) == {"update": 1, "skip": len(rows) - 1}
    updated = lishui_level3()
    assert updated.pk == rule.pk
    assert saved_bands(updated) == [(Decimal("0"), None, Decimal("75"))]
    assert [band.order for band in updated.bands.all()] == [1]
    assert ReimbursementRule.objects.count() == len(rows)


def test_a_changed_figure_updates_the_rule_and_keeps_its_bands(rules):
    rule = lishui_level3()
    band_ids = list(rule.bands.values_list("pk", flat=True))
    headers, rows = rows_of(ReimbursementRuleResource)
    row = rows[find(rows, **LISHUI_LEVEL3)]
    row["deductible"] = "1200.50"
    result = run(ReimbursementRuleResource, table(headers, [row]))
    assert totals(result) == {"update": 1}
    rule.refresh_from_db()
    assert rule.deductible == Decimal("1200.50")
    assert list(rule.bands.values_list("pk", flat=True)) == band_ids  # unchanged bands are not rewritten


def test_a_new_rule_is_added_with_its_bands_and_groups(rules):
    headers, rows = rows_of(SeriousIllnessRuleResource)
    row = dict(rows[find(rows, region="national")])
    row.update(coverage_year="2026", deductible="15000", bands="15000-100000:60; 100000-:70",
               reduced_groups="extreme_poverty")
    result = run(SeriousIllnessRuleResource, table(headers, [row]))
    assert totals(result) == {"new": 1}
    rule = SeriousIllnessRule.objects.get(region__slug="national", coverage_year=2026)
    assert saved_bands(rule) == [(Decimal("15000"), Decimal("100000"), Decimal("60")),
                                 (Decimal("100000"), None, Decimal("70"))]
    assert [group.slug for group in rule.reduced_groups.all()] == ["extreme_poverty"]


# ---------------------------------------------------------------------------
# Refusals: row and column named, nothing saved


def test_a_ratio_of_120_percent_is_refused_naming_the_row_and_bands(rules):
    before = snapshot(ReimbursementRuleResource)
    count = ReimbursementRule.objects.count()
    headers, rows = rows_of(ReimbursementRuleResource)
    index = find(rows, **LISHUI_LEVEL3)
    rows[index]["bands"] = "0-:120"

    for dry_run in (True, False):
        result = run(ReimbursementRuleResource, table(headers, rows), dry_run=dry_run)
        assert result.has_validation_errors()
        assert problems_of(result) == [
            (index + 1, "bands", "Band 1 pays 120%: enter a ratio between 0 and 100.")]
        assert describe_problems(result) == [
            f"Row {index + 1}, bands: Band 1 pays 120%: enter a ratio between 0 and 100."]
        assert ReimbursementRule.objects.count() == count
        assert snapshot(ReimbursementRuleResource) == before
        assert saved_bands(lishui_level3()) == [(Decimal("0"), None, Decimal("70"))]


def test_the_refusal_is_in_the_editors_language(rules):
    headers, rows = rows_of(ReimbursementRuleResource)
    row = rows[find(rows, **LISHUI_LEVEL3)]
    row["bands"] = "0-100000:70; 90000-:80"
    for language in ("zh-hans", "ru"):
        with translation.override(language):
            result = run(ReimbursementRuleResource, table(headers, [row]))
            with pytest.raises(ValidationError) as refused:  # the model's own message
                validate_bands([BandSpec.of((0, 100000, 70)), BandSpec.of((90000, None, 80))])
            expected = refused.value.messages
        assert [message for _row, _column, message in problems_of(result)] == expected
    assert "Band 2 starts at 90,000 but band 1 ends at 100,000" in problems_of(
        run(ReimbursementRuleResource, table(headers, [row])))[0][2]


@pytest.mark.parametrize("cell", [
    "0-100,000:70; 100000-:80",   # a thousands separator
    "0-100000:70,5; 100000-:80",  # a decimal comma
    "0-100000=70",                 # no colon
    "70",                          # a bare ratio
    "0-:70%",                      # a percent sign
    "0-100000:70;; 100000-:80",    # an empty band
])
def test_a_bands_cell_that_is_not_lower_upper_ratio_is_refused(rules, cell):
    before = snapshot(ReimbursementRuleResource)
    headers, rows = rows_of(ReimbursementRuleResource)
    row = rows[find(rows, **LISHUI_LEVEL3)]
    row["bands"] = cell
    result = run(ReimbursementRuleResource, table(headers, [row]))
    [(number, column, message)] = problems_of(result)
    assert (number, column) == (1, "bands")
    assert "is not in the form lower-upper:ratio" in message
    assert snapshot(ReimbursementRuleResource) == before


def test_bands_that_do_not_start_at_the_deductible_are_refused(rules):
    headers, rows = rows_of(SeriousIllnessRuleResource)
    row = rows[find(rows, region="national")]
    row["deductible"] = "15000"  # the bands still start at 13,000
    before = snapshot(SeriousIllnessRuleResource)
    result = run(SeriousIllnessRuleResource, table(headers, [row]))
    [(number, column, message)] = problems_of(result)
    assert (number, column) == (1, "bands")
    assert "must start at the deductible, 15,000" in message
    assert snapshot(SeriousIllnessRuleResource) == before


def test_a_rule_in_force_at_the_same_time_as_another_is_refused(rules):
    headers, rows = rows_of(ReimbursementRuleResource)
    row = dict(rows[find(rows, **LISHUI_LEVEL3)])
    row.update(valid_from="2025-07-01", valid_until="2025-12-31")  # the saved rule holds all year
    count = ReimbursementRule.objects.count()
    result = run(ReimbursementRuleResource, table(headers, [row]))
    [(number, column, message)] = problems_of(result)
    assert (number, column) == (1, None)
    assert message.startswith("Another rule for this case is already in force on some of these dates")
    assert ReimbursementRule.objects.count() == count


def test_two_windows_for_the_same_region_and_year_are_refused(rules):
    headers, rows = rows_of(PaymentWindowResource)
    base = rows[find(rows, region="beijing", coverage_year="2024")]
    first = {**base, "coverage_year": "2025", "start": "2024-09-01", "end": "2024-12-31",
             "late_deadline": "2025-01-31"}
    second = {**first, "start": "2024-10-01", "end": "2025-02-28", "late_deadline": "2025-03-31"}
    count = PaymentWindow.objects.count()
    result = run(PaymentWindowResource, table(headers, [first, second]))
    assert problems_of(result) == [(2, None, "This row repeats row 1: both are for the same region, "
                                             "coverage_year, status. A file can hold each rule only once.")]
    assert PaymentWindow.objects.count() == count
    assert not PaymentWindow.objects.filter(region__slug="beijing", coverage_year=2025).exists()


def test_a_window_that_ends_before_it_starts_is_refused_naming_the_row(rules):
    before = snapshot(PaymentWindowResource)
    headers, rows = rows_of(PaymentWindowResource)
    index = find(rows, region="shanghai", coverage_year="2024")
    rows[index]["end"] = "2023-09-30"  # starts 2023-10-01
    result = run(PaymentWindowResource, table(headers, rows))
    assert problems_of(result) == [(index + 1, "end", "The centralized period must end after it starts.")]
    assert snapshot(PaymentWindowResource) == before


def test_a_date_in_the_wrong_format_is_refused_naming_the_column(rules):
    before = snapshot(PaymentWindowResource)
    headers, rows = rows_of(PaymentWindowResource)
    index = find(rows, region="shanghai", coverage_year="2024")
    rows[index]["start"] = "2025/13/01"
    result = run(PaymentWindowResource, table(headers, rows))
    assert problems_of(result) == [
        (index + 1, "start", "“2025/13/01” is not a date in the form YYYY-MM-DD, for example 2025-01-31.")]
    assert snapshot(PaymentWindowResource) == before


@pytest.mark.parametrize("value", ["2025-13-01", "01.09.2024", "2024-9-1", "12/01/2024"])
def test_only_real_iso_dates_are_read(rules, value):
    headers, rows = rows_of(PaymentWindowResource)
    row = rows[find(rows, region="shanghai", coverage_year="2024")]
    row["start"] = value
    [(number, column, _message)] = problems_of(run(PaymentWindowResource, table(headers, [row])))
    assert (number, column) == (1, "start")


def test_an_unknown_region_is_refused_naming_the_column(rules):
    before = snapshot(ContributionStandardResource)
    headers, rows = rows_of(ContributionStandardResource)
    rows[2]["region"] = "zhejiang-hangzhou"
    result = run(ContributionStandardResource, table(headers, rows))
    assert problems_of(result) == [(3, "region", "There is no region with the slug “zhejiang-hangzhou”.")]
    assert not result.has_errors()  # a refusal with its reason, not a crash
    assert snapshot(ContributionStandardResource) == before


def test_an_unknown_group_is_refused_naming_the_column(rules):
    before = snapshot(WaitingPolicyResource)
    headers, rows = rows_of(WaitingPolicyResource)
    rows[0]["exempt_groups"] = "low_income, veterans"
    result = run(WaitingPolicyResource, table(headers, rows))
    assert problems_of(result) == [
        (1, "exempt_groups", "There is no population group with the slug “veterans”.")]
    assert snapshot(WaitingPolicyResource) == before


def test_an_empty_required_figure_is_refused_not_defaulted(rules):
    headers, rows = rows_of(ReimbursementRuleResource)
    row = rows[find(rows, **LISHUI_LEVEL3)]
    row["deductible"] = ""
    [(number, column, _message)] = problems_of(run(ReimbursementRuleResource, table(headers, [row])))
    assert (number, column) == (1, "deductible")
    assert lishui_level3().deductible == Decimal("1000")


def test_a_wrong_column_refuses_the_whole_file_before_anything_is_saved(rules):
    before = snapshot(ReimbursementRuleResource)
    headers, rows = rows_of(ReimbursementRuleResource)
    rows[find(rows, **LISHUI_LEVEL3)]["bands"] = "0-:75"  # a good change: still not saved
    for row in rows:
        row["ratio"] = "75"
    result = run(ReimbursementRuleResource, table([*headers, "ratio"], rows))
    assert result.has_errors()
    [(number, column, message)] = problems_of(result)
    assert (number, column) == (None, None)
    assert message.startswith("The file has a column “ratio” that this table does not have.")
    assert "bands" in message  # the columns it could have meant
    assert totals(result) == {}  # no row was read
    assert snapshot(ReimbursementRuleResource) == before
    assert result.base_errors[0].traceback == ""  # the editor sees the reason, not a stack trace


def test_a_file_without_a_key_column_is_refused(rules):
    headers, rows = rows_of(PaymentWindowResource)
    headers = [header for header in headers if header != "coverage_year"]
    result = run(PaymentWindowResource, table(headers, rows))
    assert [message for _row, _column, message in problems_of(result)] == [
        "The file has no column “coverage_year”: it is needed to find the rule each row belongs to."]


def test_the_import_is_all_or_nothing(rules):
    headers, rows = rows_of(ContributionStandardResource)
    good = {**rows[0], "coverage_year": "2027", "individual": "420", "subsidy": "700"}
    bad = {**rows[1], "individual": "-5"}
    count = ContributionStandard.objects.count()
    before = snapshot(ContributionStandardResource)

    result = run(ContributionStandardResource, table(headers, [good, bad]))
    assert totals(result) == {"new": 1, "invalid": 1}
    assert [(number, column) for number, column, _message in problems_of(result)] == [(2, "individual")]
    assert ContributionStandard.objects.count() == count
    assert not ContributionStandard.objects.filter(coverage_year=2027).exists()
    assert snapshot(ContributionStandardResource) == before

    result = run(ContributionStandardResource, table(headers, [good]))
    assert totals(result) == {"new": 1}
    assert ContributionStandard.objects.filter(coverage_year=2027).count() == 1


# ---------------------------------------------------------------------------
# Review workflow: an import through the admin prepares changes, it does not publish them


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-test-password")


def test_an_editors_import_cannot_publish_a_change(rules, editor):
    before = snapshot(ReimbursementRuleResource)
    headers, rows = rows_of(ReimbursementRuleResource)
    index = find(rows, **LISHUI_LEVEL3)
    rows[index]["bands"] = "0-:75"
    result = ReimbursementRuleResource().import_data(table(headers, rows), user=editor)
    assert problems_of(result) == [(index + 1, "status", "An import cannot publish: give this row the status "
                                    "“draft” or “review” and have another reviewer publish it in the admin.")]
    assert snapshot(ReimbursementRuleResource) == before

    # Unchanged published rows are fine; the change comes in as a draft beside the published rule.
    rows[index]["status"] = "draft"
    result = ReimbursementRuleResource().import_data(table(headers, rows), user=editor)
    assert totals(result) == {"new": 1, "skip": len(rows) - 1}
    draft = lishui_level3(Status.DRAFT)
    assert saved_bands(draft) == [(Decimal("0"), None, Decimal("75"))]
    assert draft.last_author == editor
    assert saved_bands(lishui_level3()) == [(Decimal("0"), None, Decimal("70"))]

    # Importing the same file again finds the draft by its natural key: nothing changes.
    result = ReimbursementRuleResource().import_data(table(headers, rows), user=editor)
    assert totals(result) == {"skip": len(rows)}


def test_a_row_with_an_unknown_region_is_told_only_that(rules, editor):
    headers, rows = rows_of(PaymentWindowResource)
    rows[0]["region"] = "nowhere"
    result = PaymentWindowResource().import_data(table(headers, rows), user=editor)
    assert problems_of(result) == [(1, "region", "There is no region with the slug “nowhere”.")]


# ---------------------------------------------------------------------------
# Admin


@pytest.fixture
def chinese():
    """The admin's default language: its URLs start with /zh-hans/."""
    with translation.override("zh-hans"):
        yield


def upload(dataset, name="rules.csv"):
    return SimpleUploadedFile(name, CSV().export_data(dataset).encode("utf-8-sig"), content_type="text/csv")


def test_the_rule_admins_offer_import_export_and_history_together(admin_client, rules, chinese):
    for model in RESOURCES:
        info = model._meta.app_label, model._meta.model_name
        response = admin_client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert response.status_code == 200
        content = response.content.decode()
        assert reverse("admin:{}_{}_import".format(*info)) in content
        assert reverse("admin:{}_{}_export".format(*info)) in content
        assert admin_client.get(reverse("admin:{}_{}_import".format(*info))).status_code == 200
        assert admin_client.get(reverse("admin:{}_{}_export".format(*info))).status_code == 200
        obj = model.objects.first()
        history = reverse("admin:{}_{}_history".format(*info), args=[obj.pk])
        assert admin_client.get(history).status_code == 200


def test_the_import_page_offers_csv_and_xlsx_only(admin_client, rules, chinese):
    response = admin_client.get(reverse("admin:calculators_paymentwindow_import"))
    assert response.status_code == 200
    choices = [label for value, label in response.context["form"].fields["format"].choices if value != ""]
    assert choices == ["csv", "xlsx"]


def test_a_dry_run_in_the_admin_previews_and_the_confirm_step_imports(admin_client, rules, chinese):
    headers, rows = rows_of(PaymentWindowResource)
    index = find(rows, region="shanghai", coverage_year="2024")
    rows[index].update(status="draft", late_deadline="2024-04-30")
    response = admin_client.post(reverse("admin:calculators_paymentwindow_import"),
                                 {"import_file": upload(table(headers, rows)), "format": "0",
                                  "resource": "0"})
    assert response.status_code == 200
    assert totals(response.context["result"]) == {"new": 1, "skip": len(rows) - 1}
    confirm_form = response.context["confirm_form"]  # the preview, waiting for confirmation
    content = response.content.decode()
    assert admin_text(DRY_RUN, new=1, update=0, skip=len(rows) - 1, refused=0) in content
    assert not PaymentWindow.objects.filter(status=Status.DRAFT).exists()

    response = admin_client.post(reverse("admin:calculators_paymentwindow_process_import"),
                                 {**confirm_form.initial, "confirm": "Confirm import"})
    assert response.status_code == 302
    assert response.url == reverse("admin:calculators_paymentwindow_changelist")
    draft = PaymentWindow.objects.get(region__slug="shanghai", coverage_year=2024, status=Status.DRAFT)
    assert draft.late_deadline == datetime.date(2024, 4, 30)
    assert draft.last_author.username == "editor"
    published = PaymentWindow.objects.get(region__slug="shanghai", coverage_year=2024,
                                          status=Status.PUBLISHED)
    assert published.late_deadline == datetime.date(2024, 3, 31)


def test_a_refused_row_in_the_admin_dry_run_is_shown_with_its_reason_and_no_confirm(admin_client, rules,
                                                                                     chinese):
    headers, rows = rows_of(ReimbursementRuleResource)
    index = find(rows, **LISHUI_LEVEL3)
    rows[index].update(status="draft", bands="0-:120")
    rows[index + 1].update(status="draft", deductible="1234")  # a good change, listed as waiting
    before = snapshot(ReimbursementRuleResource)
    response = admin_client.post(reverse("admin:calculators_reimbursementrule_import"),
                                 {"import_file": upload(table(headers, rows)), "format": "0"})
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    [invalid] = response.context["result"].invalid_rows
    assert (invalid.number, list(invalid.field_specific_errors)) == (index + 1, ["bands"])
    content = response.content.decode()
    with pytest.raises(ValidationError) as refused:  # the model's message, in the admin's language
        validate_bands([BandSpec.of((0, None, 120))])
    assert escape(refused.value.messages[0]) in content
    assert admin_text(DRY_RUN, new=1, update=0, skip=len(rows) - 2, refused=1) in content
    assert admin_text(ROWS_WITHOUT_ERRORS) in content
    assert snapshot(ReimbursementRuleResource) == before


def test_the_confirm_step_saves_nothing_if_the_file_has_become_invalid(admin_client, rules, chinese):
    headers, rows = rows_of(ReimbursementRuleResource)
    draft_2025 = dict(rows[find(rows, **LISHUI_LEVEL3)], status="draft", deductible="1100")
    draft_2026 = dict(draft_2025, coverage_year="2026", bands="0-:70")
    response = admin_client.post(reverse("admin:calculators_reimbursementrule_import"),
                                 {"import_file": upload(table(headers, [draft_2025, draft_2026])),
                                  "format": "0"})
    confirm_form = response.context["confirm_form"]
    # Meanwhile another editor drafts a 2026 rule for the same case from July.
    rule = lishui_level3()
    rule.pk, rule.id = None, None
    rule.coverage_year, rule.valid_from, rule.status = 2026, datetime.date(2026, 7, 1), Status.DRAFT
    rule._state.adding = True
    rule.save_with_bands([(0, None, 72)])

    response = admin_client.post(reverse("admin:calculators_reimbursementrule_process_import"),
                                 {**confirm_form.initial, "confirm": "Confirm import"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:calculators_reimbursementrule_import")
    texts = [str(message) for message in response.context["messages"]]
    assert admin_text(NOTHING_IMPORTED) in texts
    row_prefix = admin_text("Row %(row)s: %(message)s") % {"row": 2, "message": ""}
    assert any(text.startswith(row_prefix) for text in texts)
    assert not ReimbursementRule.objects.filter(coverage_year=2025, status=Status.DRAFT).exists()
    assert ReimbursementRule.objects.filter(coverage_year=2026).count() == 1  # only the other editor's


def test_an_admin_export_imports_back_unchanged(admin_client, rules, chinese):
    fields = ReimbursementRuleResource().get_export_order()
    data = {"format": "1", "resource": "0",
            **{f"reimbursementruleresource_{name}": "on" for name in fields}}
    response = admin_client.post(reverse("admin:calculators_reimbursementrule_export"), data)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    dataset = XLSX().create_dataset(response.content)
    assert dataset.headers == list(fields)
    editor = get_user_model().objects.get()
    result = ReimbursementRuleResource().import_data(dataset, dry_run=True, user=editor)
    assert totals(result) == {"skip": ReimbursementRule.objects.count()}


def test_an_admin_csv_export_starts_with_a_bom_for_spreadsheets(admin_client, rules, chinese):
    fields = PaymentWindowResource().get_export_order()
    data = {"format": "0", "resource": "0", **{f"paymentwindowresource_{name}": "on" for name in fields}}
    response = admin_client.post(reverse("admin:calculators_paymentwindow_export"), data)
    assert response.status_code == 200
    assert response.content.startswith("\ufeffregion,coverage_year,status".encode())
    result = PaymentWindowResource().import_data(CSV(encoding="utf-8-sig").create_dataset(response.content),
                                                 dry_run=True)
    assert totals(result) == {"skip": PaymentWindow.objects.count()}


def test_importing_needs_the_add_and_change_permissions(client, rules, chinese):
    viewer = get_user_model().objects.create_user("viewer", "viewer@example.org", "a-long-test-password",
                                                  is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_paymentwindow"))
    client.force_login(viewer)
    changelist = client.get(reverse("admin:calculators_paymentwindow_changelist")).content.decode()
    assert reverse("admin:calculators_paymentwindow_import") not in changelist
    assert reverse("admin:calculators_paymentwindow_export") in changelist
    assert client.get(reverse("admin:calculators_paymentwindow_import")).status_code == 403
    assert client.get(reverse("admin:calculators_paymentwindow_export")).status_code == 200


DRY_RUN = "Dry run, nothing saved yet. To add: %(new)s. To change: %(update)s. Unchanged: %(skip)s. Refused: %(refused)s."
ROWS_WITHOUT_ERRORS = ("Rows without errors: they will be added or changed once every refused row is fixed, because "
                       "a file is imported all or nothing.")
NOTHING_IMPORTED = "Nothing was imported: the file has errors. Fix them and import it again."


def admin_text(message, **params):
    """The message as the admin shows it: in Chinese, the language of its default /zh-hans/ address."""
    from django.utils.translation import gettext

    with translation.override("zh-hans"):
        text = gettext(message)
    return text % params if params else text
