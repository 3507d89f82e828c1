"""Reads for assignments: what a learner sees (from their pinned version; posted grades only),
the grading queue, the gradebook, and the learner dashboard's hooks.

Dashboard hooks (for lms/courses/selectors_learn.py):

    upcoming_deadlines(user, *, now=None, limit=10) -> list[Deadline]
        Assignments of the learner's courses (their pinned versions; dropped courses left out)
        due from now on that they have not submitted yet, soonest first. Two queries.
    recent_grades(user, *, limit=5) -> list[RecentGrade]
        The learner's POSTED grades, most recently posted first. Two queries.

Both return small dataclasses with display-ready fields, including the `url` of the
learner's assignment page.
"""
from .snapshots import CENT, HUNDRED, Rules, assignment_in_snapshot, assignment_publish_problems, assignment_snapshot, assignment_spec_for_submission, snapshot_assignment_items, spec_rules
from .lookups import assignment_get, assignment_list, category_list, course_access, course_get, uuid_or_none
from .learner import LearnerAssignment, LearnerSubmission, learner_assignment_by_uuid, learner_assignment_get, learner_submission_get, posted_grades_for, submission_get_for_file
from .grading import AssignmentGradingSummary, assignment_titles, grade_history, grading_next, grading_queue, grading_summary, learner_other_submissions, submission_get_for_grader, submission_get_for_grading
from .gradebook import Gradebook, GradebookBucket, GradebookCell, GradebookColumn, GradebookRow, UNCATEGORISED, gradebook, gradebook_csv, posted_grades_for_course, quiz_columns_for_categories
from .dashboard import Deadline, RecentGrade, recent_grades, upcoming_deadlines

__all__ = [
    "posted_grades_for_course",
    "CENT",
    "HUNDRED",
    "Rules",
    "assignment_in_snapshot",
    "assignment_publish_problems",
    "assignment_snapshot",
    "assignment_spec_for_submission",
    "snapshot_assignment_items",
    "spec_rules",
    "assignment_get",
    "assignment_list",
    "category_list",
    "course_access",
    "course_get",
    "uuid_or_none",
    "LearnerAssignment",
    "LearnerSubmission",
    "learner_assignment_by_uuid",
    "learner_assignment_get",
    "learner_submission_get",
    "posted_grades_for",
    "submission_get_for_file",
    "AssignmentGradingSummary",
    "assignment_titles",
    "grade_history",
    "grading_next",
    "grading_queue",
    "grading_summary",
    "learner_other_submissions",
    "submission_get_for_grader",
    "submission_get_for_grading",
    "Gradebook",
    "GradebookBucket",
    "GradebookCell",
    "GradebookColumn",
    "GradebookRow",
    "UNCATEGORISED",
    "gradebook",
    "gradebook_csv",
    "quiz_columns_for_categories",
    "Deadline",
    "RecentGrade",
    "recent_grades",
    "upcoming_deadlines",
]
