"""The share block: a link with the calculator's own parameters only, and a QR code only where one fits."""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from calculators.templatetags.calculator_tags import qr_svg

FORM = SimpleNamespace(fields={"region": None, "cost": None, "date": None})
TOO_LONG = "This link is too long for a QR code. Copy the link and send it instead."


def test_qr_code_of_an_ordinary_link_is_an_inline_svg():
    assert qr_svg("https://example.org/ru/calculators/reimbursement/?region=beijing", "QR").startswith("<svg")


def test_a_link_too_long_for_a_qr_code_gets_none_instead_of_an_error():
    assert qr_svg("https://example.org/?region=" + "x" * 3000, "QR") == ""


def test_the_share_block_says_why_a_long_link_has_no_qr_code():
    with translation.override("ru"):
        html = render_to_string("calculators/_share.html", {
            "share_url": "https://example.org/ru/calculators/reimbursement/?region=" + "x" * 3000, "form": FORM})
        assert gettext(TOO_LONG) in html
    assert "<svg" not in html and 'class="qr"' not in html


@pytest.mark.django_db
def test_a_shared_answer_page_links_without_foreign_parameters(client):
    call_command("loaddata", "fixtures/rules.yaml", verbosity=0)
    response = client.get("/ru/calculators/reimbursement/", {
        "region": "zhejiang-lishui", "visit": "inpatient", "level": "level3", "cost": "50000", "date": "2025-06-01",
        **{f"junk{i}": "y" * 100 for i in range(40)}})
    page = response.content.decode()
    assert response.status_code == 200
    assert "junk" not in page.split('id="share-link"')[1].split(">")[0]
    assert '<svg width=' in page or 'class="qr-code"' in page
