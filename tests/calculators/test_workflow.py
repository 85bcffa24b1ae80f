"""Policy rules go draft -> in review -> published through the admin, like guides.

Editors write and send for review; a reviewer who did not write the change publishes it, at once or
at a chosen moment; two people saving the same rule never overwrite each other silently.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from calculators import rules
from calculators.models import PaymentWindow, Region, ReimbursementRule
from calculators.rules import CHINA
from core.workflow import Status

pytestmark = pytest.mark.django_db

SOURCE = {"source_title": "丽水城乡居民医保报销比例", "source_issuer": "网络文章（发布者不详）",
          "checked_on": datetime.date(2026, 11, 22)}
STALE = ("Someone else saved this page after you opened it. Open it again to see their change, then make "
         "yours; nothing of theirs has been overwritten.")
OWN_CHANGE = ("You wrote this change, so someone else must publish it. Save it as “in review” and ask "
              "another reviewer.")


def shown(message):
    """A message as the admin shows it (in its default language, Chinese), HTML-escaped."""
    with translation.override("zh-hans"):
        return escape(gettext(message))


@pytest.fixture(autouse=True)
def policy_rules(load_fixtures):
    load_fixtures("fixtures/rules.yaml")


def member(username, role):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "a-long-test-password",
                                                is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor():
    return member("editor", "editors")


@pytest.fixture
def reviewer():
    return member("reviewer", "reviewers")


@pytest.fixture
def other_reviewer():
    return member("other-reviewer", "reviewers")


def logged_in(client, user):
    client.force_login(user)
    return client


def change_url(rule):
    with translation.override("zh-hans"):  # the admin's default address, whatever an earlier test left active
        return reverse(f"admin:calculators_{rule._meta.model_name}_change", args=[rule.pk])


def form_data(response):
    """The POST data of an admin change form exactly as the page shows it (main form and inlines)."""
    data = {"_save": "Save"}

    def add(form, prefix=None):
        for name, field in form.fields.items():
            key = f"{prefix}-{name}" if prefix else name
            value = form[name].value()
            suffixes = getattr(field.widget, "widgets_names", None)
            if suffixes:  # a split date and time
                parts = value if isinstance(value, (list, tuple)) else field.widget.decompress(value)
                for suffix, part in zip(suffixes, parts, strict=True):
                    data[f"{key}{suffix}"] = "" if part is None else str(part)
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, (list, tuple)):
                data[key] = [str(item) for item in value]
            else:
                data[key] = "" if value is None else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for form in formset.forms:
            add(form, form.prefix)
    return data


def opened(client, rule):
    """Open the rule's change page and return what saving it unchanged would post."""
    response = client.get(change_url(rule))
    assert response.status_code == 200
    return form_data(response)


def draft_lishui_rule(author, ratio=75, **fields):
    """A draft successor of the Lishui level-3 residents' rule, written by ``author``."""
    values = {"coverage_year": 2025, "scheme": "resident", "visit": "inpatient", "level": "level3",
              "deductible": Decimal("1000"), "annual_limit": Decimal("100000"), "status": Status.DRAFT,
              "last_author": author, **SOURCE}
    values.update(fields)
    rule = ReimbursementRule(region=Region.objects.get(slug="zhejiang-lishui"), **values)
    rule.save_with_bands([(0, None, ratio)])
    return rule


def lishui_ratio(**viewing):
    with rules.viewing(**viewing):
        rule, _used = rules.benefit_rule("zhejiang-lishui", "resident", "", None, "inpatient", "level3",
                                         datetime.date(2025, 8, 1))
    return rule.bands[0].ratio


def test_the_rule_admins_show_status_and_publish_time(client, reviewer):
    rule = ReimbursementRule.objects.filter(region__slug="zhejiang-lishui").first()
    logged_in(client, reviewer)
    data = opened(client, rule)
    assert data["status"] == "published" and "publish_at_0" in data and "seen_version" in data
    listing = client.get(reverse("admin:calculators_reimbursementrule_changelist")).content.decode()
    assert "column-status" in listing and "column-publish_at" in listing


def test_an_editor_cannot_set_a_rule_to_published_through_the_admin(client, editor):
    rule = draft_lishui_rule(editor)
    logged_in(client, editor)
    data = opened(client, rule)
    page = client.get(change_url(rule)).content.decode()
    assert 'value="published"' not in page  # the choice is not even offered
    response = client.post(change_url(rule), {**data, "status": "published"})
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    rule.refresh_from_db()
    assert rule.status == Status.DRAFT


