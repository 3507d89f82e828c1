"""Announcements: audiences, channels by preference, scheduled publish once, expiry, read tracking,
the dashboard card, permissions, attachments."""
from __future__ import annotations

import json
from datetime import timedelta

from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lms.announcements import services, tasks
from lms.announcements.models import Announcement, AnnouncementAttachment, AnnouncementRead
from tenant_apps.notifications import services as notifications
from tenant_apps.notifications.models import Notification


def _announce(world, capture, **fields):
    fields.setdefault("title", "Exam moved")
    fields.setdefault("body", "The exam is on **Friday** <script>alert(1)</script>")
    with world.site, capture(execute=True):
        return services.announcement_create(author=fields.pop("author", world.instructor),
                                            course=fields.pop("course", world.course), **fields)


def _recipients(site, event="announcement") -> set[int]:
    with site:
        return set(Notification.objects.filter(event_key=event).values_list("user_id", flat=True))


def test_course_announcement_reaches_exactly_its_enrolled_learners(world, site_b, django_capture_on_commit_callbacks):
    b_learner = site_b.make_user("learner")
    mail.outbox.clear()
    announcement = _announce(world, django_capture_on_commit_callbacks)
    assert announcement.published_at is not None
    expected = {world.learner.pk, world.other.pk, world.completed.pk}
    assert _recipients(world.site) == expected  # not dropped, other course, outsider, author, TA
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (world.learner, world.other, world.completed))
    assert _recipients(site_b) == set() and b_learner.email not in {m.to[0] for m in mail.outbox}
    with world.site:
        announcement.refresh_from_db()
        assert announcement.notified == 3
        n = Notification.objects.get(user=world.learner)
        assert n.url == f"/announcements/{announcement.public_id}/" and "Engines: Exam moved" in n.body
    message = next(m for m in mail.outbox if m.to == [world.learner.email])
    html = message.alternatives[0][0]
    assert "<strong>Friday</strong>" in html and "<script>" not in html  # sanitised Markdown
    assert message.subject == "[Engines] Exam moved" and "List-Unsubscribe" in message.extra_headers


def test_tenant_wide_announcement_reaches_every_active_member(world, admin_a, site_b, django_capture_on_commit_callbacks):
    with world.site:
        User.objects.filter(pk=world.outsider.pk).update(is_active=False)
        active = set(User.objects.filter(is_active=True).exclude(pk=admin_a.pk).values_list("pk", flat=True))
    _announce(world, django_capture_on_commit_callbacks, author=admin_a, course=None, title="Campus closed")
    assert _recipients(world.site) == active and world.outsider.pk not in active
    assert world.instructor.pk in active and world.elsewhere.pk in active
    assert _recipients(site_b) == set()


def test_each_learner_gets_the_channels_they_chose(world, django_capture_on_commit_callbacks):
    with world.site:
        notifications.preference_set(user=world.learner, event_key="announcement", choice="in_app")
        notifications.preference_set(user=world.other, event_key="announcement", choice="email")
        notifications.preference_set(user=world.completed, event_key="announcement", choice="off")
    mail.outbox.clear()
    _announce(world, django_capture_on_commit_callbacks)
    assert _recipients(world.site) == {world.learner.pk}
    assert [m.to for m in mail.outbox] == [[world.other.email]]


def test_fan_out_is_chunked(world, django_capture_on_commit_callbacks, fanout_in_process, monkeypatch):
    monkeypatch.setattr(services, "FANOUT_CHUNK", 2)
    _announce(world, django_capture_on_commit_callbacks)
    assert fanout_in_process == [("fanout", fanout_in_process[0][1]), ("chunk", 2), ("chunk", 1)]
    assert len(_recipients(world.site)) == 3


