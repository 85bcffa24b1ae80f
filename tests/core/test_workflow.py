"""No lost edit: a save is a conditional update on the version the editor opened, decided by the database."""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from guides.admin import GuideAdmin
from guides.models import Guide
from core.workflow import MISSING_VERSION_MESSAGE, STALE_MESSAGE, StaleEdit, first_scheduled_after
from tests.guides.test_workflow import change_url, guide_form


def editor(name="editor"):
    person = get_user_model().objects.create_user(name, password="pw", is_staff=True)
    person.groups.add(Group.objects.get(name="editors"))
    return person


@pytest.mark.django_db
def test_a_save_from_an_old_version_changes_nothing(make_guide):
    guide = make_guide(status="draft")
    first, second = Guide.objects.get(pk=guide.pk), Guide.objects.get(pk=guide.pk)
    first.title_zh, first._expected_version = "第一位", 1
    first.save()
    second.title_zh, second._expected_version = "第二位", 1
    with pytest.raises(StaleEdit):
        second.save()
    guide.refresh_from_db()
    assert (guide.title_zh, guide.version) == ("第一位", 2)


@pytest.mark.django_db
def test_a_form_without_the_version_is_refused(client, make_guide):
    guide = make_guide(status="draft")
    client.force_login(editor())
    data = guide_form(guide, title_zh="没有版本号")
    del data["seen_version"]
    response = client.post(change_url(guide), data)
    assert response.status_code == 200
    assert str(MISSING_VERSION_MESSAGE) in str(response.context["adminform"].form.non_field_errors())
    guide.refresh_from_db()
    assert guide.title_zh == "怎么缴费"


@pytest.mark.django_db
def test_two_editors_in_sequence_the_second_is_told_and_keeps_what_they_typed(client, make_guide):
    guide = make_guide(status="draft")
    opened = guide_form(guide)
    client.force_login(editor())
    assert client.post(change_url(guide), {**opened, "title_zh": "第一位编辑"}).status_code == 302
    response = client.post(change_url(guide), {**opened, "title_zh": "第二位编辑"})
    assert response.status_code == 200
    assert str(STALE_MESSAGE) in str(response.context["adminform"].form.non_field_errors())
    assert 'value="第二位编辑"' in response.content.decode()
    guide.refresh_from_db()
    assert guide.title_zh == "第一位编辑"


@pytest.mark.django_db(transaction=True)
def test_two_truly_concurrent_saves_exactly_one_wins(make_guide, monkeypatch):
    """Both saves pass the form's check before either writes: only the database can tell them apart."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time; concurrent saves are shown on PostgreSQL")
    guide = make_guide(status="draft")
    opened = guide_form(guide)
    both_validated = threading.Barrier(2, timeout=30)
    save_model = GuideAdmin.save_model

    def save_after_the_other_validated(self, request, obj, form, change):
        both_validated.wait()
        return save_model(self, request, obj, form, change)

    monkeypatch.setattr(GuideAdmin, "save_model", save_after_the_other_validated)
    people = [editor("anna"), editor("boris")]
    results, errors = {}, []

    def save(person, title):
        try:
            client = Client()
            client.force_login(person)
            response = client.post(change_url(guide), {**opened, "title_zh": title})
            results[title] = (response.status_code, response.content.decode())
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(person, title)) for person, title in zip(people, ["安娜", "鲍里斯"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(status for status, _body in results.values()) == [200, 302]
    winner = next(title for title, (status, _body) in results.items() if status == 302)
    loser_page = next(body for status, body in results.values() if status == 200)
    with translation.override("zh-hans"):  # the admin at /zh-hans/admin/
        assert str(STALE_MESSAGE) in loser_page
    guide.refresh_from_db()
    assert (guide.title_zh, guide.version) == (winner, 2)


@pytest.mark.django_db
def test_the_first_scheduled_moment_of_every_kind_is_one_query(load_fixtures, make_guide, django_assert_num_queries):
    load_fixtures("fixtures/rules.yaml")
    guide = make_guide()
    with django_assert_num_queries(1):
        assert first_scheduled_after(timezone.now()) is None
    moment = timezone.now() + datetime.timedelta(days=2)
    guide.publish_at = moment
    guide.save()
    assert first_scheduled_after(timezone.now()) == moment
