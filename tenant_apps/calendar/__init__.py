"""Per-user calendar: deadlines and course events that other apps register as sources, pages and an iCal feed."""
