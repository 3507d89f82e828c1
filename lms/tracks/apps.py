from django.apps import AppConfig


class TracksConfig(AppConfig):
    name = "lms.tracks"
    label = "tracks"
    verbose_name = "Tracks (programs) and projects"
