"""Logging in to the admin in a real browser, waiting until the login has really happened."""

from urllib.parse import urlsplit


def log_in(page, base_url, username, password):
    """Submits the admin login form and waits for the admin index.

    Waiting for a URL that merely ends in ``/ru/admin/`` is not enough: the login page itself
    (``/ru/admin/login/?next=/ru/admin/``) matches it, so a slow server let the next navigation cancel
    the login and every later page was the login form.
    """
    page.goto(f"{base_url}/ru/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/ru/admin/")
    return page
