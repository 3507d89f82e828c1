"""What discussions hold about a person: their threads and posts, votes, reports, subscriptions,
discussion grades; and the moderation and grading they did.

Erasure (docs/decisions/0016): comments are deleted. A post nobody answered is deleted (a thread
nobody else replied to goes with its opening post); a post others answered keeps its place with
its text removed (status "deleted"), so their answers keep their thread. Votes, subscriptions,
the reports they filed and their grades are deleted; what they did as staff stays, attributed
to the tombstone account.
"""
from __future__ import annotations

from django.db.models import F

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, latest_by_user, rows


def posts_export(user) -> ExportPart:
    from .models import DiscussionGrade, Post, Report, Subscription, Thread, Vote

    records = [{"kind": "thread", **r} for r in rows(Thread.objects.filter(author=user).order_by("created_at"), (
        "uuid", "course__slug", "forum__title", "title", "created_at"))]
    records += [{"kind": "post", **r} for r in rows(Post.objects.filter(author=user).order_by("created_at"), (
        "uuid", "course__slug", "thread__uuid", "parent__uuid", "is_opening", "is_anonymous", "body", "status",
        "created_at"))]
    records += [{"kind": "vote", **r} for r in rows(Vote.objects.filter(user=user), ("post__uuid", "created_at"))]
    records += [{"kind": "subscription", **r} for r in rows(Subscription.objects.filter(user=user),
                                                             ("thread__uuid", "created_at"))]
    records += [{"kind": "report", **r} for r in rows(Report.objects.filter(reporter=user), (
        "uuid", "post__uuid", "reason", "status", "created_at"))]
    records += [{"kind": "discussion_grade", **r} for r in rows(DiscussionGrade.objects.filter(learner=user), (
        "forum__uuid", "forum__course__slug", "points", "feedback", "graded_at"))]
    records += [{"kind": "moderated_by_you", **r} for r in rows(Post.objects.filter(moderated_by=user).exclude(author=user),
                                                                 ("uuid", "status", "moderated_at"))]
    return ExportPart(records=records)


def posts_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    from .models import DiscussionGrade, Post, Report, Subscription, Thread, Vote

    from .page_cache import threads_changed

    threads_changed(set(Post.objects.filter(votes__user=user).values_list("thread_id", flat=True))
                    | set(Post.objects.filter(author=user).values_list("thread_id", flat=True)))
    counts = {}
    for vote in Vote.objects.filter(user=user).select_related("post"):
        Post.objects.filter(pk=vote.post_id, vote_count__gt=0).update(vote_count=F("vote_count") - 1)
    counts["votes_deleted"] = Vote.objects.filter(user=user).delete()[0]
    counts["subscriptions_deleted"] = Subscription.objects.filter(user=user).delete()[0]
    counts["reports_deleted"] = Report.objects.filter(reporter=user).delete()[0]
    counts["discussion_grades_deleted"] = DiscussionGrade.objects.filter(learner=user).delete()[0]
    lonely_threads = Thread.objects.filter(author=user).exclude(posts__in=Post.objects.exclude(author=user))
    counts["threads_deleted"] = lonely_threads.count()
    lonely_threads.delete()
    mine = Post.objects.filter(author=user)
    unanswered = mine.filter(is_opening=False, children__isnull=True)
    for post in unanswered.filter(parent__isnull=True):
        Thread.objects.filter(pk=post.thread_id, reply_count__gt=0).update(reply_count=F("reply_count") - 1)
    for post in unanswered.filter(parent__isnull=False):
        Thread.objects.filter(pk=post.thread_id, reply_count__gt=0).update(reply_count=F("reply_count") - 1)
    counts["posts_deleted"] = unanswered.delete()[0]
    counts["posts_emptied"] = Post.objects.filter(author=user).update(body="", body_html="", status="deleted",
                                                                      is_anonymous=False)
    return counts


def posts_last_activity(user_ids: list[int]) -> dict:
    from .models import Post

    return latest_by_user(Post.objects.filter(author_id__in=user_ids), "author_id", "created_at")


POSTS = PrivacyProvider(
    area="discussions", title="Course discussions: posts, votes, reports, subscriptions, discussion grades",
    holdings=(
        Holding("discussions.Thread", fields=("author",)),
        Holding("discussions.Post", fields=("author", "moderated_by")),
        Holding("discussions.Vote", fields=("user",)),
        Holding("discussions.Subscription", fields=("user",)),
        Holding("discussions.Report", fields=("reporter", "resolved_by")),
        Holding("discussions.DiscussionGrade", fields=("learner", "grader")),
    ),
    export=posts_export, erase=posts_erase, last_activity=posts_last_activity, order=265,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(POSTS)
