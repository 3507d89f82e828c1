"""Forms of the authoring studio: course details, outline titles, content items, publishing, staff."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.template.defaultfilters import filesizeformat

from billing.api import money

from . import selectors, services
from .models import ContentItem, Course
from .video import video_url_check

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


def _http_url(value: str) -> None:
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValidationError("Use an http:// or https:// address.")


class CourseCreateForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    slug = forms.SlugField(label="Address (slug)", max_length=80, required=False,
                           help_text="Letters, digits and hyphens. Left empty, it is made from the title.")
    summary = forms.CharField(label="Summary", max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError("Give the course a title.")
        return title


class CourseForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    slug = forms.SlugField(label="Address (slug)", max_length=80,
                           help_text="Part of the course's web address. Changing it breaks old links.")
    summary = forms.CharField(label="Summary", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 10}),
                                  help_text="Markdown: **bold**, _italic_, lists, [links](https://example.org).")
    level = forms.ChoiceField(label="Level", choices=Course.Level.choices)
    estimated_minutes = forms.IntegerField(label="Estimated duration (minutes)", required=False, min_value=1,
                                           max_value=1_000_000)
    cover = forms.FileField(
        label="Cover image", required=False,
        help_text=f"{', '.join(services.COVER_KINDS.values())}; at most {filesizeformat(services.cover_max_bytes())}.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_cover = forms.BooleanField(label="Remove the current cover", required=False)
    tags = forms.CharField(label="Tags", required=False, max_length=1000, help_text="Separated by commas, e.g. python, data.")
    capacity = forms.IntegerField(label="Capacity", required=False, min_value=1, max_value=1_000_000,
                                  help_text="Most learners at a time; empty for no limit.")
    enrollment_opens_at = forms.DateTimeField(label="Enrollment opens (UTC)", required=False, widget=DateTimeLocalInput())
    enrollment_closes_at = forms.DateTimeField(label="Enrollment closes (UTC)", required=False, widget=DateTimeLocalInput())
    visibility = forms.ChoiceField(label="Visibility", choices=Course.Visibility.choices)
    price = forms.DecimalField(label="Price", min_value=0, max_digits=money.MAX_DIGITS, decimal_places=money.DECIMAL_PLACES, initial=0,
                               help_text="0 for a free course. Paid enrollment arrives with billing.")
    price_currency = forms.CharField(
        label="Currency", max_length=3, initial="USD",
        validators=[RegexValidator(r"^[A-Za-z]{3}$", "Use a three-letter ISO currency code such as USD.")],
    )

    @classmethod
    def for_course(cls, course: Course) -> CourseForm:
        return cls(initial={
            "title": course.title, "slug": course.slug, "summary": course.summary, "description": course.description,
            "level": course.level, "estimated_minutes": course.estimated_minutes, "tags": ", ".join(course.tags or []),
            "capacity": course.capacity, "enrollment_opens_at": course.enrollment_opens_at,
            "enrollment_closes_at": course.enrollment_closes_at, "visibility": course.visibility,
            "price": money.from_minor(course.price_amount, course.price_currency),
            "price_currency": course.price_currency,
        })

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError("Give the course a title.")
        return title

    def clean_cover(self):
        upload = self.cleaned_data.get("cover")
        if upload:
            services.cover_upload_read(upload)  # judged by its bytes, not its name; FileTooLarge is a ValidationError
        return upload

    def clean_tags(self):
        return services.tags_parse(self.cleaned_data.get("tags", ""))

    def clean_price_currency(self):
        return money.currency_clean(self.cleaned_data["price_currency"])

    def clean(self):
        data = super().clean()
        if data.get("cover") and data.get("remove_cover"):
            self.add_error("remove_cover", "Either upload a new cover or remove the current one, not both.")
        opens, closes = data.get("enrollment_opens_at"), data.get("enrollment_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("enrollment_closes_at", "Enrollment must close after it opens.")
        if data.get("price") is not None and data.get("price_currency"):
            try:
                data["price_amount"] = money.to_minor(data["price"], data["price_currency"])
            except ValidationError as exc:
                self.add_error("price", exc.messages)
        return data

    def too_large(self) -> bool:
        return any(e.code == "too_large" for e in self.errors.as_data().get("cover", []))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in (
            "title", "slug", "summary", "description", "level", "estimated_minutes", "tags", "capacity",
            "enrollment_opens_at", "enrollment_closes_at", "visibility", "price_amount", "price_currency",
        )}
        return {"cover_upload": data.get("cover") or None, "remove_cover": data["remove_cover"], **fields}


class TitleForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError("The title cannot be empty.")
        return title


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class ItemForm(forms.Form):
    """Add or edit a content item; which fields count depends on the kind."""

    kind = forms.ChoiceField(choices=ContentItem.Kind.choices, widget=forms.HiddenInput)
    title = forms.CharField(label="Title", max_length=200)
    body = forms.CharField(label="Text", required=False, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text="Markdown.")
    url = forms.URLField(label="URL", required=False, max_length=1000, assume_scheme="https", validators=[_http_url])
    file = forms.FileField(label="File", required=False,
                           help_text=f"At most {filesizeformat(services.file_max_bytes())}.")

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError("Give the item a title.")
        return title

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            services.file_upload_check(upload)
        return upload

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ContentItem.Kind.VIDEO:
            if data.get("url") and "url" not in self.errors:
                try:
                    video_url_check(data["url"])
                except ValidationError as exc:
                    self.add_error("url", exc)
            elif not data.get("file") and not self.editing and not self.errors.get("url") and not self.errors.get("file"):
                self.add_error("url", "Enter the video's address (URL) or upload a video file.")
        elif kind == ContentItem.Kind.LINK and not data.get("url") and "url" not in self.errors:
            self.add_error("url", "Enter the address (URL).")
        if kind == ContentItem.Kind.FILE and not data.get("file") and not self.editing and "file" not in self.errors:
            self.add_error("file", "Choose a file to upload.")
        return data

    def too_large(self) -> bool:
        return any(e.code == "too_large" for e in self.errors.as_data().get("file", []))


class PublishForm(forms.Form):
    change_note = forms.CharField(label="What changed", max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="Shown in the publish history.")


class RollbackForm(forms.Form):
    version = forms.IntegerField(min_value=1)


class StaffAddForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=150)
    course_role = forms.ChoiceField(label="Course role", choices=list(selectors.COURSE_ROLES.items()))
