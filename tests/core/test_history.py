"""Every change is recorded; editors compare two versions and restore an earlier one."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def admin_url(name, *args):
    with translation.override("zh-hans"):
        return reverse(name, args=args)


def test_a_change_is_recorded_with_who_when_and_the_old_value(admin_client, admin_user, make_guide):
    guide = make_guide()
    guide.title_zh = "新标题"
    guide._history_user = admin_user
    guide.save()
    newest, older = guide.history.order_by("-history_date")[:2]
    delta = newest.diff_against(older)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("title_zh", "怎么缴费", "新标题")]
    assert newest.history_user == admin_user


def test_history_page_lists_the_changed_fields(admin_client, make_guide):
    guide = make_guide()
    guide.title_zh = "新标题"
    guide.save()
    page = admin_client.get(admin_url("admin:guides_guide_history", guide.pk)).content.decode()
    assert "新标题" in page and "怎么缴费" in page
    assert "compare" in page


def test_compare_shows_a_line_diff_of_the_body(admin_client, make_guide):
    guide = make_guide(body_zh="## 标题\n\n" + "第一段很长的文字。" * 20 + "\n\n第二段。")
    first = guide.history.latest("history_date")
    guide.body_zh = guide.body_zh.replace("第二段。", "第二段改过了。")
    guide.save()
    second = guide.history.latest("history_date")
    url = admin_url("admin:guides_guide_history_compare", guide.pk)
    page = admin_client.get(url, {"older": first.history_id, "newer": second.history_id}).content.decode()
    assert "-第二段。" in page and "+第二段改过了。" in page


def test_restoring_an_earlier_version(admin_client, make_guide):
    guide = make_guide()
    original = guide.history.latest("history_date")
    guide.title_zh = "改坏了的标题"
    guide.save()
    url = admin_url("admin:guides_guide_simple_history", guide.pk, original.history_id)
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"sources-TOTAL_FORMS": 0, "sources-INITIAL_FORMS": 0, "sources-MIN_NUM_FORMS": 0,
                 "sources-MAX_NUM_FORMS": 1000, "topic": guide.topic_id, "seen_version": guide.version,
                 "initial-published_on": guide.published_on.isoformat(), "initial-updated_on": guide.updated_on.isoformat(),
                 "publish_at_0": "", "publish_at_1": "", "is_major_change": ""})
    data["published_on"] = guide.published_on.isoformat()
    data["updated_on"] = guide.updated_on.isoformat()
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    guide.refresh_from_db()
    assert guide.title_zh == "怎么缴费"


def test_rule_tables_keep_history_too():
    from django.core.management import call_command

    from calculators.models import PaymentWindow

    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)
    window = PaymentWindow.objects.get(region__slug="hubei", coverage_year=2025)
    window.late_deadline = "2025-03-31"
    window.save()
    assert window.history.count() == 1 and str(window.history.first().late_deadline) == "2025-03-31"
