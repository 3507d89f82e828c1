"""Comments: members post, staff hide/unhide/delete and lock (audited); hidden ones only for staff."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crowdfunding.models import Campaign, Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(site_a):
    with site_a:
        return Campaign.objects.create(slug="roof", title="New roof", pitch="Dry classrooms", goal_amount=10000,
                                       currency="USD", state=Campaign.State.LIVE, published_at=timezone.now(),
                                       deadline=timezone.now() + timedelta(days=5))


def test_members_comment_and_staff_moderate(site_a, admin_a, campaign):
    member = site_a.make_user("learner", first_name="Mia", last_name="Member")
    client = site_a.client(member)
    assert client.post(f"/campaigns/{campaign.slug}/comments/", {"body": "Go team!"}).status_code == 302
    assert "Go team!" in site_a.client().get(f"/campaigns/{campaign.slug}/").content.decode()  # anonymous readers see it
    empty = client.post(f"/campaigns/{campaign.slug}/comments/", {"body": "  "}, follow=True)
    assert "Write something first." in empty.content.decode()
    with site_a:
        comment = Comment.objects.get(campaign=campaign)
    url = f"/campaigns/{campaign.slug}/comments/{comment.public_id}/moderate"
    assert client.post(url, {"action": "hide"}).status_code == 403  # not staff
    admin = site_a.client(admin_a)
    admin.post(url, {"action": "hide"})
    assert "Go team!" not in site_a.client().get(f"/campaigns/{campaign.slug}/").content.decode()
    assert "Go team!" in admin.get(f"/campaigns/{campaign.slug}/").content.decode()  # staff still see it
    admin.post(url, {"action": "lock"})
    locked = client.post(f"/campaigns/{campaign.slug}/comments/", {"body": "More"}, follow=True).content.decode()
    assert "Comments on this campaign are closed." in locked
    admin.post(url, {"action": "delete"})
    with site_a:
        assert not Comment.objects.exists()
        from tenant_apps.audit.models import AuditEntry

        assert {"campaign.comment_hide", "campaign.comments_lock", "campaign.comment_delete"} <= set(
            AuditEntry.objects.values_list("action", flat=True))


def test_anonymous_cannot_comment_and_foreign_comments_are_404(site_a, site_b, campaign):
    assert site_a.client().post(f"/campaigns/{campaign.slug}/comments/", {"body": "x"}).status_code == 302  # to login
    member = site_a.make_user("learner")
    site_a.client(member).post(f"/campaigns/{campaign.slug}/comments/", {"body": "Mine"})
    with site_a:
        comment = Comment.objects.get()
    from django.contrib.auth.models import User

    with site_b:
        admin_b = User.objects.get(username="admin@globex.test")
    foreign = site_b.client(admin_b).post(f"/campaigns/{campaign.slug}/comments/{comment.public_id}/moderate",
                                          {"action": "delete"})
    assert foreign.status_code == 404
    with site_a:
        assert Comment.objects.filter(pk=comment.pk).exists()
