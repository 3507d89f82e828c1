"""Signals other apps listen to (through lms.tracks.api).

- track_staff_removed(track, user): someone left the track staff.
"""
from django.dispatch import Signal

track_staff_removed = Signal()
