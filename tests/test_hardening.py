"""Hostile input answers 4xx with the API's error shape, never 500; error pages keep secrets;
every response carries the security headers; production settings pass `check --deploy`."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory, override_settings

from lms.quizzes.tests.factories import make_world

ROOT = Path(__file__).resolve().parent.parent
DEEP = "[" * 1000 + "]" * 1000  # 2 KB, 1,000 levels


def _bearer(site, user):
    client = site.client(user)
    return client


def test_deeply_nested_json_is_a_400_on_the_anonymous_token_endpoint(site_a):
    response = site_a.client().post("/api/v1/auth/token", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "nested deeper" in response.json()["message"]


def test_deeply_nested_json_is_a_400_on_an_authenticated_endpoint(site_a, admin_a):
    response = site_a.client(admin_a).post("/api/v1/studio/courses", DEEP, content_type="application/json")
    assert response.status_code == 400, response.content


def test_nul_characters_in_json_are_refused_before_any_view(site_a):
    world = make_world(site_a)
    client = site_a.client(world.learner)
    start = client.post(f"/api/v1/me/quizzes/{world.quiz.uuid}/attempts", {}, content_type="application/json")
    assert start.status_code == 201, start.content
    attempt = start.json()["uuid"]
    body = '{"answers": {"x\\u0000": "a\\u0000b"}}'
    response = client.patch(f"/api/v1/me/quiz-attempts/{attempt}", body, content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in response.json()["message"]


def test_nul_in_a_query_parameter_is_a_400_on_pages_and_api(site_a):
    world = make_world(site_a)
    client = site_a.client(world.instructor)
    api = client.get(f"/api/v1/studio/courses/{world.course.slug}/quizzes/{world.quiz.uuid}/attempts?learner=a%00b")
    assert api.status_code == 400 and api.json()["code"] == "invalid"
    page = client.get(f"/studio/courses/{world.course.slug}/quizzes/{world.quiz.uuid}/attempts/?learner=a%00b")
    assert page.status_code == 400


@pytest.mark.parametrize("suffix", ["questions", "questions/order"])
def test_options_and_browsable_api_on_views_without_serializer_class(site_a, suffix):
    world = make_world(site_a)
    client = site_a.client(world.instructor)
    path = f"/api/v1/studio/courses/{world.course.slug}/quizzes/{world.quiz.uuid}/{suffix}"
    assert client.options(path).status_code == 200
    assert client.get(path + "?format=api").status_code in (200, 405)


def test_options_on_api_docs_is_refused_not_a_500(site_a):
    assert site_a.client().options("/api/v1/docs/").status_code == 405
    assert site_a.client().get("/api/v1/docs/").status_code == 200


def test_every_response_carries_csp_and_permissions_policy(site_a, admin_a):
    for response in (site_a.client().get("/accounts/login/"), site_a.client(admin_a).get("/api/v1/me")):
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-src https://www.youtube-nocookie.com https://player.vimeo.com" in csp
        assert "camera=()" in response["Permissions-Policy"]


def test_no_template_has_inline_script():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for marker in ("<script>", " onclick=", " onsubmit=", " onchange=", "hx-on"):
            if marker in text:
                offenders.append(f"{path.relative_to(ROOT)}: {marker.strip()}")
    assert offenders == []


@override_settings(DEBUG=True)
def test_debug_error_page_hides_connection_urls(settings):
    from django.views.debug import technical_500_response

    request = RequestFactory().get("/boom", HTTP_HOST="acme.localhost")
    request.META["DATABASE_URL"] = settings.DATABASE_URL  # runserver copies the environment into META
    request.META["REDIS_URL"] = settings.REDIS_URL

    def fail():  # a frame whose locals hold no secret of the test's own
        raise RuntimeError("boom")

    try:
        fail()
    except RuntimeError:
        response = technical_500_response(request, *sys.exc_info())
    body = response.content.decode()
    assert "boom" in body and "DATABASE_URL" in body
    for secret in (settings.DATABASE_URL, settings.REDIS_URL, settings.CACHE_URL):
        assert secret not in body


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "EDUCROWD_TESTING"}}
    env.update(DEBUG="0", SECRET_KEY="x" * 30 + "-production-grade-secret-key-0123456789-abcdefghij",
               DJANGO_SETTINGS_MODULE="config.settings", EDUCROWD_DATA_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
