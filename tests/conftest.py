import datetime

import pytest


@pytest.fixture
def topic(db):
    from guides.models import Topic

    return Topic.objects.create(slug="pay", name_zh="缴费", name_ru="Уплата взносов", order=1)


@pytest.fixture
def make_guide(topic):
    def make(slug="how-to-pay", **fields):
        values = {
            "topic": topic,
            "title_zh": "怎么缴费",
            "title_ru": "Как платить взнос",
            "summary_zh": "所有缴费渠道。",
            "summary_ru": "Все способы уплаты.",
            "body_zh": "## 微信缴费\n\n打开微信，进入城市服务。\n\n## 银行缴费\n\n带上身份证。",
            "body_ru": "## Оплата через WeChat\n\nОткройте WeChat и найдите городские услуги.\n\n## Оплата в банке\n\nВозьмите паспорт.",
            "status": "published",
            "published_on": datetime.date(2026, 1, 1),
            "updated_on": datetime.date(2026, 11, 1),
            "policy_year": 2025,
        }
        values.update(fields)
        from guides.models import Guide

        return Guide.objects.create(slug=slug, **values)

    return make


@pytest.fixture
def guide(make_guide):
    from guides.models import GuideSource

    guide = make_guide()
    GuideSource.objects.create(guide=guide, order=1, title="国务院办公厅关于健全基本医疗保险参保长效机制的指导意见",
                               issuer_zh="国务院办公厅", issuer_ru="Канцелярия Госсовета КНР", document_number="国办发〔2024〕38号")
    return guide


@pytest.fixture
def make_faq(topic):
    def make(slug="newborns", **fields):
        values = {
            "topic": topic,
            "question_zh": "新生儿怎么参保？",
            "question_ru": "Как застраховать новорождённого?",
            "answer_zh": "出生后90天内登记缴费，出生之日起的费用可以报销。",
            "answer_ru": "Зарегистрируйте ребёнка в течение 90 дней после рождения: расходы покрываются с даты рождения.",
            "status": "published",
        }
        values.update(fields)
        from guides.models import FAQ

        return FAQ.objects.create(slug=slug, **values)

    return make


@pytest.fixture
def faq(make_faq):
    return make_faq()


@pytest.fixture
def russian_client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="ru")


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts with empty caches: a test's rows are rolled back without any signal, so whatever an
    earlier test kept (the rule book, cached pages) would otherwise outlive its data."""
    from django.conf import settings

    if not settings.configured:
        yield
        return
    from django.core.cache import cache

    from calculators import rulebook
    from core import content_version
    from guides import reads

    reads.flush()  # into the cache that is emptied next: an earlier test's reads are not this one's
    cache.clear()
    rulebook.forget()
    content_version._pending = False  # a bump an earlier test left unmade is of no concern to this one
    yield


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language: a request made by an earlier test leaves its
    language active in the thread, which would otherwise change what reverse() and gettext return."""
    from django.conf import settings
    from django.utils import translation

    if not settings.configured:  # the engine tests also run without Django (-p no:django)
        yield
        return
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- Fixture data, written once per session --------------------------------------------------------------


class Snapshots:
    """The rows a loader writes (loaddata, load_demo_content), captured the first time a test needs them and
    copied into every later test's database: the same rows, ids and history, without parsing the YAML and
    resolving natural keys for each test. The loaders themselves are tested on their own."""

    def __init__(self):
        self.rows = {}

    def restore(self, key, load):
        from django.core.management.color import no_style
        from django.db import connection, transaction

        if key not in self.rows:
            self.rows[key] = self.capture(load)
        # One transaction: foreign keys are checked at its end, whatever order the tables come in.
        with transaction.atomic():
            for model, rows in self.rows[key]:
                model._base_manager.bulk_create([model(**values) for values in rows])
            models = [model for model, _ in self.rows[key]]
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
        from core import content_version

        content_version.bump()  # bulk_create sends no signals: whatever was kept must be read afresh

    @staticmethod
    def capture(load):
        """Run ``load`` in a transaction that is rolled back; return the rows it wrote, table by table."""
        from django.apps import apps
        from django.db import transaction

        models = [model for model in apps.get_models(include_auto_created=True)
                  if model._meta.managed and not model._meta.proxy]
        captured = []
        with transaction.atomic():
            before = {model: model._base_manager.count() for model in models}
            load()
            for model in models:
                if model._base_manager.count() == before[model]:
                    continue
                if before[model]:
                    raise RuntimeError(f"{model._meta.label} had rows before the load: load fixtures first")
                fields = [field.attname for field in model._meta.concrete_fields]
                captured.append((model, list(model._base_manager.order_by("pk").values(*fields))))
            transaction.set_rollback(True)
        return captured


@pytest.fixture(scope="session")
def snapshots():
    return Snapshots()


@pytest.fixture
def load_fixtures(db, snapshots):
    """``load_fixtures("fixtures/rules.yaml", ...)``: the database as ``manage.py loaddata`` leaves it."""
    from django.core.management import call_command

    def load(*labels):
        snapshots.restore(("loaddata", *labels), lambda: call_command("loaddata", *labels, verbosity=0))

    return load


@pytest.fixture
def demo_content(db, snapshots):
    """The database as ``manage.py load_demo_content`` leaves it."""
    from django.core.management import call_command

    snapshots.restore(("load_demo_content",), lambda: call_command("load_demo_content", verbosity=0))


@pytest.fixture(scope="session", autouse=True)
def empty_tables_with_delete_on_postgresql():
    """After each transactional test (the browser tests) pytest-django empties every table. On PostgreSQL
    that is one TRUNCATE of some 40 tables, which makes new files for each and takes over a second per test;
    the tables hold a few hundred rows, which DELETE clears in milliseconds. The result is the same: empty
    tables, sequences left as they are (TRUNCATE without RESTART IDENTITY did not reset them either)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        # Foreign keys are checked when the flush's transaction commits, so the order of the tables is free.
        delete = style.SQL_KEYWORD("DELETE FROM")
        return ["SET CONSTRAINTS ALL DEFERRED"] + [
            f"{delete} {style.SQL_FIELD(self.quote_name(table))};" for table in tables
        ]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield
