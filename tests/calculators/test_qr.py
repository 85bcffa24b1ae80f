"""The QR code of an answer's link: its own cacheable image URL, drawn only for this site's calculator links."""

from urllib.parse import quote

import pytest
from django.utils import translation
from django.utils.translation import gettext

from calculators import qr

pytestmark = pytest.mark.django_db

ANSWER = "/ru/calculators/contribution/?region=national&year=2024&ordinary=2"


def code(client, link, language="ru"):
    return client.get(f"/{language}/calculators/qr.svg?link={quote(link, safe='')}")


def test_a_calculator_links_code_is_an_svg_image_kept_for_a_day(client):
    response = code(client, ANSWER)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox=')
    assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "") and not response.cookies


def test_the_code_holds_the_absolute_link_and_a_title_in_the_readers_language(client):
    with translation.override("ru"):
        title = gettext("QR code of the link to this answer")
    assert title != "QR code of the link to this answer"
    assert code(client, ANSWER).content == qr.svg("http://testserver" + ANSWER, title)


def test_each_calculator_and_the_other_language_have_codes(client):
    for link in ("/ru/calculators/reimbursement/?region=beijing", "/ru/calculators/deadline/",
                 "/ru/calculators/contribution/"):
        assert code(client, link).status_code == 200, link
    assert code(client, "/zh-hans/calculators/deadline/?region=hubei", "zh-hans").status_code == 200


@pytest.mark.parametrize("link", [
    "", "https://evil.example/ru/calculators/contribution/", "//evil.example/ru/calculators/contribution/",
    "/ru/guides/how-to-pay/", "/ru/calculators/", "/ru/calculators/qr.svg?link=/ru/calculators/deadline/",
    "/ru/admin/", "javascript:alert(1)", "ru/calculators/deadline/", "/\\evil.example/",
    "/ru/calculators/deadline/?q=\u4e2d", "/[::1", "/ru/regions/hubei/",
])
def test_anything_but_a_calculator_link_of_this_site_is_not_found(client, link):
    assert code(client, link).status_code == 404


def test_a_link_too_long_for_a_code_says_so(client):
    response = code(client, "/ru/calculators/contribution/?region=" + "x" * 2400)
    assert response.status_code == 400 and "QR" in response.content.decode()


def test_a_link_far_too_long_is_refused_before_it_is_read(client):
    assert code(client, "/ru/calculators/contribution/?region=" + "x" * 10000).status_code == 404


def test_repeated_or_odd_parameters_are_no_error(client):
    response = client.get("/ru/calculators/qr.svg?link=a&link=" + quote(ANSWER, safe=""))
    assert response.status_code in (200, 404)
    assert client.get("/ru/calculators/qr.svg").status_code == 404
    assert client.get("/ru/calculators/qr.svg?link=%ff%fe").status_code == 404
