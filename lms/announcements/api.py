"""Front door of `lms.announcements` (nothing else imports it yet): the unread announcements of a member."""
from .selectors import announcement_list_for_user

__all__ = ["announcement_list_for_user"]
