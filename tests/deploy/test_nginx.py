"""deploy.nginx fills the nginx template an operator installs and the cluster tests run."""

import re

import pytest

from deploy.nginx import render

SITE = {"static_root": "/srv/portal/static/", "certificate": "/etc/ssl/portal.crt",
        "certificate_key": "/etc/ssl/portal.key", "server_name": "portal.example.org"}


def test_every_app_server_is_balanced_with_passive_health_checks():
    config = render(["10.0.0.11:8000", "10.0.0.12:8000"], **SITE, max_fails=2, fail_timeout=5)

    upstream = re.search(r"upstream portal_app \{(.*?)\}", config, re.S).group(1)
    assert re.findall(r"server (\S+) max_fails=2 fail_timeout=5s;", upstream) == ["10.0.0.11:8000", "10.0.0.12:8000"]


def test_failed_requests_are_retried_elsewhere_except_non_idempotent_ones():
    config = render(["10.0.0.11:8000"], **SITE)

    retry = re.search(r"proxy_next_upstream ([^;]+);", config).group(1).split()
    assert retry == ["error", "timeout", "http_502", "http_503"]
    assert "non_idempotent" not in config


def test_the_client_address_header_is_overwritten_with_the_connection_address():
    config = render(["10.0.0.11:8000"], **SITE)

    assert "proxy_set_header X-Real-IP $remote_addr;" in config
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in config


def test_static_files_come_from_the_static_root_and_hashed_names_are_immutable():
    config = render(["10.0.0.11:8000"], **SITE)

    assert "alias /srv/portal/static/;" in config
    assert '"~\\.[0-9a-f]{12}\\.[A-Za-z0-9]+$" "public, max-age=31536000, immutable";' in config


def test_every_placeholder_is_filled():
    config = render(["10.0.0.11:8000"], **SITE)

    assert "{{" not in config and "server_name portal.example.org;" in config


def test_a_site_without_app_servers_is_refused():
    with pytest.raises(ValueError):
        render([], **SITE)
