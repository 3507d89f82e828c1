"""The discussions' privacy provider: a person's posts, votes, reports, subscriptions and
grades are exported; erasure deletes what nobody answered and empties what others answered
(docs/decisions/0016), and Markdown is sanitised when posted."""
import pytest

from lms.discussions import privacy, services
from lms.discussions.models import DiscussionGrade, Post, Report, Subscription, Thread, Vote

from .helpers import build_world

pytestmark = pytest.mark.django_db


def test_export_and_erase(site_a):
    world = build_world(site_a, learners=2, graded=True)
    me, other = world.learners
    with site_a:
        mine_alone = services.thread_create(access=world.access(me), forum=world.forum, title="Lonely", body="nobody came")
        answered = services.thread_create(access=world.access(me), forum=world.forum, title="Busy", body="my opening text")
        their_reply = services.reply_create(access=world.access(other), thread=answered, body="their reply")
        my_reply = services.reply_create(access=world.access(me), thread=answered, body="my unanswered reply")
        my_answered = services.reply_create(access=world.access(me), thread=answered, body="my answered reply")
        services.reply_create(access=world.access(other), thread=answered, body="their answer", parent=my_answered)
        services.vote_toggle(access=world.access(me), post=their_reply)
        services.report_create(access=world.access(me), post=their_reply, reason="my reason")
        services.subscription_set(access=world.access(me), thread=Thread.objects.get(pk=answered.pk), subscribed=True)
        services.grade_save(access=world.access(world.ta), forum=world.forum, learner=me, points=5)

        exported = privacy.posts_export(me).records
        kinds = {r["kind"] for r in exported}
        assert kinds >= {"thread", "post", "vote", "subscription", "report", "discussion_grade"}
        assert {r["body"] for r in exported if r["kind"] == "post"} >= {"my opening text", "my unanswered reply"}
        assert "their reply" not in str(exported)

        counts = privacy.posts_erase(me, pseudonym="retired-x", files=[], holds=[])
        assert counts["threads_deleted"] == 1 and counts["posts_deleted"] == 1
        assert not Thread.objects.filter(pk=mine_alone.pk).exists()
        assert not Post.objects.filter(pk=my_reply.pk).exists()
        for kept in Post.objects.filter(author=me):
            assert kept.body == "" and kept.body_html == "" and kept.status == "deleted"
        assert Post.objects.filter(body__in=["their reply", "their answer"]).count() == 2
        assert not Vote.objects.filter(user=me).exists() and not Report.objects.filter(reporter=me).exists()
        assert not Subscription.objects.filter(user=me).exists() and not DiscussionGrade.objects.filter(learner=me).exists()
        their_reply.refresh_from_db()
        assert their_reply.vote_count == 0
        assert privacy.posts_erase(me, pseudonym="retired-x", files=[], holds=[])["posts_deleted"] == 0  # re-runnable


def test_markdown_is_sanitised(site_a):
    world = build_world(site_a, learners=1)
    with site_a:
        thread = services.thread_create(access=world.access(world.learners[0]), forum=world.forum, title="XSS",
                                        body="Hi <script>alert(1)</script> [x](javascript:alert(1)) **ok**")
        html = thread.posts.get().body_html
    assert "<script>" not in html and "javascript:" not in html and "<strong>ok</strong>" in html
