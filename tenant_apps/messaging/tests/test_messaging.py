"""Messages: who may message whom, unread counts, blocks, reports, attachments, notifications and mute,
a stranger's 404, and attempts across institutions (nothing written on either side)."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from lms.courses import permissions as course_permissions
from lms.courses import services as course_services
from tenant_apps.accounts.services import site_settings_update
from tenant_apps.accounts.selectors import site_settings_cache_clear, site_settings_get
from tenant_apps.messaging import selectors
from tenant_apps.messaging.models import Attachment, Block, Conversation, Message, Participant, Report
from tenant_apps.notifications.models import Notification

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _learners_may_talk(on: bool) -> None:
    site_settings_update(site=site_settings_get(), messaging_learner_to_learner=on)
    site_settings_cache_clear()  # the service clears it on commit; tests never commit


def pid(user):
    return str(user.profile.public_id)


def _world(site):
    """Two courses with their own instructor; a learner enrolled in the first; a TA in the first."""
    w = {n: site.make_user(role=r) for n, r in (
        ("inst", "instructor"), ("other_inst", "instructor"), ("ta", "teaching_assistant"),
        ("learner", "learner"), ("learner2", "learner"), ("outsider", "learner"))}
    with site:
        mine = course_services.course_create(author=w["inst"], title="Mine", slug=f"mine-{w['inst'].pk}")
        other = course_services.course_create(author=w["other_inst"], title="Other", slug=f"other-{w['inst'].pk}")
        for c in (mine, other):
            lesson = course_services.lesson_create(module=course_services.module_create(course=c, title="M"), title="L")
            course_services.item_create(lesson=lesson, kind="text", title="T", body="B")
            course_services.course_publish(course=c, author=c.created_by)
        course_permissions.course_role_assign(course=mine, user=w["ta"], course_role="teaching_assistant")
        course_services.enrollment_create(course=mine, learner=w["learner"])
        course_services.enrollment_create(course=mine, learner=w["learner2"])
        course_services.enrollment_create(course=other, learner=w["outsider"])
    return w


def _start(client, to, body="Hello", **extra):
    return client.post("/api/v1/me/conversations", {"recipients": [pid(u) for u in to], "body": body, **extra},
                       content_type="application/json")


def test_permission_matrix(site_a):
    w = _world(site_a)
    with site_a:
        can = lambda a, b: selectors.can_message(sender=w[a], recipient=w[b])  # noqa: E731
        assert can("learner", "inst") and can("inst", "learner") and can("learner", "ta") and can("ta", "learner")
        assert not can("learner", "other_inst") and not can("other_inst", "learner")
        assert can("inst", "other_inst") and can("ta", "other_inst")
        assert not can("learner", "learner2")
        _learners_may_talk(True)
        assert can("learner", "learner2") and can("learner2", "outsider")
        _learners_may_talk(False)
        contacts = set(selectors.contacts_for(user=w["learner"]).values_list("pk", flat=True))
        assert contacts == {w["inst"].pk, w["ta"].pk}
        assert w["learner"].pk in set(selectors.contacts_for(user=w["inst"]).values_list("pk", flat=True))
        assert w["outsider"].pk not in set(selectors.contacts_for(user=w["inst"]).values_list("pk", flat=True))

    learner = site_a.client(w["learner"])
    assert _start(learner, [w["inst"]]).status_code == 201
    refused = _start(learner, [w["other_inst"]])
    assert refused.status_code == 403 and "cannot send messages" in refused.json()["message"]
    assert _start(learner, [w["learner2"]]).status_code == 403
    assert _start(site_a.client(w["inst"]), [w["other_inst"]]).status_code == 201
    with site_a:
        _learners_may_talk(True)
    assert _start(learner, [w["learner2"]]).status_code == 201
    # the page's form offers only allowed contacts, and refuses the others
    page = site_a.client(w["learner"]).get("/messages/new/").content.decode()
    assert pid(w["inst"]) in page and pid(w["other_inst"]) not in page
    r = site_a.client(w["learner"]).post("/messages/new/", {"recipients": [pid(w["other_inst"])], "body": "x"})
    assert r.status_code == 400


def test_group_needs_title_and_every_member_allowed(site_a):
    w = _world(site_a)
    inst = site_a.client(w["inst"])
    assert _start(inst, [w["learner"], w["ta"]]).status_code == 400  # no title
    assert _start(inst, [w["learner"], w["outsider"]], title="G").status_code == 403
    r = _start(inst, [w["learner"], w["ta"]], title="Study group")
    assert r.status_code == 201 and r.json()["kind"] == "group" and len(r.json()["others"]) == 2
    # a second direct start with the same person reuses the conversation
    a, b = _start(inst, [w["learner"]]).json()["id"], _start(inst, [w["learner"]], body="again").json()["id"]
    assert a == b


def test_unread_counts_and_mark_read(site_a):
    w = _world(site_a)
    inst, learner = site_a.client(w["inst"]), site_a.client(w["learner"])
    cid = _start(inst, [w["learner"]], body="one").json()["id"]
    for text in ("two", "three"):
        assert inst.post(f"/api/v1/me/conversations/{cid}/messages", {"body": text},
                         content_type="application/json").status_code == 201
    assert learner.get("/api/v1/me/conversations/unread-count").json() == {"unread": 3}
    listing = learner.get("/api/v1/me/conversations").json()
    assert listing["unread_total"] == 3 and listing["results"][0]["unread"] == 3
    assert inst.get("/api/v1/me/conversations/unread-count").json() == {"unread": 0}  # own messages
    assert 'data-unread="3"' in learner.get("/messages/").content.decode()
    assert learner.post(f"/api/v1/me/conversations/{cid}/read").status_code == 204
    assert learner.get("/api/v1/me/conversations/unread-count").json() == {"unread": 0}
    inst.post(f"/api/v1/me/conversations/{cid}/messages", {"body": "four"}, content_type="application/json")
    assert learner.get("/messages/badge").content.decode().count("1<span") == 1
    learner.get(f"/messages/{cid}/")  # opening the page reads it
    assert learner.get("/api/v1/me/conversations/unread-count").json() == {"unread": 0}
    # the inbox is sorted by the last message
    cid2 = _start(site_a.client(w["ta"]), [w["learner"]], body="newer").json()["id"]
    assert [c["id"] for c in learner.get("/api/v1/me/conversations").json()["results"]] == [cid2, cid]


def test_notification_reaches_recipients_not_sender_and_mute_silences(site_a):
    w = _world(site_a)
    inst, learner = site_a.client(w["inst"]), site_a.client(w["learner"])
    cid = _start(inst, [w["learner"], w["ta"]], title="Group", body="Hi all").json()["id"]
    with site_a:
        got = set(Notification.objects.filter(event_key="message_received").values_list("user_id", flat=True))
        assert got == {w["learner"].pk, w["ta"].pk}
        assert "Hi all" in Notification.objects.get(user=w["learner"], event_key="message_received").body
    assert learner.post(f"/api/v1/me/conversations/{cid}/mute", {"muted": True},
                        content_type="application/json").status_code == 200
    inst.post(f"/api/v1/me/conversations/{cid}/messages", {"body": "second"}, content_type="application/json")
    with site_a:
        assert Notification.objects.filter(user=w["learner"], event_key="message_received").count() == 1
        assert Notification.objects.filter(user=w["ta"], event_key="message_received").count() == 2
        assert not Notification.objects.filter(user=w["inst"], event_key="message_received").exists()


def test_block_direct_both_ways_and_hides_group_messages(site_a):
    w = _world(site_a)
    inst, learner = site_a.client(w["inst"]), site_a.client(w["learner"])
    cid = _start(inst, [w["learner"]]).json()["id"]
    gid = _start(inst, [w["learner"], w["ta"]], title="G", body="from inst").json()["id"]
    assert learner.post("/api/v1/me/message-blocks", {"user": pid(w["inst"])},
                        content_type="application/json").status_code == 201
    for client, to in ((inst, w["learner"]), (learner, w["inst"])):
        r = client.post(f"/api/v1/me/conversations/{cid}/messages", {"body": "x"}, content_type="application/json")
        assert r.status_code == 403 and "blocked" in r.json()["message"]
        assert _start(client, [to]).status_code == 403
    page = learner.post(f"/messages/{cid}/send", {"body": "page send"})
    assert page.status_code == 403 and b"blocked" in page.content
    # group: the blocker does not see the blocked person's messages, and is not notified of new ones
    inst.post(f"/api/v1/me/conversations/{gid}/messages", {"body": "hidden one"}, content_type="application/json")
    bodies = [m["body"] for m in learner.get(f"/api/v1/me/conversations/{gid}/messages").json()["results"]]
    assert "hidden one" not in bodies and "from inst" not in bodies
    assert "hidden one" in [m["body"] for m in site_a.client(w["ta"]).get(
        f"/api/v1/me/conversations/{gid}/messages").json()["results"]]
    assert learner.get("/api/v1/me/conversations/unread-count").json() == {"unread": 0}
    with site_a:
        assert not Notification.objects.filter(user=w["learner"], body__contains="hidden one").exists()
    assert learner.delete(f"/api/v1/me/message-blocks/{pid(w['inst'])}").status_code == 204
    assert learner.delete(f"/api/v1/me/message-blocks/{pid(w['inst'])}").status_code == 404
    assert inst.post(f"/api/v1/me/conversations/{cid}/messages", {"body": "ok"},
                     content_type="application/json").status_code == 201


def test_report_reaches_the_moderation_page(site_a, admin_a):
    w = _world(site_a)
    cid = _start(site_a.client(w["inst"]), [w["learner"]], body="rude words").json()["id"]
    learner = site_a.client(w["learner"])
    mid = learner.get(f"/api/v1/me/conversations/{cid}/messages").json()["results"][0]["id"]
    assert learner.post(f"/api/v1/me/messages/{mid}/report", {"reason": "Insulting"},
                        content_type="application/json").status_code == 201
    # a stranger cannot report (or see) it
    assert site_a.client(w["outsider"]).post(f"/api/v1/me/messages/{mid}/report", {"reason": "x"},
                                             content_type="application/json").status_code == 404
    assert site_a.client(w["learner"]).get("/manage/messages/reports/").status_code in (403, 404)
    admin = site_a.client(admin_a)
    page = admin.get("/manage/messages/reports/").content.decode()
    assert "rude words" in page and "Insulting" in page
    with site_a:
        report = Report.objects.get()
    assert admin.post(f"/manage/messages/reports/{report.public_id}/resolve", {"note": "Talked"}).status_code == 302
    with site_a:
        report.refresh_from_db()
        assert report.status == "resolved" and report.resolved_by_id == admin_a.pk


def test_attachments_stored_served_to_participants_only_and_size_limit(site_a, tmp_path):
    w = _world(site_a)
    with override_settings(MEDIA_ROOT=tmp_path):
        inst = site_a.client(w["inst"])
        cid = _start(inst, [w["learner"]]).json()["id"]
        r = inst.post(f"/api/v1/me/conversations/{cid}/messages",
                      {"body": "see file", "file": SimpleUploadedFile("notes.exe", PDF, "application/x-msdownload")})
        assert r.status_code == 201, r.content
        att = r.json()["attachments"][0]
        assert att["content_type"] == "application/pdf" and att["file_name"] == "notes.exe"
        with site_a:
            stored = Attachment.objects.get().file.name
        assert stored.startswith("messaging/") and stored.endswith(".pdf")
        got = site_a.client(w["learner"]).get(att["url"])
        assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
        assert got["Cache-Control"] == "private, no-store"
        assert site_a.client(w["ta"]).get(att["url"]).status_code == 404
        with override_settings(MESSAGING_ATTACHMENT_MAX_MB=1):
            big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024 + 1), "application/pdf")
            r = inst.post(f"/api/v1/me/conversations/{cid}/messages", {"body": "big", "file": big})
            assert r.status_code == 413 and "too large" in r.json()["message"]
            big.seek(0)
            page = inst.post(f"/messages/{cid}/send", {"body": "big", "file": big})
            assert page.status_code == 413 and b"too large" in page.content
        bad = inst.post(f"/api/v1/me/conversations/{cid}/messages",
                        {"file": SimpleUploadedFile("x.bin", b"\x00\x01\x02", "application/octet-stream")})
        assert bad.status_code == 400


def test_markdown_is_sanitised_and_plain_text_escaped(site_a):
    w = _world(site_a)
    inst = site_a.client(w["inst"])
    cid = _start(inst, [w["learner"]], body="<script>alert(1)</script> **hi**").json()["id"]
    r = inst.post(f"/api/v1/me/conversations/{cid}/messages", {
        "body": "**bold** <script>x()</script> [l](javascript:alert(1)) ![i](https://t.example/p.png)",
        "format": "markdown"}, content_type="application/json").json()
    assert "<strong>bold</strong>" in r["html"] and "<script" not in r["html"] and "javascript:" not in r["html"]
    assert "<img" not in r["html"]
    first = site_a.client(w["learner"]).get(f"/api/v1/me/conversations/{cid}/messages").json()["results"][-1]
    assert "&lt;script&gt;" in first["html"] and "<strong>" not in first["html"]


def test_non_participant_gets_404_everywhere(site_a):
    w = _world(site_a)
    cid = _start(site_a.client(w["inst"]), [w["learner"]], body="private").json()["id"]
    stranger = site_a.client(w["ta"])
    for path in (f"/api/v1/me/conversations/{cid}", f"/api/v1/me/conversations/{cid}/messages", f"/messages/{cid}/"):
        assert stranger.get(path).status_code == 404
    assert stranger.post(f"/api/v1/me/conversations/{cid}/messages", {"body": "x"},
                         content_type="application/json").status_code == 404
    assert stranger.post(f"/messages/{cid}/send", {"body": "x"}).status_code == 404
    assert stranger.post(f"/api/v1/me/conversations/{cid}/read").status_code == 404


def test_conversation_page_queries_do_not_grow_with_messages(site_a):
    w = _world(site_a)
    inst, learner = site_a.client(w["inst"]), site_a.client(w["learner"])
    cid = _start(inst, [w["learner"]]).json()["id"]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert learner.get(f"/messages/{cid}/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(12):
        inst.post(f"/api/v1/me/conversations/{cid}/messages", {"body": f"m{n}"}, content_type="application/json")
    assert count() <= few


def test_cross_tenant_recipient_and_ids_fail_and_write_nothing(site_a, site_b):
    a_inst, a_learner = site_a.make_user(role="instructor"), site_a.make_user(role="learner")
    b_inst, b_learner = site_b.make_user(role="instructor"), site_b.make_user(role="instructor")
    b_cid = _start(site_b.client(b_inst), [b_learner], body="globex only").json()["id"]
    with site_b:
        b_mid = str(Message.objects.get().public_id)
        b_counts = (Conversation.objects.count(), Message.objects.count(), Participant.objects.count())
    with site_a:
        a_counts = (Conversation.objects.count(), Message.objects.count(), Participant.objects.count())
    client = site_a.client(a_inst)
    # B's member as recipient on A's host: unknown here (by profile id and by a coinciding user id)
    r = _start(client, [b_learner])
    assert r.status_code == 400 and "not a member" in r.content.decode()
    assert client.post("/messages/new/", {"recipients": [pid(b_learner)], "body": "x"}).status_code == 400
    assert client.post("/api/v1/me/conversations", {"recipients": [b_learner.pk], "body": "x"},
                       content_type="application/json").status_code == 400
    assert client.post("/api/v1/me/message-blocks", {"user": pid(b_learner)},
                       content_type="application/json").status_code == 400
    # B's conversation and message ids on A's host
    for path in (f"/api/v1/me/conversations/{b_cid}", f"/api/v1/me/conversations/{b_cid}/messages",
                 f"/messages/{b_cid}/"):
        assert client.get(path).status_code == 404
    assert client.post(f"/api/v1/me/conversations/{b_cid}/messages", {"body": "x"},
                       content_type="application/json").status_code == 404
    assert client.post(f"/api/v1/me/messages/{b_mid}/report", {"reason": "x"},
                       content_type="application/json").status_code == 404
    # B's member's session on A's host reads nothing
    b_on_a = site_b.client(b_learner)
    b_on_a.defaults["HTTP_HOST"] = site_a.host
    assert b_on_a.get(f"/api/v1/me/conversations/{b_cid}/messages").status_code in (401, 403)
    assert b_on_a.get(f"/messages/{b_cid}/").status_code == 302
    with site_b:
        assert (Conversation.objects.count(), Message.objects.count(), Participant.objects.count()) == b_counts
        assert not Block.objects.exists()
    with site_a:
        assert (Conversation.objects.count(), Message.objects.count(), Participant.objects.count()) == a_counts
        assert not Block.objects.exists()
    assert a_learner.pk


def test_erasure_keeps_the_conversation_for_the_others(site_a, tmp_path):
    from tenant_apps.messaging.privacy import messaging_erase, messaging_export

    w = _world(site_a)
    with override_settings(MEDIA_ROOT=tmp_path):
        learner = site_a.client(w["learner"])
        cid = _start(learner, [w["inst"]], body="my secret words").json()["id"]
        learner.post(f"/api/v1/me/conversations/{cid}/messages",
                     {"body": "file", "file": SimpleUploadedFile("a.pdf", PDF, "application/pdf")})
        site_a.client(w["inst"]).post(f"/api/v1/me/conversations/{cid}/messages", {"body": "reply"},
                                      content_type="application/json")
        with site_a:
            part = messaging_export(w["learner"])
            kinds = {r["kind"] for r in part.records}
            assert {"message", "conversation", "attachment"} <= kinds and len(part.files) == 1
            files: list = []
            counts = messaging_erase(w["learner"], pseudonym="retired-x", files=files, holds=[])
            assert counts["messages_emptied"] == 2 and len(files) == 1
            assert not Message.objects.filter(body__contains="secret").exists()
            assert not Participant.objects.filter(user=w["learner"]).exists()
            assert messaging_erase(w["learner"], pseudonym="retired-x", files=[], holds=[])["messages_emptied"] == 0
        thread = site_a.client(w["inst"]).get(f"/messages/{cid}/").content.decode()
        assert "reply" in thread and "(message removed)" in thread and "my secret words" not in thread


def test_htmx_send_returns_the_thread_fragment(site_a):
    w = _world(site_a)
    inst = site_a.client(w["inst"])
    cid = _start(inst, [w["learner"]], body="first").json()["id"]
    r = inst.post(f"/messages/{cid}/send", {"body": "via htmx"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and html.startswith('<div id="thread">') and "via htmx" in html and "<html" not in html
    r = inst.post(f"/messages/{cid}/send", {"body": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 400 and "Write a message" in r.content.decode()


def test_site_settings_page_turns_learner_to_learner_on(site_a, admin_a):
    w = _world(site_a)
    admin = site_a.client(admin_a)
    page = admin.get("/manage/settings/").content.decode()
    assert 'name="messaging_learner_to_learner"' in page
    r = admin.post("/manage/settings/", {"display_name": "Acme", "primary_color": "#2563eb",
                                         "messaging_learner_to_learner": "on"})
    assert r.status_code == 302, r.content
    with site_a:
        site_settings_cache_clear()
        assert site_settings_get().messaging_learner_to_learner
        assert selectors.can_message(sender=w["learner"], recipient=w["learner2"])