def test_scheduled_announcement_is_published_once_by_the_beat_sweep(world, django_capture_on_commit_callbacks,
                                                                     fanout_in_process):
    later = timezone.now() + timedelta(hours=2)
    announcement = _announce(world, django_capture_on_commit_callbacks, publish_at=later)
    assert announcement.published_at is None and _recipients(world.site) == set() and fanout_in_process == []
    with world.site, django_capture_on_commit_callbacks(execute=True):
        assert tasks.announcements_publish_due_task.run() == {"published": 0, "expired": 0}  # not due yet
    with world.site:
        Announcement.objects.filter(pk=announcement.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
        with django_capture_on_commit_callbacks(execute=True):
            first = tasks.announcements_publish_due_task.run()
        with django_capture_on_commit_callbacks(execute=True):
            second = tasks.announcements_publish_due_task.run()
        # the claim itself refuses a second caller too
        assert services.announcement_publish_if_due(announcement_id=announcement.pk) is False
        counts = list(Notification.objects.filter(event_key="announcement").values_list("user_id", flat=True))
    assert first["published"] == 1 and second["published"] == 0
    assert sorted(counts) == sorted([world.learner.pk, world.other.pk, world.completed.pk])  # once each
    assert [k for k, _ in fanout_in_process].count("fanout") == 1


def test_learners_do_not_see_scheduled_or_expired_announcements(world, django_capture_on_commit_callbacks):
    scheduled = _announce(world, django_capture_on_commit_callbacks, title="Later", publish_at=timezone.now() + timedelta(days=1))
    soon = _announce(world, django_capture_on_commit_callbacks, title="Short-lived",
                     expires_at=timezone.now() + timedelta(hours=1))
    client = world.site.client(world.learner)
    assert client.get(f"/announcements/{scheduled.public_id}/").status_code == 404
    assert client.get(f"/announcements/{soon.public_id}/").status_code == 200
    with world.site:
        Announcement.objects.filter(pk=soon.pk).update(expires_at=timezone.now() - timedelta(seconds=1),
                                                       publish_at=timezone.now() - timedelta(hours=1))
        assert services.announcements_publish_due()["expired"] == 1
        assert Announcement.objects.get(pk=soon.pk).expired_at is not None
        assert services.announcements_publish_due()["expired"] == 0
    assert client.get(f"/announcements/{soon.public_id}/").status_code == 404
    page = client.get(f"/courses/{world.slug}/announcements/").content.decode()
    assert "Short-lived" not in page and "Later" not in page
    api = client.get("/api/v1/me/announcements").json()
    assert api == []
    # staff still see both on their page, with their state
    staff_page = world.site.client(world.instructor).get(f"/studio/courses/{world.slug}/announcements/").content.decode()
    assert "Short-lived" in staff_page and "Expired" in staff_page and "Scheduled" in staff_page


def test_only_enrolled_learners_and_staff_see_course_announcements(world, site_b, django_capture_on_commit_callbacks):
    announcement = _announce(world, django_capture_on_commit_callbacks)
    path = f"/announcements/{announcement.public_id}/"
    for person in (world.learner, world.completed, world.instructor, world.ta):
        assert world.site.client(person).get(path).status_code == 200, person
    for person in (world.dropped, world.elsewhere, world.outsider):
        client = world.site.client(person)
        assert client.get(path).status_code == 404
        assert client.get(f"/courses/{world.slug}/announcements/").status_code == 404
        assert client.get(f"/api/v1/me/announcements/{announcement.public_id}").status_code == 404
    b_admin = site_b.make_user("tenant_admin")
    assert site_b.client(b_admin).get(path).status_code == 404


def test_reads_are_tracked_and_shown_to_staff(world, django_capture_on_commit_callbacks):
    announcement = _announce(world, django_capture_on_commit_callbacks)
    client = world.site.client(world.learner)
    card = client.get("/announcements/unread/").content.decode()
    assert "Exam moved" in card
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(f"/announcements/{announcement.public_id}/").status_code == 200
        client.get(f"/announcements/{announcement.public_id}/")  # a second open keeps the first read
    with world.site:
        assert AnnouncementRead.objects.filter(announcement=announcement).count() == 1
    assert "Exam moved" not in client.get("/announcements/unread/").content.decode()
    # another learner dismisses it from the dashboard card (HTMX gets the card back)
    other = world.site.client(world.other)
    response = other.post(f"/announcements/{announcement.public_id}/read", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Nothing new" in response.content.decode()
    staff = world.site.client(world.instructor)
    page = staff.get(f"/studio/courses/{world.slug}/announcements/{announcement.public_id}/").content.decode()
    assert "Read by 2 of 3" in page and world.learner.email in page and world.other.email in page
    reads = staff.get(f"/api/v1/studio/courses/{world.slug}/announcements/{announcement.public_id}/reads").json()
    assert reads["count"] == 2 and reads["audience"] == 3
    assert {r["email"] for r in reads["reads"]} == {world.learner.email, world.other.email}
    mine = world.site.client(world.completed)
    assert mine.post(f"/api/v1/me/announcements/{announcement.public_id}/read").status_code == 204
    assert [a["read"] for a in mine.get("/api/v1/me/announcements").json()] == [True]


def test_dashboard_shows_the_card_until_read(world, django_capture_on_commit_callbacks):
    client = world.site.client(world.learner)
    dashboard = client.get("/dashboard/").content.decode()
    assert 'hx-get="/announcements/unread/"' in dashboard  # loaded by its own request: the dashboard's budget is unchanged
    assert "Nothing new" in client.get("/announcements/unread/").content.decode()
    announcement = _announce(world, django_capture_on_commit_callbacks, pinned=True)
    assert "Exam moved" in client.get("/announcements/unread/").content.decode()
    client.get(f"/announcements/{announcement.public_id}/")
    assert "Exam moved" not in client.get("/announcements/unread/").content.decode()
    course_page = client.get(f"/courses/{world.slug}/").content.decode()
    assert f'hx-get="/courses/{world.slug}/announcements/"' in course_page


def test_learner_cannot_create_or_change_announcements(world, django_capture_on_commit_callbacks):
    announcement = _announce(world, django_capture_on_commit_callbacks)
    learner = world.site.client(world.learner)
    assert learner.post(f"/studio/courses/{world.slug}/announcements/", {"title": "Mine"}).status_code == 403
    assert learner.post(f"/api/v1/studio/courses/{world.slug}/announcements", {"title": "Mine"},
                        content_type="application/json").status_code == 403
    assert learner.patch(f"/api/v1/studio/courses/{world.slug}/announcements/{announcement.public_id}", {"title": "x"},
                         content_type="application/json").status_code == 403
    assert world.site.client(world.outsider).post(f"/studio/courses/{world.slug}/announcements/",
                                                  {"title": "Mine"}).status_code == 404
    assert learner.post("/api/v1/manage/announcements", {"title": "All"}, content_type="application/json").status_code == 403
    assert world.site.client(world.instructor).get("/manage/announcements/").status_code == 403
    with world.site:
        assert Announcement.objects.count() == 1


def test_staff_create_edit_schedule_and_delete_through_the_api(world, admin_a, django_capture_on_commit_callbacks):
    ta = world.site.client(world.ta)  # teaching assistants are course staff too
    later = (timezone.now() + timedelta(days=2)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = ta.post(f"/api/v1/studio/courses/{world.slug}/announcements",
                           {"title": "Office hours", "body": "Room 4", "publish_at": later}, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "scheduled" and created["published_at"] is None
    bad = ta.patch(f"/api/v1/studio/courses/{world.slug}/announcements/{created['id']}",
                   {"expires_at": (timezone.now() + timedelta(days=1)).isoformat()}, content_type="application/json")
    assert bad.status_code == 400  # expires before it is published
    with django_capture_on_commit_callbacks(execute=True):
        now = ta.patch(f"/api/v1/studio/courses/{world.slug}/announcements/{created['id']}",
                       {"publish_at": None, "pinned": True}, content_type="application/json")
    assert now.status_code == 200 and now.json()["status"] == "published" and now.json()["pinned"] is True
    assert _recipients(world.site) == {world.learner.pk, world.other.pk, world.completed.pk}
    assert ta.delete(f"/api/v1/studio/courses/{world.slug}/announcements/{created['id']}").status_code == 204
    admin = world.site.client(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        tenant = admin.post("/api/v1/manage/announcements", {"title": "Holiday"}, content_type="application/json")
    assert tenant.status_code == 201 and tenant.json()["course"] is None
    assert [a["title"] for a in admin.get("/api/v1/manage/announcements").json()] == ["Holiday"]
    assert world.site.client(world.learner).get("/api/v1/manage/announcements").status_code == 403


def test_staff_pages_create_with_an_attachment_and_the_audience_downloads_it(world, django_capture_on_commit_callbacks):
    staff = world.site.client(world.instructor)
    assert f'/studio/courses/{world.slug}/announcements/' in staff.get(f"/studio/courses/{world.slug}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/studio/courses/{world.slug}/announcements/", {
            "title": "Reading list", "body": "See the *file*.",
            "file": SimpleUploadedFile("list.pdf", b"%PDF-1.4 tiny", content_type="application/pdf")})
    assert response.status_code == 302, response.content.decode()[:2000]
    with world.site:
        attachment = AnnouncementAttachment.objects.get()
        public_id = attachment.announcement.public_id
    url = f"/announcements/{public_id}/attachments/{attachment.public_id}"
    download = world.site.client(world.learner).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 tiny"
    assert world.site.client(world.outsider).get(url).status_code == 404
    assert _recipients(world.site) == {world.learner.pk, world.other.pk, world.completed.pk}


def test_an_attachment_over_the_limit_is_refused_with_413(world, settings):
    settings.ANNOUNCEMENT_ATTACHMENT_MAX_MB = 1
    staff = world.site.client(world.instructor)
    big = SimpleUploadedFile("big.pdf", b"x" * (1024 * 1024 + 1), content_type="application/pdf")
    response = staff.post(f"/studio/courses/{world.slug}/announcements/", {"title": "Big", "file": big})
    assert response.status_code == 413 and "too large: the limit is 1 MB" in response.content.decode()
    with world.site:
        assert not Announcement.objects.exists()


def test_manage_page_lists_and_edits_tenant_wide_announcements(world, admin_a, django_capture_on_commit_callbacks):
    admin = world.site.client(admin_a)
    assert "/manage/announcements/" in admin.get("/manage/users/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/manage/announcements/", {"title": "Welcome week", "body": "Hi"})
    assert response.status_code == 302
    with world.site:
        announcement = Announcement.objects.get()
    edit = f"/manage/announcements/{announcement.public_id}/"
    assert "Read by 0 of" in admin.get(edit).content.decode()
    assert admin.post(edit, {"title": "Welcome week!", "body": "Hello"}).status_code == 302
    with world.site:
        assert Announcement.objects.get().title == "Welcome week!"
    listing = world.site.client(world.outsider).get("/announcements/").content.decode()
    assert "Welcome week!" in listing
    assert admin.post(f"/manage/announcements/{announcement.public_id}/delete").status_code == 302
    with world.site:
        assert not Announcement.objects.exists()
    assert json.loads(world.site.client(world.learner).get("/api/v1/me/announcements").content) == []


def test_api_attachments_are_stored_and_refused_over_the_limit(world, settings, django_capture_on_commit_callbacks):
    settings.ANNOUNCEMENT_ATTACHMENT_MAX_MB = 1
    announcement = _announce(world, django_capture_on_commit_callbacks)
    staff = world.site.client(world.instructor)
    url = f"/api/v1/studio/courses/{world.slug}/announcements/{announcement.public_id}/attachments"
    ok = staff.post(url, {"file": SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")})
    assert ok.status_code == 201 and ok.json()["file_name"] == "notes.txt"
    big = staff.post(url, {"file": SimpleUploadedFile("big.bin", b"x" * (1024 * 1024 + 1))})
    assert big.status_code == 413 and big.json()["code"] == "too_large" and "1 MB" in big.json()["message"]
    assert world.site.client(world.learner).post(url, {"file": SimpleUploadedFile("a.txt", b"a")}).status_code == 403
    detail = world.site.client(world.learner).get(f"/api/v1/me/announcements/{announcement.public_id}").json()
    assert [a["file_name"] for a in detail["attachments"]] == ["notes.txt"]


def test_privacy_export_and_erasure_of_authors_and_readers(world, django_capture_on_commit_callbacks):
    from lms.announcements import privacy

    announcement = _announce(world, django_capture_on_commit_callbacks)
    with world.site:
        services.announcement_mark_read(announcement=announcement, user=world.learner)
        kinds = [r["kind"] for r in privacy.announcements_export(world.learner).records]
        assert kinds == ["announcement_read"]
        written = privacy.announcements_export(world.instructor).records
        assert [r["kind"] for r in written] == ["announcement_written"] and written[0]["title"] == "Exam moved"
        assert privacy.announcements_erase(world.learner, pseudonym="x", files=[], holds=[])["announcement_reads_deleted"] == 1
        assert privacy.announcements_erase(world.instructor, pseudonym="x", files=[], holds=[])["announcements_anonymised"] == 1
        announcement.refresh_from_db()
        assert announcement.author_id is None and not AnnouncementRead.objects.exists()
