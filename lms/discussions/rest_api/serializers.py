"""Serializers of the discussions API. Authors are shown as the viewer may see them: an
anonymous post's `author` is null and `author_name` "Anonymous" for learners."""
from __future__ import annotations

from rest_framework import serializers



class DiscussionForumOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    allow_anonymous = serializers.BooleanField()
    is_graded = serializers.BooleanField()
    points = serializers.IntegerField()
    thread_count = serializers.IntegerField(required=False)


class DiscussionForumInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")
    allow_anonymous = serializers.BooleanField(required=False, default=False)
    is_graded = serializers.BooleanField(required=False, default=False)
    points = serializers.IntegerField(required=False, min_value=1, max_value=100_000, default=10)


class DiscussionAuthorOutput(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name()


class DiscussionPostOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    parent = serializers.SerializerMethodField()
    author = DiscussionAuthorOutput(source="shown_author", allow_null=True)
    author_name = serializers.CharField(source="shown_name")
    is_anonymous = serializers.BooleanField()
    status = serializers.CharField(help_text="visible, hidden (by staff; only staff see it) or deleted")
    body = serializers.SerializerMethodField(help_text="Markdown; empty when hidden from you or deleted.")
    body_html = serializers.SerializerMethodField()
    vote_count = serializers.IntegerField()
    voted = serializers.BooleanField()
    is_answer = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    def get_parent(self, post) -> str | None:
        if hasattr(post, "parent_uuid"):  # set by the thread page's read (no query per answer)
            return post.parent_uuid
        return str(post.parent.uuid) if post.parent_id else None

    def get_body(self, post) -> str:
        return post.body if post.body_shown else ""

    def get_body_html(self, post) -> str:
        return post.body_html if post.body_shown else ""


class DiscussionReplyOutput(DiscussionPostOutput):
    answers = DiscussionPostOutput(many=True)


class DiscussionThreadOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    forum = serializers.UUIDField(source="forum.uuid")
    title = serializers.CharField()
    is_pinned = serializers.BooleanField()
    is_locked = serializers.BooleanField()
    reply_count = serializers.IntegerField()
    answered = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField()

    def get_answered(self, thread) -> bool:
        return thread.answer_id is not None


class DiscussionThreadPageOutput(serializers.Serializer):
    thread = DiscussionThreadOutput()
    opening = DiscussionPostOutput()
    replies = DiscussionReplyOutput(many=True, source="replies.object_list")
    page = serializers.IntegerField(source="replies.number")
    pages = serializers.IntegerField(source="replies.paginator.num_pages")
    subscribed = serializers.BooleanField()


class DiscussionThreadInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20_000)
    anonymous = serializers.BooleanField(required=False, default=False)


class DiscussionThreadFlagsInput(serializers.Serializer):
    pinned = serializers.BooleanField(required=False, allow_null=True, default=None)
    locked = serializers.BooleanField(required=False, allow_null=True, default=None)


class DiscussionReplyInput(serializers.Serializer):
    body = serializers.CharField(max_length=20_000)
    parent = serializers.UUIDField(required=False, allow_null=True, default=None,
                                   help_text="The top-level reply this answers; deeper nesting is refused (400).")
    anonymous = serializers.BooleanField(required=False, default=False)


class DiscussionAnswerInput(serializers.Serializer):
    post = serializers.UUIDField(allow_null=True, help_text="The reply to mark; null unmarks.")


class DiscussionVoteOutput(serializers.Serializer):
    voted = serializers.BooleanField()
    vote_count = serializers.IntegerField()


class DiscussionReportInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class DiscussionModerateInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["hide", "unhide", "delete"])


class DiscussionReportOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    post = DiscussionPostOutput()
    thread = serializers.UUIDField(source="post.thread.uuid")
    reporter = serializers.EmailField(source="reporter.email", allow_null=True, default=None)
    reason = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class DiscussionReportResolveInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["resolve", "dismiss"])


class DiscussionSubscriptionOutput(serializers.Serializer):
    subscribed = serializers.BooleanField()


class DiscussionParticipantOutput(serializers.Serializer):
    learner = serializers.IntegerField(source="learner.pk")
    email = serializers.EmailField(source="learner.email")
    name = serializers.CharField(source="learner.get_full_name")
    posts = serializers.IntegerField()
    points = serializers.DecimalField(source="grade.points", max_digits=9, decimal_places=2, allow_null=True, default=None)
    feedback = serializers.CharField(source="grade.feedback", allow_null=True, default=None)


class DiscussionGradeInput(serializers.Serializer):
    learner = serializers.IntegerField(min_value=1)
    points = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0)
    feedback = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class DiscussionThreadListOutput(serializers.Serializer):
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    count = serializers.IntegerField()
    results = DiscussionThreadOutput(many=True)


class DiscussionReportListOutput(serializers.Serializer):
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    count = serializers.IntegerField()
    results = DiscussionReportOutput(many=True)
