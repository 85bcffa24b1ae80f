"""One publish, seen everywhere at once: the next request on every app server shows it, whatever either
of them kept from before (in its process or in the shared cache)."""

import datetime
import secrets

import pytest
from django.utils import timezone, translation

from tests.browser.admin_login import log_in

pytestmark = pytest.mark.cluster


def path_in(language, obj):
    with translation.override(language):
        return obj.get_absolute_url()


def test_a_guide_change_published_in_the_admin_is_on_every_node_at_the_next_request(
        cluster, visitor, node_a, node_b, live_guide, make_user, browser):
    from guides.models import Guide

    editor, reviewer = make_user("editors"), make_user("reviewers")
    new_ru, new_zh = f"Новый абзац {secrets.token_hex(4)}", f"新段落 {secrets.token_hex(4)}"
    readers = {"node A": visitor(node_a), "node B": visitor(node_b), "nginx": visitor()}
    for reader in readers.values():  # each node has built (and may keep) the page before the change
        assert reader.get(path_in("ru", live_guide)).status_code == 200

    as_editor = admin_page(browser, cluster, editor)
    as_editor.goto(f"{cluster.nginx.url}/ru/admin/guides/guide/?q={live_guide.slug}")
    as_editor.check(f"input[name=_selected_action][value='{live_guide.pk}']")
    as_editor.select_option("select[name=action]", "start_revision")
    as_editor.click("button[name=index]")
    as_editor.wait_for_selector(".messagelist .success")
    revision = Guide.objects.get(revision_of=live_guide)
    as_editor.goto(f"{cluster.nginx.url}/ru/admin/guides/guide/{revision.pk}/change/")
    as_editor.fill("#id_body_ru", revision.body_ru + "\n\n" + new_ru)
    as_editor.fill("#id_body_zh", revision.body_zh + "\n\n" + new_zh)
    as_editor.select_option("#id_status", "review")
    as_editor.click("input[name=_save]")
    as_editor.wait_for_selector(".messagelist .success")

    as_reviewer = admin_page(browser, cluster, reviewer)
    as_reviewer.goto(f"{cluster.nginx.url}/ru/admin/guides/guide/{revision.pk}/change/")
    as_reviewer.select_option("#id_status", "published")
    as_reviewer.click("input[name=_save]")
    as_reviewer.wait_for_selector(".messagelist .success")

    for name, reader in readers.items():
        assert new_ru in reader.get(path_in("ru", live_guide)).text, name
        assert new_zh in reader.get(path_in("zh-hans", live_guide)).text, name


def admin_page(browser, cluster, user):
    context = browser.new_context(locale="ru-RU", ignore_https_errors=True)
    return log_in(context.new_page(), cluster.nginx.url, user.username, user.raw_password)


def test_a_new_payment_window_is_in_every_nodes_page_partial_and_json_at_the_next_request(
        visitor, node_a, node_b):
    from calculators.models import PaymentWindow, Region

    year = timezone.localdate().year + 1
    region = Region.objects.exclude(paymentwindow__coverage_year=year).exclude(slug="national").order_by("slug")[0]
    answer = f"/ru/calculators/deadline/?region={region.slug}&year={year}&status=continuous"
    readers = [visitor(node_a), visitor(node_b), visitor()]
    end = datetime.date(year, 2, 26)
    for reader in readers:  # the answer before the change, kept wherever the nodes keep answers
        assert end.isoformat() not in reader.get(answer, headers={"Accept": "application/json"}).text
        assert reader.get(answer).status_code == reader.get(answer, headers={"HX-Request": "true"}).status_code == 200

    PaymentWindow.objects.create(
        region=region, coverage_year=year, start=datetime.date(year - 1, 10, 15), end=end,
        status="published", source_title="Cluster test notice", source_issuer="Test bureau",
        checked_on=timezone.localdate(),
    )

    for reader in readers:
        data = reader.get(answer, headers={"Accept": "application/json"}).json()
        assert (data["window_start"], data["window_end"]) == (f"{year - 1}-10-15", end.isoformat())
        assert f'datetime="{end.isoformat()}"' in reader.get(answer).text
        assert f'datetime="{end.isoformat()}"' in reader.get(answer, headers={"HX-Request": "true"}).text
