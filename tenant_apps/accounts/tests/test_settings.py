"""Site settings page: name, logo (checked by content), colour, self-registration; isolation."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenant_apps.accounts.models import SiteSettings
from tenant_apps.accounts.uploads import image_kind

from .manage_helpers import api_client, client_as, jwt_for, media_in_tmp, png_bytes, text  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

FORM = {"display_name": "Acme Academy", "primary_color": "#2563eb"}


def _save(client, site, capture, **fields):
    data = {**FORM, **fields}
    with site, capture(execute=True):  # clears the cached settings on commit
        return client.post("/manage/settings/", data)


def _image(data: bytes, name: str, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _row(site) -> SiteSettings:
    with site:
        return SiteSettings.objects.get(pk=1)


def test_settings_page_shows_the_current_values(site_a, admin_a):
    page = text(client_as(site_a, admin_a).get("/manage/settings/"))
    assert 'value="Acme Academy"' in page
    assert 'type="color"' in page and 'value="#2563eb"' in page
    assert 'enctype="multipart/form-data"' in page and "No logo yet" in page


def test_name_colour_and_self_registration_are_saved_and_applied(site_a, site_b, admin_a, django_capture_on_commit_callbacks):
    client = client_as(site_a, admin_a)
    assert site_a.client().get("/accounts/signup/").status_code == 403
    response = _save(client, site_a, django_capture_on_commit_callbacks,
                     display_name="Acme Academy of Arts", primary_color="#AA3300", allow_self_registration="on")
    assert response.status_code == 302 and response["Location"] == "/manage/settings/"
    row = _row(site_a)
    assert (row.display_name, row.primary_color, row.allow_self_registration) == ("Acme Academy of Arts", "#aa3300", True)
    home = text(site_a.client().get("/"))
    assert "--brand: #aa3300" in home and "Acme Academy of Arts" in home
    assert site_a.client().get("/accounts/signup/").status_code == 200
    assert "Settings saved." in text(client.get("/manage/settings/"))
    # Another institution keeps its own look.
    assert "--brand: #aa3300" not in text(site_b.client().get("/"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("primary_color", "blue", "Use a hex colour such as #2563eb."),
        ("primary_color", "#12345", "Use a hex colour such as #2563eb."),
        ("display_name", "", "This field is required."),
    ],
)
def test_invalid_values_are_a_400(site_a, admin_a, field, value, message, django_capture_on_commit_callbacks):
    response = _save(client_as(site_a, admin_a), site_a, django_capture_on_commit_callbacks, **{field: value})
    assert response.status_code == 400 and message in text(response)
    assert _row(site_a).primary_color == "#2563eb" and _row(site_a).display_name == "Acme Academy"


def test_png_logo_is_accepted_served_and_shown(site_a, site_b, admin_a, django_capture_on_commit_callbacks):
    client = client_as(site_a, admin_a)
    assert site_a.client().get("/site/logo").status_code == 404
    data = png_bytes(4, 3)
    response = _save(client, site_a, django_capture_on_commit_callbacks, logo=_image(data, "crest.png"))
    assert response.status_code == 302
    served = site_a.client().get("/site/logo")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == data
    assert '<img src="/site/logo"' in text(site_a.client().get("/"))  # in the header
    assert _row(site_a).logo.name.startswith("branding/logo-") and _row(site_a).logo.name.endswith(".png")
    # Another institution has no logo.
    assert site_b.client().get("/site/logo").status_code == 404


def test_logo_type_comes_from_the_bytes_not_the_name(site_a, admin_a, django_capture_on_commit_callbacks):
    """A PNG named .jpg is stored (and served) as PNG."""
    _save(client_as(site_a, admin_a), site_a, django_capture_on_commit_callbacks, logo=_image(png_bytes(), "photo.jpg", "image/jpeg"))
    assert _row(site_a).logo.name.endswith(".png")
    assert site_a.client().get("/site/logo")["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"just some text, honestly\n", "logo.png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg"),
        (b"GIF89a\x01\x00\x01\x00", "logo.gif"),
    ],
)
def test_files_that_are_not_png_jpeg_or_webp_are_refused(site_a, admin_a, data, name, django_capture_on_commit_callbacks):
    response = _save(client_as(site_a, admin_a), site_a, django_capture_on_commit_callbacks, logo=_image(data, name))
    assert response.status_code == 400
    assert "Upload a PNG, JPEG, WebP image" in text(response)
    assert not _row(site_a).logo


def test_oversized_logo_is_refused(site_a, admin_a, settings, django_capture_on_commit_callbacks):
    settings.LOGO_MAX_BYTES = 1024
    big = png_bytes() + b"\x00" * 1025  # a PNG signature, over the limit
    response = _save(client_as(site_a, admin_a), site_a, django_capture_on_commit_callbacks, logo=_image(big, "big.png"))
    assert response.status_code == 400 and "too large" in text(response)
    assert not _row(site_a).logo


def test_replacing_and_removing_the_logo_deletes_the_old_file(site_a, admin_a, django_capture_on_commit_callbacks):
    client = client_as(site_a, admin_a)
    _save(client, site_a, django_capture_on_commit_callbacks, logo=_image(png_bytes(), "one.png"))
    first = _row(site_a).logo
    with site_a:
        assert first.storage.exists(first.name)
    _save(client, site_a, django_capture_on_commit_callbacks, logo=_image(b"\xff\xd8\xff\xe0" + b"\x00" * 20, "two.jpg"))
    second = _row(site_a).logo
    assert second.name.endswith(".jpg")
    with site_a:
        assert not first.storage.exists(first.name) and second.storage.exists(second.name)
    assert site_a.client().get("/site/logo")["Content-Type"] == "image/jpeg"
    response = _save(client, site_a, django_capture_on_commit_callbacks, remove_logo="on")
    assert response.status_code == 302 and not _row(site_a).logo
    with site_a:
        assert not second.storage.exists(second.name)
    assert site_a.client().get("/site/logo").status_code == 404


def test_uploading_and_removing_at_once_is_a_400(site_a, admin_a, django_capture_on_commit_callbacks):
    response = _save(client_as(site_a, admin_a), site_a, django_capture_on_commit_callbacks,
                     logo=_image(png_bytes(), "x.png"), remove_logo="on")
    assert response.status_code == 400 and not _row(site_a).logo


def test_image_kinds_from_magic_bytes():
    assert image_kind(png_bytes()) == "png"
    assert image_kind(b"\xff\xd8\xff\xdb" + b"\x00" * 8) == "jpg"
    assert image_kind(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == "webp"
    assert image_kind(b"RIFF\x10\x00\x00\x00WAVEfmt ") is None
    assert image_kind(b"\x89PNG") is None  # truncated signature


def test_settings_isolation(site_a, site_b, admin_a, admin_b, django_capture_on_commit_callbacks):
    """Globex's admin session or token cannot change Acme's settings; Acme's pages are untouched."""
    before = _row(site_a)
    client_b = client_as(site_b, admin_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_b.post("/manage/settings/", {**FORM, "display_name": "Taken over", "primary_color": "#000000",
                                                        "logo": _image(png_bytes(), "x.png")}, HTTP_HOST=site_a.host)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    token_b = jwt_for(site_b, "admin@globex.test")
    response = api_client(site_a, token_b).patch("/api/v1/settings", {"display_name": "Taken over"}, content_type="application/json")
    assert response.status_code == 401
    after = _row(site_a)
    assert (after.display_name, after.primary_color, bool(after.logo)) == (before.display_name, before.primary_color, False)
    assert _row(site_b).display_name == "Globex Institute"
