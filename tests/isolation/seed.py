"""Tenant B ("globex") fully seeded through the real services: one object of every kind the routes address.

Data is committed (the isolation walk runs in per-test transactions that roll back, so every
route starts from this state) and removed again by `BWorld.remove()`.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import tenant_context

# Appears in every title/text of B's seeded objects: a response on A's host containing it leaked.
MARKER = "GLOBEXSECRET7q"
# Appears only in the first learner's own work: another learner's response containing it leaked.
PRIVATE = "LEARNER1PRIVATE7q"

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 72 72]>> endobj\nxref\n0 4\n0000000000 65535 f \n"
    b"0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \ntrailer <</Size 4 /Root 1 0 R>>\nstartxref\n186\n%%EOF\n"
)


def pdf(name: str = "work.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class Person:
    """A member of an institution with a committed session and (for B) a JWT."""

    user: object
    email: str
    session: str = ""
    jwt: str = ""
    refresh: str = ""


@dataclass
class BWorld:
    tenant: object
    people: dict[str, Person] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)  # registry kind -> B's real values
    _before: dict = field(default_factory=dict)

    def remove(self) -> None:
        from billing.models import ConnectedAccount

        _rows_remove(self.tenant.schema_name, self._before)
        ConnectedAccount.objects.filter(tenant=self.tenant, stripe_account_id__startswith="acct_isolation").delete()


def _login(site, user) -> str:
    client = site.client(user)
    return client.cookies["sessionid"].value


def _tokens(site, email: str, password: str) -> dict:
    response = Client(HTTP_HOST=site.host).post("/api/v1/auth/token", {"email": email, "password": password},
                                                 content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def _jwt(site, email: str, password: str) -> str:
    return _tokens(site, email, password)["access"]


def seed_people(site, roles: dict[str, str], *, with_jwt: bool, password: str) -> dict[str, Person]:
    people = {}
    for name, role in roles.items():
        user = site.make_user(role=role, email=f"{name}-{secrets.token_hex(3)}@{site.tenant.slug}.test",
                              first_name="Bea" if site.tenant.slug == "globex" else "Ann", last_name=name)
        people[name] = Person(user=user, email=user.email)
    for person in people.values():
        person.session = _login(site, person.user)
        if with_jwt:
            person.jwt = _jwt(site, person.email, password)
    connection.set_schema_to_public()
    return people


def seed_b(site, *, password: str) -> BWorld:
    """Everything of B, committed. Call with the database unblocked and no transaction open."""
    from django.contrib.auth.models import User

    assert not connection.in_atomic_block
    before = _rows_snapshot(site.tenant.schema_name)
    world = BWorld(tenant=site.tenant, _before=before)
    with tenant_context(site.tenant):
        admin = User.objects.select_related("profile").get(username=f"admin@{site.tenant.slug}.test")
    tokens = _tokens(site, admin.email, password)
    world.people["admin"] = Person(user=admin, email=admin.email, session=_login(site, admin),
                                   jwt=tokens["access"], refresh=tokens["refresh"])
    world.people |= seed_people(site, {
        "instructor": "instructor", "instructor2": "instructor", "ta": "teaching_assistant",
        "learner": "learner", "learner2": "learner",
    }, with_jwt=True, password=password)
    p = {name: person.user for name, person in world.people.items()}
    with tenant_context(site.tenant):
        world.values = _seed_objects(p)
    connection.set_schema_to_public()
    return world


def _seed_objects(p) -> dict[str, list[str]]:
    from lms.assignments import services as assignment_services
    from lms.assignments.models import Submission
    from lms.assignments.tests.helpers import add_assignment
    from lms.courses import permissions
    from lms.courses import services as course_services
    from lms.courses.models import ContentItem, Enrollment
    from lms.quizzes import publishing as quiz_publishing
    from lms.quizzes import selectors as quiz_selectors
    from lms.quizzes import services as quiz_services
    from lms.quizzes.models import Quiz
    from lms.quizzes.tests.factories import every_kind_questions, perfect_answers
    from lms.tracks import services as track_services
    from tenant_apps.accounts import services as account_services
    from tenant_apps.accounts.models import Invitation

    instructor, learner, learner2 = p["instructor"], p["learner"], p["learner2"]
    # A course with every item type, a quiz with every question kind, an assignment; published.
    course = course_services.course_create(author=instructor, title=f"{MARKER} course", slug=f"globex-only-{secrets.token_hex(3)}",
                                           summary=MARKER)
    from tenant_apps.accounts.tests.manage_helpers import png_bytes

    course.cover.save("cover.png", SimpleUploadedFile("cover.png", png_bytes(), "image/png"))
    module = course_services.module_create(course=course, title=f"{MARKER} module")
    lesson = course_services.lesson_create(module=module, title=f"{MARKER} lesson")
    text = course_services.item_create(lesson=lesson, kind="text", title=f"{MARKER} reading", body=MARKER)
    video = course_services.item_create(lesson=lesson, kind="video", title=f"{MARKER} video", url="https://example.com/v.mp4")
    link = course_services.item_create(lesson=lesson, kind="link", title=f"{MARKER} link", url="https://example.com/")
    file_item = ContentItem(lesson=lesson, kind="file", title=f"{MARKER} handout", position=99)
    file_item.file.save("handout.pdf", pdf("handout.pdf"), save=False)
    file_item.full_clean()
    file_item.save()
    quiz = Quiz.objects.get(uuid=quiz_publishing.draft_create(course, f"{MARKER} quiz", instructor))
    quiz_services.quiz_update(quiz=quiz, attempts_allowed=5)
    quiz_item = course_services.item_create(lesson=lesson, kind="quiz", title=f"{MARKER} quiz", ref_uuid=quiz.uuid)
    for question in every_kind_questions():
        quiz_services.question_create(quiz=quiz, **question)
    assignment, assignment_item = add_assignment(course, lesson, title=f"{MARKER} essay")
    permissions.course_role_assign(course=course, user=p["ta"], course_role="teaching_assistant")
    from lms.certificates import services as certificate_services

    certificate_services.course_rules_update(course=course, rules={"enabled": True, "min_completion_percent": 0},
                                             actor=instructor)
    course_services.course_publish(course=course, author=instructor, change_note=MARKER)
    course_services.course_publish(course=course, author=instructor, change_note=f"{MARKER} 2")
    course.refresh_from_db()
    category = assignment_services.category_create(course=course, name=f"{MARKER} essays", weight_percent=50)
    quiz_category = assignment_services.category_create(course=course, name=f"{MARKER} quizzes", weight_percent=30)
    assignment_services.quiz_category_set(course=course, quiz_uuid=quiz.uuid, category=quiz_category)

    # Both learners enrolled; the first has progress, two quiz attempts, a graded and posted submission.
    enrollment = course_services.enrollment_create(course=course, learner=learner)
    enrollment2 = course_services.enrollment_create(course=course, learner=learner2)
    course_services.progress_item_complete(enrollment=enrollment, item_uuid=text.uuid)
    learner_quiz = quiz_selectors.learner_quiz_get(learner=learner, course=course, quiz_uuid=quiz.uuid)
    submitted = quiz_services.attempt_start(learner_quiz=learner_quiz).attempt
    answers = perfect_answers(quiz)
    answers[str(quiz.questions.order_by("position").last().uuid)] = f"{PRIVATE} essay"
    quiz_services.attempt_submit(attempt=submitted, answers=answers)
    learner_quiz = quiz_selectors.learner_quiz_get(learner=learner, course=course, quiz_uuid=quiz.uuid)
    open_attempt = quiz_services.attempt_start(learner_quiz=learner_quiz).attempt
    quiz_services.attempt_answers_save(attempt=open_attempt, answers={str(quiz.questions.first().uuid): []})
    submission = assignment_services.submission_create(learner=learner, course=course, assignment_uuid=assignment.uuid,
                                                       text=f"{PRIVATE} submission", upload=pdf("essay.pdf"))
    assignment_services.grade_save(submission=submission, grader=instructor, points=8, feedback=f"{PRIVATE} feedback")
    assignment_services.grades_post(assignment=assignment, actor=instructor)
    ungraded = assignment_services.submission_create(learner=learner, course=course, assignment_uuid=assignment.uuid,
                                                     text=f"{PRIVATE} second", upload=pdf("again.pdf"))
    assert Submission.objects.filter(learner=learner).count() == 2

    # Discussions: a graded forum; the learner's thread, learner2's reply, the learner's report on it.
    from lms.discussions import selectors as discussion_selectors
    from lms.discussions import services as discussion_services

    def _discussion_access(user):
        return discussion_selectors.course_access(user=user, slug=course.slug)

    forum = discussion_services.forum_create(access=_discussion_access(instructor), title=f"{MARKER} forum",
                                             description=MARKER, allow_anonymous=True, is_graded=True, points=10)
    discussion_thread = discussion_services.thread_create(access=_discussion_access(learner), forum=forum,
                                                          title=f"{MARKER} thread", body=MARKER)
    discussion_reply = discussion_services.reply_create(access=_discussion_access(learner2), thread=discussion_thread,
                                                        body=f"{MARKER} reply", anonymous=True)
    discussion_report = discussion_services.report_create(access=_discussion_access(learner), post=discussion_reply,
                                                          reason=MARKER)

    # Certificates: the learner's (issued by staff) and a finished bulk issue of the course.
    from lms.certificates.models import BulkIssueJob

    certificate = certificate_services.certificate_issue_for_enrollment(
        enrollment=Enrollment.objects.select_related("version", "course", "learner").get(pk=enrollment.pk),
        source="staff", issued_by=instructor).certificate
    bulk_job = BulkIssueJob.objects.create(course=course, created_by=instructor, status="done", total=2, processed=2,
                                           report={"issued": [], "already": [], "not_eligible": [
                                               {"learner": learner2.pk, "name": MARKER, "reasons": [MARKER]}]})

    # A published track with the course and a project whose step takes a file; the learner handed one in.
    track = track_services.track_create(author=instructor, title=f"{MARKER} track globex-only", free_order=True)
    course_track_item = track_services.track_add_course(track=track, course=course, actor=instructor)
    project_item = track_services.track_add_project(track=track, title=f"{MARKER} project", actor=instructor)
    step = track_services.project_step_add(project=project_item.project, title=f"{MARKER} step", instructions=MARKER,
                                           deliverable="file", actor=instructor)
    track_services.track_update(track=track, actor=instructor, is_published=True)
    track_services.track_staff_set(track=track, user=p["ta"], track_role="teaching_assistant", actor=instructor)
    track_services.track_enroll(track=track, learner=learner)
    track_services.track_enroll(track=track, learner=learner2)
    deliverable = track_services.step_submit(step=step, learner=learner, file=pdf("deliverable.pdf"))
    certificate_services.track_rules_update(track=track, rules={"enabled": True, "min_completion_percent": 0},
                                            actor=instructor)
    track_certificate = certificate_services.certificate_issue_for_track(track=track, learner=learner).certificate

    # Cohorts: one in the course, one in the track, the learner in both (trainers were assigned on enrollment).
    from lms.cohorts import services as cohort_services
    from lms.cohorts.scopes import Scope

    cohort = cohort_services.cohort_create(scope=Scope(course=course), name=f"{MARKER} cohort", actor=instructor)
    cohort_services.cohort_members_add(cohort=cohort, learners=[learner])
    track_cohort = cohort_services.cohort_create(scope=Scope(track=track), name=f"{MARKER} track cohort", actor=instructor)
    cohort_services.cohort_members_add(cohort=track_cohort, learners=[learner])

    # Accounts: a pending invitation with a known token, an import report with rejected rows, link tokens.
    invitation = account_services.invitation_create(email=f"invitee-{secrets.token_hex(3)}@globex.test", role="learner",
                                                    invited_by=p["admin"], base_url="http://globex.invalid")
    invitation_token = secrets.token_urlsafe(32)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=account_services._hash_token(invitation_token))
    csv = ("email,first_name,last_name,role\n"
           f"imported-{secrets.token_hex(3)}@globex.test,{MARKER},Imported,learner\nnot-an-email,{MARKER},Bad,learner\n")
    with transaction.atomic():
        user_import = account_services.user_import_create(upload=SimpleUploadedFile("members.csv", csv.encode(), "text/csv"),
                                                          created_by=p["admin"])
    account_services.user_import_process(user_import_id=user_import.pk)
    verify_token = account_services._verify_signer().sign(str(learner.profile.public_id))
    reset_uid = urlsafe_base64_encode(force_bytes(learner.pk))
    reset_token = default_token_generator.make_token(learner)
    assert Enrollment.objects.filter(course=course).count() == 2 and enrollment2.pk

    # Payments: the course is priced now; the learner's paid order with its ledger, a coupon.
    from billing.commerce import ledger
    from billing.commerce.models import Coupon, Order, SellerProfile

    from billing.models import ConnectedAccount

    ConnectedAccount.objects.update_or_create(tenant=connection.tenant, defaults=dict(
        stripe_account_id=f"acct_isolation{secrets.token_hex(4)}", charges_enabled=True, payouts_enabled=True,
        details_submitted=True))
    paid = course_services.course_create(author=instructor, title=f"{MARKER} paid course",
                                         slug=f"globex-paid-{secrets.token_hex(3)}", price_amount=2500)
    paid_lesson = course_services.lesson_create(module=course_services.module_create(course=paid, title=MARKER), title=MARKER)
    course_services.item_create(lesson=paid_lesson, kind="text", title=f"{MARKER} paid reading", body=MARKER)
    course_services.course_publish(course=paid, author=instructor, change_note=MARKER)
    order = Order.objects.create(number=f"R-9{secrets.randbelow(10**5):05d}", buyer=learner, buyer_email=learner.email,
                                 buyer_name=f"{PRIVATE} buyer", status=Order.Status.PAID, product_kind="course",
                                 product_ref=str(paid.uuid), description=f"{MARKER} paid", currency="USD",
                                 subtotal_amount=2500, total_amount=2500, application_fee_amount=125,
                                 stripe_payment_intent_id=f"pi_globex{secrets.token_hex(4)}", paid_at=timezone.now())
    ledger.charge_record(order=order, reference=order.stripe_payment_intent_id, total=2500, application_fee=125,
                         processor_fee=103)
    # 100 % off: a purchase succeeds without Stripe, so the walk's control pass can prove the buy bodies.
    coupon = Coupon.objects.create(code=f"GLOBEX{secrets.token_hex(3).upper()}", kind="percent", percent_off=100)
    SellerProfile.objects.create(legal_name=f"{MARKER} Ltd", tax_id=PRIVATE[:60])

    # Crowdfunding: a live campaign with a limited reward; the learner's active pledge (card saved).
    from datetime import timedelta

    from crowdfunding import services as crowd_services
    from crowdfunding.models import Pledge

    campaign = crowd_services.campaign_create(
        actor=p["admin"], title=f"{MARKER} campaign", slug=f"globex-drive-{secrets.token_hex(3)}", pitch=MARKER,
        story=MARKER, goal_amount=100_000, deadline=timezone.now() + timedelta(days=30))
    tier = crowd_services.tier_create(campaign=campaign, actor=p["admin"], title=f"{MARKER} reward", minimum_amount=2_000,
                                      quantity_limit=50, description=MARKER)
    crowd_services.stretch_goal_add(campaign=campaign, actor=p["admin"], amount=200_000, text=MARKER)
    crowd_services.faq_add(campaign=campaign, actor=p["admin"], question=f"{MARKER}?", answer=MARKER)
    campaign = crowd_services.campaign_publish(campaign=campaign, actor=p["admin"])
    pledge = crowd_services.pledge_create(backer=learner, campaign=campaign, amount=3_000, tier_id=tier.public_id)
    from crowdfunding.comments import comment_post

    comment = comment_post(campaign=campaign, author=learner2, body=f"{PRIVATE} comment")
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.ACTIVE, stripe_customer_id="cus_globex",
                                               stripe_payment_method_id="pm_globex", status_note=PRIVATE)
    from crowdfunding import exports as crowd_exports

    backers_export = crowd_exports.backers_export_start(campaign=campaign, actor=p["admin"])
    backers_export = crowd_exports.backers_export_write(export_id=backers_export.pk)  # its CSV names B's reward
    assert backers_export.status == "done"

    # Scholarship campaigns funding seats in the paid course: one succeeded (seats open, the learner
    # applied), one live (its seats can still change).
    from crowdfunding import scholarships
    from crowdfunding.models import Campaign

    funded = crowd_services.campaign_create(
        actor=p["admin"], title=f"{MARKER} seats", slug=f"globex-seats-{secrets.token_hex(3)}", pitch=MARKER,
        deadline=timezone.now() + timedelta(days=30), seat_kind="course", seat_ref=str(paid.uuid), seats_wanted=2)
    funded = crowd_services.campaign_publish(campaign=funded, actor=p["admin"])
    Campaign.objects.filter(pk=funded.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    funded = crowd_services.campaign_conclude(campaign=Campaign.objects.get(pk=funded.pk), pledged=funded.goal_amount)
    seat = funded.seats.order_by("number").first()
    application = scholarships.scholarship_apply(campaign=funded, applicant=learner, motivation=f"{PRIVATE} motivation")
    seats_live = crowd_services.campaign_create(
        actor=p["admin"], title=f"{MARKER} more seats", slug=f"globex-more-seats-{secrets.token_hex(3)}", pitch=MARKER,
        deadline=timezone.now() + timedelta(days=30), seat_kind="course", seat_ref=str(paid.uuid), seats_wanted=4)
    seats_live = crowd_services.campaign_publish(campaign=seats_live, actor=p["admin"])

    # Privacy: a retention run (its report names B's marker).
    from tenant_apps.privacy.models_retention import RetentionRun

    retention_run = RetentionRun.objects.create(dry_run=True, trigger="staff", actor=p["admin"],
                                                report={"audit": {"title": MARKER, "count": 1}})
    # Privacy: the learner's own export and one the admin ran for them, both built and ready.
    from tenant_apps.privacy.export import export_build
    from tenant_apps.privacy.models import ExportRequest

    data_exports = [ExportRequest.objects.create(user=learner, requested_by=learner)]
    export_build(export_id=data_exports[0].pk)
    data_exports.append(ExportRequest.objects.create(user=learner, requested_by=p["admin"]))
    export_build(export_id=data_exports[1].pk)
    # Privacy: a draft policy version (named with the marker) beside B's published version 1.
    from tenant_apps.privacy import policies as privacy_policies
    from tenant_apps.privacy.models_policies import PolicyDocument

    policy_draft = privacy_policies.policy_draft_create(kind="privacy", title=f"Draft {MARKER}", body=f"Body {MARKER}",
                                                        summary=MARKER, created_by=p["admin"])
    policy_v1 = PolicyDocument.objects.get(kind="privacy", version=1)
    # Privacy: two members' erasure requests, one cooling off (with a known cancel token), one failed.
    from tenant_apps.privacy import erasure
    from tenant_apps.privacy.models import ErasureRequest

    retiring = [account_services.user_create(email=f"retiring{n}-{secrets.token_hex(3)}@globex.test", first_name=MARKER)
                for n in (1, 2)]
    erasures = [erasure.erasure_request_create(user=u, actor=p["admin"]) for u in retiring]
    cancel_token = secrets.token_urlsafe(32)
    ErasureRequest.objects.filter(pk=erasures[0].pk).update(cancel_token_hash=erasure._token_hash(cancel_token))
    ErasureRequest.objects.filter(pk=erasures[1].pk).update(status="failed", error=MARKER)
    # Verifiable credentials: B's issuer key (made on first signing), a revoked status entry, its list.
    from tenant_apps.credentials import api as credentials

    status_index = credentials.status_index_allocate()
    credentials.credential_sign(credentials.open_badge_build(
        credential_id=f"urn:uuid:{secrets.token_hex(8)}", achievement_id=f"urn:uuid:{course.uuid}",
        achievement_name=f"{MARKER} course", achievement_description=MARKER, criteria_narrative=MARKER,
        recipient_name=f"{PRIVATE} learner", recipient_email=learner.email, issued_at=timezone.now(),
        status_index=status_index))
    credentials.status_set(status_index, revoked=True)
    status_list_id = credentials.status_list_credential(status_index)["id"].rsplit("/", 1)[1]

    from tenant_apps.calendar.services import feed_token_regenerate

    calendar_feed_token = feed_token_regenerate(user=learner)  # the learner's secret iCal feed
    from lms.live_sessions.services import live_session_create

    live_session = live_session_create(  # a live session of the course, in the learner's calendar
        course=course, actor=instructor, title=f"{MARKER} live session", description=PRIVATE,
        starts_at=timezone.now() + timedelta(days=3), ends_at=timezone.now() + timedelta(days=3, hours=1),
        join_url="https://meet.example.org/globex-only")
    # Notifications: one of the learner's own (marker and private text), and their unsubscribe link.
    from tenant_apps.notifications import services as notifications
    from tenant_apps.notifications.models import Notification

    notifications.notify("feedback_posted", [learner], {"course": {"title": f"{MARKER} course"},
                                                         "assignment_title": PRIVATE, "points": 1, "max_points": 2})
    notification = Notification.objects.filter(user=learner, event_key="feedback_posted").latest("id")
    unsubscribe_token = notifications.unsubscribe_token_make(user_id=learner.pk, category="course")
    # Announcements: one of the course (read by the learner) and one to everyone, each with a file;
    # scheduled, then marked published directly (no fan-out task is queued by the seed).
    from datetime import timedelta

    from lms.announcements import services as announcement_services
    from lms.announcements.models import Announcement

    later = timezone.now() + timedelta(days=1)
    course_announcement = announcement_services.announcement_create(
        author=instructor, course=course, title=f"{MARKER} announcement", body=MARKER, publish_at=later,
        uploads=[pdf("notes.pdf")])
    tenant_announcement = announcement_services.announcement_create(
        author=p["admin"], course=None, title=f"{MARKER} to everyone", body=MARKER, publish_at=later,
        uploads=[pdf("everyone.pdf")])
    Announcement.objects.filter(pk__in=[course_announcement.pk, tenant_announcement.pk]).update(
        publish_at=timezone.now(), published_at=timezone.now())
    announcement_services.announcement_mark_read(announcement=course_announcement, user=learner)
    course_attachment = course_announcement.attachments.get()
    tenant_attachment = tenant_announcement.attachments.get()

    # Messages: the learner and the instructor talk (private text, a PDF); the instructor reported
    # the learner's message; the learner blocks the admin (removable by the learner only).
    from tenant_apps.messaging import services as messaging
    from tenant_apps.messaging.models import Attachment as MessageAttachment

    conversation, _ = messaging.conversation_start(sender=instructor, recipient_ids=[str(learner.profile.public_id)],
                                                   body=f"{MARKER} hello")
    learner_message = messaging.message_send(sender=learner, conversation=conversation, body=f"{PRIVATE} message",
                                             upload=pdf("message.pdf"))
    message_attachment = MessageAttachment.objects.get(message=learner_message)
    message_report = messaging.report_create(reporter=instructor, message=learner_message, reason=f"{MARKER} report")
    messaging.block_create(blocker=learner, blocked=p["admin"])

    s = str
    return {
        "conversation": [s(conversation.public_id)],
        "message": [s(learner_message.public_id)],
        "message_attachment": [s(message_attachment.public_id)],
        "message_report": [s(message_report.public_id)],
        "calendar_feed_token": [calendar_feed_token],
        "course_announcement": [s(course_announcement.public_id)],
        "tenant_announcement": [s(tenant_announcement.public_id)],
        "announcement": [s(course_announcement.public_id), s(tenant_announcement.public_id)],
        "course_announcement_attachment": [s(course_attachment.public_id)],
        "tenant_announcement_attachment": [s(tenant_attachment.public_id)],
        "announcement_attachment": [s(course_attachment.public_id), s(tenant_attachment.public_id)],
        "notification": [s(notification.public_id)],
        "unsubscribe_token": [unsubscribe_token],
        "policy_version": [s(policy_draft.public_id), s(policy_v1.public_id)],
        "course_slug": [course.slug],
        "track_slug": [track.slug],
        "module": [s(module.uuid)],
        "lesson": [s(lesson.uuid)],
        "content_item": [s(i.uuid) for i in (text, video, link, file_item, quiz_item, assignment_item)],
        "file_item": [s(file_item.uuid)],
        "quiz": [s(quiz.uuid)],
        "question": [s(quiz.questions.order_by("position").first().uuid), s(quiz.questions.order_by("position").last().uuid)],
        "attempt": [s(open_attempt.uuid), s(submitted.uuid)],
        "assignment": [s(assignment.uuid)],
        "submission": [s(submission.uuid), s(ungraded.uuid)],
        "category": [s(category.uuid), s(quiz_category.uuid)],
        "cohort": [s(cohort.uuid)],
        "track_cohort": [s(track_cohort.uuid)],
        "cohort_learner": [s(learner.profile.public_id)],
        "discussion_forum": [s(forum.uuid)],
        "discussion_thread": [s(discussion_thread.uuid)],
        "discussion_post": [s(discussion_reply.uuid)],
        "discussion_report": [s(discussion_report.uuid)],
        "enrollment": [s(enrollment.uuid)],
        "certificate_number": [certificate.number],
        "track_certificate_number": [track_certificate.number],
        "certificate_job": [s(bulk_job.uuid)],
        "track_item": [s(course_track_item.uuid), s(project_item.uuid)],
        "project": [s(project_item.project.uuid)],
        "step": [s(step.uuid)],
        "live_session": [s(live_session.uuid)],
        "step_submission": [s(deliverable.uuid)],
        "member": [s(learner.profile.public_id), s(p["instructor"].profile.public_id), s(p["admin"].profile.public_id)],
        "course_staff": [s(p["ta"].profile.public_id), s(instructor.profile.public_id)],
        "track_staff": [s(p["ta"].profile.public_id), s(instructor.profile.public_id)],
        "invitation": [s(invitation.public_id)],
        "user_import": [s(user_import.public_id)],
        "invitation_token": [invitation_token],
        "verify_token": [verify_token],
        "reset_uid": [reset_uid],
        "reset_token": [reset_token],
        "product_kind": ["course"],
        "product_ref": [s(paid.uuid)],
        "order": [s(order.public_id)],
        "coupon": [coupon.code],
        "campaign_slug": [campaign.slug],
        "tier": [s(tier.public_id)],
        "pledge": [s(pledge.public_id)],
        "comment": [s(comment.public_id)],
        "scholarship_campaign_slug": [funded.slug, seats_live.slug],
        "scholarship_seat": [s(seat.public_id)],
        "scholarship_application": [s(application.public_id)],
        "backers_export": [s(backers_export.public_id)],
        "retention_run": [s(retention_run.public_id)],
        "export": [s(e.public_id) for e in data_exports],
        "erasure": [s(e.public_id) for e in erasures],
        "erasure_cancel_token": [cancel_token],
        "status_list": [status_list_id],
    }


# --- removal: every row the seed added, in one transaction (Django's foreign keys are deferred) ---

def _rows_snapshot(schema: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, bool_or(column_name = 'id') FROM information_schema.columns "
            "WHERE table_schema = %s GROUP BY table_name", [schema])
        tables = dict(cursor.fetchall())
        snapshot = {}
        for table, has_id in tables.items():
            if has_id:
                cursor.execute(f'SELECT coalesce(max(id), 0) FROM "{schema}"."{table}"')
                snapshot[table] = ("id", cursor.fetchone()[0])
            elif table == "django_session":
                cursor.execute(f'SELECT session_key FROM "{schema}"."{table}"')
                snapshot[table] = ("session_key", [r[0] for r in cursor.fetchall()])
    return snapshot


def _rows_remove(schema: str, before: dict) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, (column, kept) in before.items():
            if table.endswith("auditentry"):
                continue  # append-only by design (a trigger refuses DELETE); entries harm no later test
            if column == "id":
                cursor.execute(f'DELETE FROM "{schema}"."{table}" WHERE id > %s', [kept])
            else:
                cursor.execute(f'DELETE FROM "{schema}"."{table}" WHERE NOT ({column} = ANY(%s))', [kept])
