"""The client's address comes from the proxy's header when one is configured, and only from it."""

from core.client import client_address


def test_without_a_proxy_header_the_connection_address_is_the_client(rf, settings):
    settings.CLIENT_IP_HEADER = ""
    assert client_address(rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_REAL_IP="198.51.100.1")) == "203.0.113.5"


def test_behind_the_proxy_its_header_names_the_client(rf, settings):
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="198.51.100.1",
                     HTTP_X_FORWARDED_FOR="192.0.2.66")
    assert client_address(request) == "198.51.100.1"


def test_a_header_that_is_not_one_address_is_ignored(rf, settings):
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="1.2.3.4, 5.6.7.8")) == "10.0.0.2"


def test_a_request_without_a_valid_address_has_none(rf, settings):
    settings.CLIENT_IP_HEADER = ""
    assert client_address(rf.get("/", REMOTE_ADDR="")) is None
    assert client_address(rf.get("/", REMOTE_ADDR="unknown")) is None
