"""HTTP clients for the cluster scenarios: a visitor through nginx, or a visitor straight to one app server.

Straight to an app server the client plays nginx's part: it says the request came over HTTPS
(X-Forwarded-Proto), and sends back the Secure cookies over that plain hop, as nginx does. A client
can send from any address of the loopback range (127.0.0.2, 127.0.0.3, ...), so that nginx and the
app servers see different visitors.

Like a browser, a visitor sends an idempotent request (GET, HEAD) once more when a kept-alive connection
is closed before any answer comes: nginx closes idle keep-alive connections when it reloads (the rolling
restart reloads it to take each app server out of rotation), and a request sent at that instant meets
a closed socket. Nothing else is retried: a refused connection, a timeout or an error status fails.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

CLOSED_BEFORE_ANSWER = Retry(total=1, connect=0, read=1, status=0, other=0, redirect=0,
                             allowed_methods=frozenset({"GET", "HEAD"}), raise_on_status=False)


class FromAddress(HTTPAdapter):
    def __init__(self, address, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Visitor(requests.Session):
    def __init__(self, base_url, certificate=None, source="127.0.0.1", behind_proxy=False):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.verify = str(certificate) if certificate else True
        adapter = FromAddress(source, max_retries=CLOSED_BEFORE_ANSWER)
        self.mount("http://", adapter)
        self.mount("https://", adapter)
        if behind_proxy:
            self.headers["X-Forwarded-Proto"] = "https"
        self.behind_proxy = behind_proxy
        self.origin = "https://" + urlsplit(self.base_url).netloc

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 15)
        kwargs.setdefault("verify", self.verify)  # else REQUESTS_CA_BUNDLE in the environment would win
        kwargs.setdefault("allow_redirects", False)  # (get() passes allow_redirects=True itself)
        response = super().request(method, urljoin(self.base_url + "/", url.lstrip("/")), *args, **kwargs)
        if self.behind_proxy:
            for item in self.cookies:  # nginx's hop is plain HTTP: Secure cookies travel on it too
                item.secure = False
        return response

    def post_form(self, page_path, form_selector, values=None):
        """GET ``page_path``, fill the form whose class or id is ``form_selector`` and post it as a browser on
        that page would: every field the page gave it (tokens included), changed by ``values``."""
        page = self.get(page_path)
        page.raise_for_status()
        form = find_form(page.text, form_selector)
        fields = {**form.fields, **(values or {})}
        return self.post(urljoin(page_path, form.action or page_path), data=fields,
                         headers={"Origin": self.origin, "Referer": self.origin + page_path})

    def log_in(self, username, password, language="ru"):
        """Log in to the admin; the response of the login POST."""
        return self.post_form(f"/{language}/admin/login/?next=/{language}/admin/", "login-form",
                              {"username": username, "password": password})


class Form:
    def __init__(self, action, attributes):
        self.action, self.attributes, self.fields = action, attributes, {}


class FormFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.current, self.textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.current = Form(attrs.get("action", ""), attrs)
            self.forms.append(self.current)
        elif self.current is not None and tag == "input" and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            if attrs.get("type") not in ("submit", "button", "image"):
                self.current.fields[attrs["name"]] = attrs.get("value", "")
        elif self.current is not None and tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.current.fields[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea:
            self.current.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None


def find_form(html, selector):
    finder = FormFinder()
    finder.feed(html)
    for form in finder.forms:
        if selector == form.attributes.get("id") or selector in form.attributes.get("class", "").split():
            return form
    raise AssertionError(f"no form {selector!r} on the page; forms: {[f.attributes for f in finder.forms]}")
