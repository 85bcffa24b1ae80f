"""Scenario tests of the portal as a cluster: two gunicorn app servers behind nginx, sharing PostgreSQL and
Redis. They run only inside the stack that scripts/test-cluster starts (it sets PORTAL_CLUSTER_STATE and
the app servers' own environment, so the ORM here reads and writes the cluster's database and cache).

Readers are real HTTP clients, through nginx or straight to one app server; set-up uses the ORM or the
admin in Debian's Chromium.
"""

import json
import os

import pytest

from tests.browser.conftest import browser  # noqa: F401 - Debian's Chromium through Playwright, as there

STATE = os.environ.get("PORTAL_CLUSTER_STATE")

if STATE:
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
        django.setup()


@pytest.fixture(scope="session")
def cluster():
    if not STATE:
        pytest.fail("The cluster scenarios run inside the stack of scripts/test-cluster (make test-cluster).")
    from deploy.stack import Stack

    with open(STATE) as state:
        return Stack.attach(json.load(state))


@pytest.fixture(autouse=True)
def every_node_in_rotation(cluster):
    """Each scenario starts with every app server up with its usual environment, whatever the scenario before
    it stopped, killed or restarted with another environment."""
    from deploy.stack import restart_together

    astray = [server for server in cluster.app_servers if server.overrides or not server.is_up()]
    if astray:
        restart_together(astray)


@pytest.fixture
def node_a(cluster):
    return cluster.app_servers[0]


@pytest.fixture
def node_b(cluster):
    return cluster.app_servers[1]


@pytest.fixture
def visitor(cluster):
    """Make a visitor: ``visitor()`` goes through nginx, ``visitor(node)`` straight to one app server."""
    from tests.cluster.http import Visitor

    certificate = cluster.nginx.certificate

    def make(node=None, source="127.0.0.1"):
        if node is None:
            return Visitor(cluster.nginx.url, certificate=certificate, source=source)
        return Visitor(node.url, source=source, behind_proxy=True)

    return make


@pytest.fixture
def live_guide():
    """A published guide of this test's own (a copy of the first demo guide with its sources): scenarios that
    change or count things on a guide never meet each other's changes."""
    import secrets

    from guides.models import Guide, GuideSource

    model = Guide.objects.published().order_by("slug").first()
    sources = list(model.sources.all())
    model.pk, model.id = None, None
    model.slug = f"cluster-{secrets.token_hex(4)}"
    model._state.adding = True
    model.save()
    for source in sources:
        source.pk, source.id, source.guide = None, None, model
        source.save()
    if not sources:
        GuideSource.objects.create(guide=model, order=1, title="国务院办公厅关于健全基本医疗保险参保长效机制的指导意见",
                                   issuer_zh="国务院办公厅", issuer_ru="Канцелярия Госсовета КНР")
    return model


@pytest.fixture
def make_user():
    """``make(group)``: a staff user in ``editors`` or ``reviewers`` with a password of its own."""
    import secrets

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    def make(group):
        password = secrets.token_urlsafe(16)
        user = get_user_model().objects.create_user(f"{group}-{secrets.token_hex(3)}", password=password,
                                                    is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        user.raw_password = password
        return user

    return make

