from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Wiring between peer apps (no models): the LMS's courses and tracks as crowdfunding seat targets."""

    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from crowdfunding.api import seat_target_register

        from .scholarship_seats import CourseSeats, TrackSeats

        seat_target_register("course", CourseSeats())
        seat_target_register("track", TrackSeats())