def test_an_editor_can_send_a_rule_for_review_but_not_publish_a_new_one(client, editor):
    rule = draft_lishui_rule(editor)
    logged_in(client, editor)
    response = client.post(change_url(rule), {**opened(client, rule), "status": "review"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.status == Status.REVIEW and rule.last_author == editor

    data = opened(client, rule)
    data.update({"status": "published", "tier": "2"})
    response = client.post(reverse("admin:calculators_reimbursementrule_add"), {
        key: value for key, value in data.items() if not key.endswith("-id") and key != "seen_version"})
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["status"]
    assert not ReimbursementRule.objects.filter(region__slug="zhejiang-lishui", tier=2).exists()


def test_an_editor_cannot_change_a_published_rule_or_its_bands_directly(client, editor):
    rule = ReimbursementRule.objects.get(region__slug="zhejiang-lishui", scheme="resident", level="level3")
    logged_in(client, editor)
    response = client.get(change_url(rule))
    form = response.context["adminform"].form
    assert "deductible" not in form.fields and "status" not in form.fields  # shown read-only
    bands = response.context["inline_admin_formsets"][0]
    assert not bands.has_change_permission and not bands.has_add_permission


def test_a_reviewer_cannot_publish_a_rule_they_last_edited(client, editor, reviewer):
    rule = draft_lishui_rule(editor)
    logged_in(client, reviewer)
    # Changing the figures makes the reviewer the rule's last author ...
    response = client.post(change_url(rule), {**opened(client, rule), "deductible": "1100.00"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.last_author == reviewer
    # ... so they cannot publish it themselves.
    response = client.post(change_url(rule), {**opened(client, rule), "status": "published"})
    assert response.status_code == 200
    assert shown(OWN_CHANGE) in response.content.decode()
    rule.refresh_from_db()
    assert rule.status == Status.DRAFT


def test_a_reviewer_cannot_change_a_rule_and_publish_it_in_one_save(client, editor, reviewer):
    rule = draft_lishui_rule(editor)
    logged_in(client, reviewer)
    response = client.post(change_url(rule), {**opened(client, rule), "deductible": "1100.00",
                                              "status": "published"})
    assert response.status_code == 200 and shown(OWN_CHANGE) in response.content.decode()
    rule.refresh_from_db()
    assert (rule.status, rule.deductible) == (Status.DRAFT, Decimal("1000.00"))


def test_changing_only_the_bands_also_makes_the_reviewer_the_last_author(client, editor, reviewer):
    rule = draft_lishui_rule(editor)
    logged_in(client, reviewer)
    data = opened(client, rule)
    data["bands-0-ratio"] = "76.00"
    assert client.post(change_url(rule), data).status_code == 302
    rule.refresh_from_db()
    assert rule.last_author == reviewer and rule.bands.get().ratio == Decimal("76")


def test_a_reviewer_publishes_another_editors_rule_with_a_date_and_it_goes_live_then(client, editor,
                                                                                       reviewer):
    old = ReimbursementRule.objects.get(region__slug="zhejiang-lishui", scheme="resident", level="level3")
    old.valid_until = datetime.date(2025, 6, 30)
    old.save()
    rule = draft_lishui_rule(editor, valid_from=datetime.date(2025, 7, 1))
    logged_in(client, reviewer)
    response = client.post(change_url(rule), {**opened(client, rule), "status": "published",
                                              "publish_at_0": "2025-06-20", "publish_at_1": "00:00:00"})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    rule.refresh_from_db()
    assert rule.status == Status.PUBLISHED
    assert rule.publish_at == datetime.datetime(2025, 6, 20, tzinfo=CHINA)
    assert rule.last_author == editor  # publishing is not writing
    # Before that moment a treatment on 1 August finds no rule; from it, the new one.
    with pytest.raises(rules.RuleNotFound):
        lishui_ratio(at=datetime.datetime(2025, 6, 19, 23, 59, tzinfo=CHINA))
    assert lishui_ratio(at=datetime.datetime(2025, 6, 20, tzinfo=CHINA)) == Decimal("75")


def test_publishing_a_rule_that_would_be_in_force_beside_the_published_one_is_refused(client, editor,
                                                                                       reviewer):
    rule = draft_lishui_rule(editor, valid_from=datetime.date(2025, 7, 1))
    logged_in(client, reviewer)
    response = client.post(change_url(rule), {**opened(client, rule), "status": "published"})
    assert response.status_code == 200
    published = ReimbursementRule.objects.get(region__slug="zhejiang-lishui", scheme="resident",
                                              level="level3", status=Status.PUBLISHED)
    errors = response.context["adminform"].form.non_field_errors()
    assert len(errors) == 1 and str(published) in errors[0]  # names the rule it would clash with
    rule.refresh_from_db()
    assert rule.status == Status.DRAFT
    assert lishui_ratio() == Decimal("70")


def test_two_editors_saving_the_same_rule_the_second_is_told_and_nothing_is_lost(client, editor):
    window = PaymentWindow.objects.get(region__slug="hubei", coverage_year=2025)
    window.status = Status.DRAFT
    window.save()
    logged_in(client, editor)
    first = opened(client, window)
    second = dict(first)  # both opened the page at the same version
    assert client.post(change_url(window), {**first, "late_deadline": "2025-03-31"}).status_code == 302

    response = client.post(change_url(window), {**second, "late_deadline": "2025-04-30"})
    assert response.status_code == 200
    assert shown(STALE) in response.content.decode()
    window.refresh_from_db()
    assert window.late_deadline == datetime.date(2025, 3, 31)  # the first save is kept

    # Opening the page again shows the first change and lets the second editor save theirs.
    again = opened(client, window)
    assert again["late_deadline"] == "2025-03-31"
    assert client.post(change_url(window), {**again, "late_deadline": "2025-04-30"}).status_code == 302
    window.refresh_from_db()
    assert window.late_deadline == datetime.date(2025, 4, 30)


def test_the_roles_carry_the_publish_permission_of_every_rule_model(reviewer, editor):
    for model in ("paymentwindow", "waitingpolicy", "contributionstandard", "reimbursementrule",
                  "seriousillnessrule"):
        assert reviewer.has_perm(f"calculators.publish_{model}")
        assert not editor.has_perm(f"calculators.publish_{model}")
        assert editor.has_perm(f"calculators.change_{model}")
