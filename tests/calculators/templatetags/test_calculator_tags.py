"""The share block: a link with the calculator's own parameters only, and a QR code only where one fits."""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from calculators.templatetags.calculator_tags import qr_image

FORM = SimpleNamespace(fields={"region": None, "cost": None, "date": None})
TOO_LONG = "This link is too long for a QR code. Copy the link and send it instead."


def test_the_qr_code_of_a_link_is_an_image_url_that_carries_the_links_path_and_query():
    with translation.override("ru"):
        src = qr_image("https://example.org/ru/calculators/reimbursement/?region=beijing&cost=100")
    assert src == "/ru/calculators/qr.svg?link=%2Fru%2Fcalculators%2Freimbursement%2F%3Fregion%3Dbeijing%26cost%3D100"


def test_a_link_too_long_for_a_qr_code_gets_no_image_instead_of_an_error():
    assert qr_image("https://example.org/?region=" + "x" * 3000) == ""


def test_the_share_block_shows_the_code_as_a_lazy_image_with_its_size_and_a_text():
    with translation.override("ru"):
        html = render_to_string("calculators/_share.html", {
            "share_url": "https://example.org/ru/calculators/reimbursement/?region=beijing", "form": FORM})
        assert f'alt="{gettext("QR code of the link to this answer")}"' in html
    img = html.split("<img ")[1].split(">")[0]
    assert 'src="/ru/calculators/qr.svg?link=' in img
    assert 'loading="lazy"' in img and 'width="144"' in img and 'height="144"' in img
    assert "<svg" not in html


def test_the_share_block_says_why_a_long_link_has_no_qr_code():
    with translation.override("ru"):
        html = render_to_string("calculators/_share.html", {
            "share_url": "https://example.org/ru/calculators/reimbursement/?region=" + "x" * 3000, "form": FORM})
        assert gettext(TOO_LONG) in html
    assert "<img" not in html and 'class="qr"' not in html


@pytest.mark.django_db
def test_a_shared_answer_page_links_without_foreign_parameters(client):
    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)
    response = client.get("/ru/calculators/reimbursement/", {
        "region": "zhejiang-lishui", "visit": "inpatient", "level": "level3", "cost": "50000", "date": "2025-06-01",
        **{f"junk{i}": "y" * 100 for i in range(40)}})
    page = response.content.decode()
    assert response.status_code == 200
    assert "junk" not in page.split('id="share-link"')[1].split(">")[0]
    assert '<img class="qr-code" src="/ru/calculators/qr.svg?link=' in page
