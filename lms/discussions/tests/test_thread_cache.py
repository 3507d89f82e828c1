"""The thread page's cached posts (lms/discussions/page_cache.py): a write shows at once (the
thread's version moves), learners and staff never share an entry (an anonymous author never
reaches a learner, whoever rendered first), one viewer's votes, answer marking and report links
never show as another's, and a hit costs fewer queries than a miss, whatever the replies."""
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.discussions import page_cache, services

from .helpers import build_world, thread_with_replies

pytestmark = pytest.mark.django_db


def _url(world, thread):
    return reverse("discussions:thread", args=[world.course.slug, thread.uuid])


def _vote_button(html, post):
    form = re.search(rf'<form class="vote" id="vote-{post.uuid}".*?</form>', html, re.S)
    assert form, f"no vote form for {post.uuid}"
    return form.group(0)


def _no_markers(html):
    found = re.search(r"<!--[0-9a-f]{16}:", html)
    assert not found, html[found.start() - 300:found.end() + 100]


def _posts(html):
    section = html[html.index('<section class="card">'):html.index("</section>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", section)  # a new mask of the token each time


def test_a_new_reply_a_vote_and_a_hide_show_at_once(site_a):
    world = build_world(site_a, learners=2)
    thread = thread_with_replies(site_a, world, author=world.learners[0], replies=1)
    with site_a:
        post = thread.posts.get(is_opening=False)
    reader = site_a.client(world.learners[1])
    html = reader.get(_url(world, thread)).content.decode()
    assert "Reply 0" in html and "Reply 1" not in html
    assert _posts(reader.get(_url(world, thread)).content.decode()) == _posts(html)  # from the cache, the same
    with site_a:
        services.reply_create(access=world.access(world.learners[0]), thread=thread, body="Reply 1 fresh")
    html = reader.get(_url(world, thread)).content.decode()
    assert "Reply 1 fresh" in html and "2 replies" in html
    assert '<span class="votes">0</span>' in _vote_button(html, post)
    with site_a:
        services.vote_toggle(access=world.access(world.learners[0]), post=post)
    assert '<span class="votes">1</span>' in _vote_button(reader.get(_url(world, thread)).content.decode(), post)
    with site_a:
        services.post_moderate(access=world.access(world.instructor), post=post, action="hide")
    html = reader.get(_url(world, thread)).content.decode()
    assert "Reply 0" not in html and "Reply 1 fresh" in html
    _no_markers(html)


def test_learners_never_get_the_staff_entry_with_the_anonymous_author(site_a):
    world = build_world(site_a, learners=2)
    author = world.learners[0]
    with site_a:
        thread = services.thread_create(access=world.access(author), forum=world.forum, title="Shy", body="Who?",
                                        anonymous=True)
        services.reply_create(access=world.access(author), thread=thread, body="Hidden soon")
        services.post_moderate(access=world.access(world.instructor), post=thread.posts.get(is_opening=False),
                               action="hide")
    staff_html = site_a.client(world.ta).get(_url(world, thread)).content.decode()  # the staff render first
    assert author.get_full_name() in staff_html and "Hidden soon" in staff_html and 'value="unhide"' in staff_html
    learner_html = site_a.client(world.learners[1]).get(_url(world, thread)).content.decode()
    for revealing in (author.first_name, author.last_name, author.email.split("@")[0], "Hidden soon", "moderate"):
        assert revealing not in learner_html
    assert "Anonymous" in learner_html
    again = site_a.client(world.instructor).get(_url(world, thread)).content.decode()  # and back: the staff entry
    assert author.get_full_name() in again and "Hidden soon" in again


def test_votes_answer_marking_and_report_links_are_the_viewers_own(site_a):
    world = build_world(site_a, learners=3)
    thread = thread_with_replies(site_a, world, author=world.learners[0], replies=2)
    with site_a:
        first, second = thread.posts.filter(is_opening=False).order_by("created_at")  # by learners 0 and 1
        services.vote_toggle(access=world.access(world.learners[1]), post=first)
    voter = site_a.client(world.learners[1]).get(_url(world, thread)).content.decode()  # renders the entry
    other = site_a.client(world.learners[2]).get(_url(world, thread)).content.decode()  # reads it
    author = site_a.client(world.learners[0]).get(_url(world, thread)).content.decode()
    assert 'aria-pressed="true"' in _vote_button(voter, first) and 'aria-pressed="false"' in _vote_button(voter, second)
    assert 'aria-pressed="true"' not in other and 'aria-pressed="true"' not in author
    assert "Mark as answer" in author and "Mark as answer" not in voter and "Mark as answer" not in other
    report = f"posts/{second.uuid}/report"
    assert report not in voter and report in other and report in author  # learner 1 wrote the second reply
    assert f"posts/{first.uuid}/report" not in author and f"posts/{first.uuid}/report" in voter
    tokens = {re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', h).group(1) for h in (voter, other, author)}
    assert len(tokens) == 3  # each page carries its viewer's token, never the first renderer's
    for html in (voter, other, author):
        _no_markers(html)
        assert html.count('class="post') == 3


def test_a_hit_costs_fewer_queries_than_a_miss_and_does_not_grow(site_a):
    world = build_world(site_a, learners=3)
    small = thread_with_replies(site_a, world, author=world.learners[0], replies=3)
    large = thread_with_replies(site_a, world, author=world.learners[0], replies=40)
    client = site_a.client(world.learners[1])
    hits, misses = [], []
    for thread in (small, large):
        client.get(_url(world, thread))  # warm per-process caches
        for counts in (misses, hits):
            if counts is misses:
                with site_a:
                    cache.delete(page_cache.VERSION_KEY.format(pk=thread.pk))
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(_url(world, thread)).status_code == 200
            counts.append(len(ctx))
    assert hits[0] == hits[1] and misses[0] == misses[1], (hits, misses)
    assert hits[0] <= misses[0] - 3, (hits, misses)  # no opening post, count, replies nor answers on a hit


def test_an_erasure_shows_at_once_in_the_cached_page(site_a):
    from lms.discussions import privacy

    world = build_world(site_a, learners=2)
    thread = thread_with_replies(site_a, world, author=world.learners[1], replies=0)
    with site_a:
        top = services.reply_create(access=world.access(world.learners[0]), thread=thread, body="Erase me soon")
        services.reply_create(access=world.access(world.learners[1]), thread=thread, body="An answer", parent=top)
    reader = site_a.client(world.learners[1])
    assert "Erase me soon" in reader.get(_url(world, thread)).content.decode()
    with site_a:
        privacy.posts_erase(world.learners[0], pseudonym="erased", files=[], holds=[])
    html = reader.get(_url(world, thread)).content.decode()
    assert "Erase me soon" not in html and "This post was deleted" in html and "An answer" in html
