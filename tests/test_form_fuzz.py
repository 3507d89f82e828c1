"""A form fuzz of every page form: NUL, oversize and unicode input never gives a 5xx.

Tenant B ("globex") is fully seeded (tests/isolation/seed.py) and every non-API page route of the
tenant URLconf is filled with B's real ids (tests/isolation/registry.py), as the isolation walk
does. Each page is fetched as B's tenant admin, instructor and learner, and anonymously; every
`<form method="post">` on it is parsed (stdlib html.parser) and submitted with one text-like
field at a time replaced by a hostile value:

- NUL: a string with NUL bytes (PostgreSQL refuses NUL in text);
- OVERSIZE: 100 KB of text (longer than any varchar column);
- UNICODE: emoji, right-to-left text, combining marks, astral-plane characters;

the other fields keep their rendered defaults and the CSRF token is carried. A form met on
several pages (the sign-out button) is fuzzed once. Every submission runs in a savepoint that
is rolled back, so each starts from the seeded state. The public host's forms (institution
sign-up, resending its verification link, console login) get the same treatment. Any 5xx (or
exception) fails the test.

The last test does the API's share: every JSON write of the API with one string field at a time
made 100 KB long must be a serializer's field error, never the generic DataError fallback.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings

from tests.isolation import bodies, registry
from tests.isolation.seed import seed_b

PASSWORD = "correct-horse-battery-staple"
PAYLOADS = {
    "nul": "before\x00after\x00",
    "oversize": "A" * 100_000,
    "unicode": "Zoë 🎓🧪 שלום עולם مرحبا e\u0301\u0302\u0303 \U0001d518\U0001d52b\U0001d526 \u202eevil\u202c \U0010fffd \ufeff",
}
TEXT_INPUTS = {"text", "email", "password", "search", "url", "tel", "hidden"}
FULL_PRODUCT_UP_TO = 12  # forms with more text fields get a rotation: each field once, each payload >= once
SKIP_FIELDS = {"csrfmiddlewaretoken"}


# --- parsing the forms of a page (stdlib only) ---

@dataclass
class Form:
    action: str
    enctype: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name, default value), in order
    text: list[str] = field(default_factory=list)  # names of the text-like fields
    _select: str | None = None
    _select_first: str | None = None
    _select_chosen: bool = False
    _textarea: str | None = None
    _textarea_value: str = ""

    def key(self, path: str) -> tuple:
        return (urlsplit(urljoin(path, self.action)).path, tuple(sorted({n for n, _ in self.fields} | set(self.text))))


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(action=a.get("action", ""), enctype=a.get("enctype", ""))
            return
        form = self._form
        if form is None or "name" not in a or "disabled" in a:
            if form is not None and tag == "option" and form._select is not None:
                self._option(a)
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind in ("submit", "button", "image", "reset", "file"):
                if kind == "submit" and name:
                    form.fields.append((name, a.get("value", "")))
            else:
                form.fields.append((name, a.get("value", "")))
                if kind in TEXT_INPUTS and name not in SKIP_FIELDS:
                    form.text.append(name)
        elif tag == "textarea":
            form._textarea, form._textarea_value = name, ""
        elif tag == "select":
            form._select, form._select_first, form._select_chosen = name, None, False
        elif tag == "button" and a.get("type", "submit") == "submit":
            form.fields.append((name, a.get("value", "")))
        elif tag == "option" and form._select is not None:
            self._option(a)

    def _option(self, a):
        form = self._form
        value = a.get("value", "")
        if form._select_first is None:
            form._select_first = value
        if "selected" in a and not form._select_chosen:
            form._select_chosen = True
            form.fields.append((form._select, value))

    def handle_data(self, data):
        if self._form is not None and self._form._textarea is not None:
            self._form._textarea_value += data

    def handle_endtag(self, tag):
        form = self._form
        if form is None:
            return
        if tag == "form":
            self.forms.append(form)
            self._form = None
        elif tag == "textarea" and form._textarea is not None:
            form.fields.append((form._textarea, form._textarea_value))
            form.text.append(form._textarea)
            form._textarea = None
        elif tag == "select" and form._select is not None:
            if not form._select_chosen and form._select_first is not None:
                form.fields.append((form._select, form._select_first))
            form._select = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def submissions(form: Form) -> list[tuple[str, str]]:
    """(field, payload kind) pairs: the full product for small forms, else a rotation in which
    every text field gets one payload and every payload class appears at least once."""
    names = list(dict.fromkeys(form.text))
    kinds = list(PAYLOADS)
    if not names:
        return []
    if len(names) <= FULL_PRODUCT_UP_TO:
        return [(n, k) for n in names for k in kinds]
    return [(names[i % len(names)], kinds[i % len(kinds)]) for i in range(max(len(names), len(kinds)))]


def body_for(form: Form, target: str, kind: str) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in form.fields:
        data.setdefault(name, []).append(PAYLOADS[kind] if name == target else value)
    return data


# --- the walk ---

class Tally:
    pages = 0
    forms = 0
    fields = 0
    submissions = 0
    started = 0.0
    lines: list[str] = []

    def pytest_terminal_summary(self, terminalreporter):
        for line in self.lines:
            terminalreporter.write_line(line)


TALLY = Tally()


@dataclass
class Actor:
    label: str
    host: str
    session: str = ""

    def __post_init__(self):
        self.client = Client(HTTP_HOST=self.host)

    def request(self, method: str, path: str, **kwargs):
        self.client.cookies.clear()
        if self.session:
            self.client.cookies["sessionid"] = self.session
        return getattr(self.client, method)(path, **kwargs)


def _rolled_back(fn):
    """Run `fn` in a savepoint that is always rolled back; its result, or the exception it raised."""
    try:
        with transaction.atomic():
            try:
                return fn()
            finally:
                transaction.set_rollback(True)
    except Exception as exc:  # noqa: BLE001 - a view's exception is a finding, reported with the path
        return exc
    finally:
        connection.set_schema_to_public()
        cache.clear()  # cached sessions, throttles and lockouts the request touched: the next one starts afresh


def _fuzz_pages(actors: list[Actor], pages: list[str]) -> list[str]:
    """GET every page as every actor, fuzz every distinct post form found; failures."""
    failures: list[str] = []
    seen: set[tuple] = set()
    per_kind = dict.fromkeys(PAYLOADS, 0)
    for path in pages:
        for actor in actors:
            page = _rolled_back(lambda: actor.request("get", path, follow=True))
            if isinstance(page, Exception):
                failures.append(f"GET {path} as {actor.label}: {type(page).__name__}: {page}")
                continue
            if page.status_code >= 500:
                failures.append(f"GET {path} as {actor.label}: {page.status_code}")
                continue
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                continue
            TALLY.pages += 1
            here = page.request["PATH_INFO"]
            for form in forms_of(page.content.decode()):
                key = form.key(here)
                if key in seen:
                    continue
                seen.add(key)
                TALLY.forms += 1
                TALLY.fields += len(set(form.text))
                target_path = urlsplit(urljoin(here, form.action)).path or here
                for name, kind in submissions(form):
                    data = body_for(form, name, kind)
                    response = _rolled_back(lambda: actor.request("post", target_path, data=data))
                    TALLY.submissions += 1
                    per_kind[kind] += 1
                    where = f"POST {target_path} (form on {here}) as {actor.label}, {name}={kind}"
                    if isinstance(response, Exception):
                        failures.append(f"{where}: {type(response).__name__}: {str(response)[:200]}")
                    elif response.status_code >= 500:
                        failures.append(f"{where}: {response.status_code}")
    assert all(per_kind.values()), per_kind
    return failures


@pytest.fixture(scope="module")
def world(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """B seeded once (committed) and removed again after this module, as in test_isolation."""
    from conftest import Site
    from tenants.models import Tenant

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("fuzz-media"))
    media.enable()
    if not request.config.pluginmanager.is_registered(TALLY):
        request.config.pluginmanager.register(TALLY)
    with django_db_blocker.unblock():
        site_b = Site(Tenant.objects.get(slug="globex"), f"globex.{settings.PLATFORM_DOMAIN}")
        b = seed_b(site_b, password=PASSWORD)
        connection.set_schema_to_public()
    yield {"b": b, "site_b": site_b}
    with django_db_blocker.unblock():
        b.remove()
        connection.set_schema_to_public()
    media.disable()


def _page_routes():
    out = []
    for route in registry.tenant_routes():
        if route.pattern.startswith("api/") or "GET" not in registry.allowed_methods(route):
            continue
        out.append(route)
    return out


def test_no_page_form_input_is_a_server_error(world, db):
    b, host = world["b"], world["site_b"].host
    started = time.monotonic()
    actors = [Actor(f"B {n}", host, session=b.people[n].session) for n in ("admin", "instructor", "learner")]
    actors.append(Actor("anonymous", host))
    pages = [path for route in _page_routes() for path in registry.paths(route, b.values)]
    failures = _fuzz_pages(actors, pages)
    TALLY.lines.append(
        f"form fuzz (tenant pages): {len(pages)} paths, {TALLY.pages} pages answered, {TALLY.forms} distinct forms, "
        f"{TALLY.fields} text fields, {TALLY.submissions} submissions in {time.monotonic() - started:.0f}s")
    assert TALLY.forms > 30 and TALLY.submissions > 100, (TALLY.forms, TALLY.submissions)
    assert not failures, "\n".join(failures)


def test_no_public_host_form_input_is_a_server_error(db):
    started = time.monotonic()
    before = (TALLY.forms, TALLY.submissions)
    failures = _fuzz_pages([Actor("anonymous", settings.PLATFORM_DOMAIN)], ["/", "/start/", "/start/resend/", "/console/login/"])
    forms, subs = TALLY.forms - before[0], TALLY.submissions - before[1]
    TALLY.lines.append(f"form fuzz (public host): {forms} forms, {subs} submissions in {time.monotonic() - started:.0f}s")
    assert forms >= 3, forms
    assert not failures, "\n".join(failures)


def test_the_parser_reads_defaults_and_text_fields():
    html = """<form method="post" action="/x/"><input type="hidden" name="csrfmiddlewaretoken" value="t">
    <input name="title" value="T"><textarea name="body">B &amp; C</textarea>
    <select name="role"><option value="a">A</option><option value="b" selected>B</option></select>
    <input type="checkbox" name="on" checked><input type="checkbox" name="off"><input type="file" name="f">
    <button type="submit" name="go" value="1">Go</button></form><form method="get"><input name="q"></form>"""
    (form,) = forms_of(html)
    assert dict(form.fields) == {"csrfmiddlewaretoken": "t", "title": "T", "body": "B & C", "role": "b", "on": "on",
                                 "go": "1"}
    assert form.text == ["title", "body"]
    assert submissions(form) == [(n, k) for n in ("title", "body") for k in PAYLOADS]


GENERIC_FALLBACK = "A value is too long or contains characters that cannot be stored."


def test_oversize_api_input_is_a_field_error_not_the_generic_fallback(world, db):
    """Every JSON write of the API (the isolation walk's owner-valid bodies, tests/isolation/bodies.py)
    with one string field at a time made 100 KB long, by B's admin, instructor and learner (JWT): a
    4xx from the serializer, never a 5xx nor the DataError fallback's generic message."""
    import json

    b, host = world["b"], world["site_b"].host
    started = time.monotonic()
    actors = []
    for n in ("admin", "instructor", "learner"):
        actor = Actor(f"B {n} (jwt)", host)
        actor.client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {b.people[n].jwt}"
        actors.append(actor)
    failures, sent, fields = [], 0, 0
    for route in registry.tenant_routes():
        if not route.pattern.startswith("api/"):
            continue
        path = registry.paths(route, b.values)[0]
        for method in [m for m in registry.allowed_methods(route) if m in ("POST", "PUT", "PATCH")]:
            kwargs = bodies.kwargs_for(b, route, method)
            if kwargs.get("content_type") != "application/json":
                continue
            body = json.loads(kwargs["data"])
            for key in [k for k, v in body.items() if isinstance(v, str)]:
                fields += 1
                data = json.dumps(body | {key: PAYLOADS["oversize"]})
                for actor in actors:
                    response = _rolled_back(lambda: actor.client.generic(method, path, data, content_type="application/json"))
                    sent += 1
                    where = f"{method} {path} as {actor.label}, {key}=oversize"
                    if isinstance(response, Exception):
                        failures.append(f"{where}: {type(response).__name__}: {str(response)[:200]}")
                    elif response.status_code >= 500 or GENERIC_FALLBACK.encode() in response.content:
                        failures.append(f"{where}: {response.status_code} {response.content[:200]!r}")
    TALLY.lines.append(f"oversize API fuzz: {fields} (route x method x string field), {sent} requests "
                       f"in {time.monotonic() - started:.0f}s")
    assert sent > 300, sent
    assert not failures, "\n".join(failures)
