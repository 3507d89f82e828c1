"""Comments on campaigns: members of the institution post; staff hide, unhide, delete, and lock
the thread; every moderation step is audited. Hidden comments are shown to staff only."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from billing.api import feature_check
from tenants.api import audit_log

from .models import Campaign, Comment
from .page_cache import campaign_page_changed
from .services import can_manage

MAX_LENGTH = 2000
COMMENTS_PER_PAGE = 30
MAX_COMMENT_PAGES = 1000  # ?comments_page= above this is refused (no unbounded OFFSET)


def comment_post(*, campaign: Campaign, author, body: str) -> Comment:
    feature_check("crowdfunding")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something first."})
    if len(body) > MAX_LENGTH:
        raise ValidationError({"body": f"At most {MAX_LENGTH} characters."})
    if "\x00" in body:
        raise ValidationError({"body": "The text contains characters that cannot be stored."})
    if campaign.comments_locked:
        raise ValidationError("Comments on this campaign are closed.", code="locked")
    if campaign.state not in (Campaign.State.LIVE, Campaign.State.SUCCESSFUL, Campaign.State.SETTLED,
                              Campaign.State.FAILED):
        raise ValidationError("This campaign takes no comments.", code="not_public")
    with transaction.atomic():
        comment = Comment.objects.create(campaign=campaign, author=author, body=body)
        campaign_page_changed(campaign.pk)
    return comment


def comment_moderate(*, comment: Comment, actor, action: str) -> Comment | None:
    """action: hide | unhide | delete; -> the comment (None when deleted)."""
    if not can_manage(actor, comment.campaign):
        raise PermissionDenied
    if action not in ("hide", "unhide", "delete"):
        raise ValidationError("Unknown moderation action.")
    with transaction.atomic():
        audit_log(action=f"campaign.comment_{action}", target=comment.campaign, actor=actor,
                  after={"comment": str(comment.public_id), "author": comment.author.email, "body": comment.body[:200]})
        campaign_page_changed(comment.campaign_id)
        if action == "delete":
            comment.delete()
            return None
        comment.hidden = action == "hide"
        comment.save(update_fields=["hidden"])
    return comment


def comments_lock(*, campaign: Campaign, actor, locked: bool) -> Campaign:
    if not can_manage(actor, campaign):
        raise PermissionDenied
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(comments_locked=locked)
        campaign.comments_locked = locked
        campaign_page_changed(campaign.pk)
        audit_log(action="campaign.comments_lock" if locked else "campaign.comments_unlock", target=campaign, actor=actor)
    return campaign


def comments_visible(*, campaign: Campaign, user, page: int = 1) -> tuple[list[Comment], bool]:
    """One page of comments, newest first -> (comments, whether older ones follow); one query
    (a row past the page says there are more: no COUNT)."""
    rows = campaign.comments.select_related("author").order_by("-created_at", "-pk")
    if not (user and user.is_authenticated and can_manage(user, campaign)):
        rows = rows.filter(hidden=False)
    start = (page - 1) * COMMENTS_PER_PAGE
    found = list(rows[start:start + COMMENTS_PER_PAGE + 1])
    return found[:COMMENTS_PER_PAGE], len(found) > COMMENTS_PER_PAGE
