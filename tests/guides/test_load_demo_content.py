"""``manage.py load_demo_content``: a reload brings the demo up to date and never overwrites an editor's
work."""

import shutil
from io import StringIO

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection

from guides.management.commands import load_demo_content
from guides.models import FAQ, Guide, GuideSource
from core.parity import DEMO_CONTENT, parity_of

pytestmark = pytest.mark.django_db


def load(*args, verbosity=1):
    out = StringIO()
    call_command("load_demo_content", *args, verbosity=verbosity, stdout=out, stderr=out)
    return out.getvalue()


def fixture_title(slug, field="title_ru"):
    for path in load_demo_content.fixture_files(load_demo_content.FIXTURES):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            if item["model"] == "guides.guide" and item["fields"]["slug"] == slug:
                return item["fields"][field]
    raise LookupError(slug)


@pytest.fixture
def loaded(demo_content):
    """The demo as the command leaves it (copied from a load earlier in the session: same rows, history)."""


@pytest.fixture
def editor():
    return User.objects.create_user("alice", password="x")


def edit(guide, editor, **fields):
    for name, value in fields.items():
        setattr(guide, name, value)
    guide._history_user = editor
    guide.save()


def test_the_first_line_names_the_database_it_loads_into():
    assert load().splitlines()[0].startswith(f"Loading the demo content into {connection.display_name} ")


def test_a_reload_keeps_an_edited_guide_and_says_who_changed_it(loaded, editor):
    edit(Guide.objects.get(slug="how-to-pay"), editor, title_ru="Как заплатить: правка редактора")

    output = load()

    assert Guide.objects.get(slug="how-to-pay").title_ru == "Как заплатить: правка редактора"
    assert "1 kept" in output
    assert "guide how-to-pay: saved by alice on " in output
    assert "--reset" in output


def test_reset_replaces_the_edit_and_the_newest_history_entry_holds_the_demo_text(loaded, editor):
    edit(Guide.objects.get(slug="how-to-pay"), editor, title_ru="Как заплатить: правка редактора")

    output = load("--reset")

    guide = Guide.objects.get(slug="how-to-pay")
    assert guide.title_ru == fixture_title("how-to-pay")
    newest, before = guide.history.order_by("-history_date", "-history_id")[:2]
    assert (newest.history_type, newest.history_change_reason, newest.title_ru) == (
        "~", DEMO_CONTENT, fixture_title("how-to-pay"))
    assert (before.history_user, before.title_ru) == (editor, "Как заплатить: правка редактора")
    assert "0 kept" in output


def test_a_change_that_left_no_history_is_kept_too(loaded):
    FAQ.objects.filter(slug="foreigners").update(answer_ru="Изменено запросом к базе.")

    output = load()

    assert FAQ.objects.get(slug="foreigners").answer_ru == "Изменено запросом к базе."
    assert "frequently asked question foreigners: changed without a history entry" in output


def test_a_deleted_guide_stays_deleted_with_its_sources_until_reset(loaded, editor):
    guide = Guide.objects.get(slug="withdraw-card-money")
    sources = guide.sources.count()
    guide._history_user = editor
    guide.delete()

    output = load()

    assert not Guide.objects.filter(slug="withdraw-card-money").exists()
    assert not GuideSource.objects.filter(guide__slug="withdraw-card-money").exists()
    assert "guide withdraw-card-money: deleted by alice on " in output
    assert f"({sources} rows that belong to it are left out too)" in output

    load("--reset", verbosity=0)
    assert Guide.objects.get(slug="withdraw-card-money").sources.count() == sources


def test_a_reload_adds_new_fixture_rows_and_brings_untouched_rows_to_the_new_text(tmp_path, monkeypatch):
    """The demo loaded from an older set of fixtures: one question missing, one guide's title older."""
    older = tmp_path / "fixtures"
    shutil.copytree(load_demo_content.FIXTURES, older)
    faqs = yaml.safe_load((older / "faqs.yaml").read_text(encoding="utf-8"))
    (older / "faqs.yaml").write_text(yaml.safe_dump([f for f in faqs if f["fields"]["slug"] != "foreigners"],
                                                    allow_unicode=True), encoding="utf-8")
    path = next(path for path in older.glob("guides_*.yaml")
                if "slug: how-to-pay\n" in path.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(fixture_title("how-to-pay"), "Старое название", 1), encoding="utf-8")
    monkeypatch.setattr(load_demo_content, "FIXTURES", older)
    load(verbosity=0)
    assert Guide.objects.get(slug="how-to-pay").title_ru == "Старое название"
    monkeypatch.undo()

    output = load()

    assert FAQ.objects.filter(slug="foreigners").exists()
    guide = Guide.objects.get(slug="how-to-pay")
    assert guide.title_ru == fixture_title("how-to-pay")
    assert "1 added, 1 updated" in output and "0 kept" in output
    assert guide.history.order_by("-history_date", "-history_id")[0].title_ru == fixture_title("how-to-pay")
    # The demo's two languages are written together: a reload that changes one leaves neither stale.
    assert parity_of([guide], Guide.TRANSLATED_FIELDS)[0].stale == []


def test_a_reload_of_unchanged_content_writes_nothing(loaded):
    entries = Guide.history.count()
    assert "0 added, 0 updated" in load()
    assert Guide.history.count() == entries


def test_at_verbosity_0_it_prints_nothing_even_when_it_keeps_rows(loaded, editor, capsys):
    edit(Guide.objects.get(slug="how-to-pay"), editor, title_ru="Правка")
    assert load(verbosity=0) == ""
    assert capsys.readouterr() == ("", "")
