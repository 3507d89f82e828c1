"""Graded forums as gradebook columns (registered with lms.assignments in AppConfig.ready())."""
from __future__ import annotations

from .models import DiscussionGrade, Forum


def gradebook_columns(course) -> list[dict]:
    """One column per graded forum with its learners' points. Two queries."""
    forums = list(Forum.objects.filter(course=course, is_graded=True))
    scores: dict[int, dict[int, object]] = {f.pk: {} for f in forums}
    for forum_id, learner_id, points in DiscussionGrade.objects.filter(forum__in=forums).values_list(
            "forum_id", "learner_id", "points"):
        scores[forum_id][learner_id] = points
    return [{"uuid": str(f.uuid), "title": f"Discussion: {f.title}", "points": f.points, "scores": scores[f.pk]}
            for f in forums]
