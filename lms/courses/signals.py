"""Signals other apps listen to (through lms.courses.api), so courses need not know them.

- enrollment_created(enrollment): a learner joined (or came back to) a course; sent inside the
  enrollment's transaction, with the course row locked.
- course_staff_removed(course, user): someone left the course staff.
"""
from django.dispatch import Signal

enrollment_created = Signal()
course_staff_removed = Signal()
