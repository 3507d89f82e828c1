"""Certificate rules (draft per course, frozen in each course version; live on a track), issued
certificates (immutable rows: the database refuses UPDATE), revocations, and bulk-issue jobs.

A Certificate row carries everything a document or a credential shows, *as issued*: the
learner's name, the course/track title, the institution's name, the grade band, the total and
the score breakdown of the marksheet. Courses and tracks may change or go; the row does not.
Two columns are write-once (NULL -> value, never changed after): `status_list_index` and
`credential`, so the verifiable-credential part can seal a certificate after it is issued.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class CourseRules(models.Model):
    """The DRAFT certificate rules of a course: published with the course into its version's
    snapshot (key "certificate"); eligibility reads the snapshot of the learner's version."""

    course = models.OneToOneField("courses.Course", on_delete=models.CASCADE, related_name="+")
    rules = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)


class TrackRules(models.Model):
    """A track's certificate rules. Tracks have no versions, so these are live: a change applies
    to every learner not yet certified (the rule set's digest is part of the certificate)."""

    track = models.OneToOneField("tracks.Track", on_delete=models.CASCADE, related_name="+")
    rules = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)


class Certificate(models.Model):
    class Subject(models.TextChoices):
        COURSE = "course", "Course"
        TRACK = "track", "Track"

    class Source(models.TextChoices):
        AUTO = "auto", "Issued automatically"
        STAFF = "staff", "Issued by staff"
        BULK = "bulk", "Bulk issue"
        REISSUE = "reissue", "Reissued"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=32, unique=True)
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    subject_kind = models.CharField(max_length=8, choices=Subject.choices)
    # No database constraint: a certificate outlives its course or track (it shows them as issued).
    course = models.ForeignKey("courses.Course", null=True, blank=True, on_delete=models.DO_NOTHING,
                               db_constraint=False, related_name="+")
    track = models.ForeignKey("tracks.Track", null=True, blank=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    version_number = models.PositiveIntegerField(null=True, blank=True, help_text="The course version whose rules applied")
    rules = models.JSONField(help_text="The rule set applied, as it was")
    rules_digest = models.CharField(max_length=16)
    # As issued
    learner_name = models.CharField(max_length=300)
    subject_title = models.CharField(max_length=300)
    institution_name = models.CharField(max_length=200)
    issued_at = models.DateTimeField()
    grade_band = models.CharField(max_length=40)
    total_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    breakdown = models.JSONField(default=list, help_text="Marksheet lines: see eligibility.Line")
    source = models.CharField(max_length=8, choices=Source.choices)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                                  db_constraint=False, related_name="+")
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replaced_by")
    # Write-once (the trigger allows NULL -> value only): for the verifiable-credential part.
    status_list_index = models.PositiveIntegerField(null=True, blank=True, unique=True)
    credential = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            # One certificate per learner per subject and rule set (course version rules); a
            # reissue (replaces set) is the only second one, and one per replaced certificate.
            models.UniqueConstraint(fields=["learner", "subject_kind", "course", "track", "rules_digest"],
                                    condition=Q(replaces__isnull=True), nulls_distinct=False,
                                    name="certificate_one_per_rule_set"),
            models.CheckConstraint(condition=(Q(subject_kind="course", course__isnull=False, track__isnull=True)
                                              | Q(subject_kind="track", track__isnull=False, course__isnull=True)),
                                   name="certificate_subject_matches"),
        ]
        indexes = [models.Index(fields=["course", "issued_at"], name="certificate_course_issued"),
                   models.Index(fields=["track", "issued_at"], name="certificate_track_issued")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("A certificate is immutable once issued: revoke it and reissue instead.")
        super().save(*args, **kwargs)


class Revocation(models.Model):
    certificate = models.OneToOneField(Certificate, on_delete=models.CASCADE, related_name="revocation")
    reason = models.CharField(max_length=500)
    revoked_at = models.DateTimeField()
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                                   db_constraint=False, related_name="+")

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("A revocation is final.")
        super().save(*args, **kwargs)


class BulkIssueJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    # {"issued": [{"learner", "number"}], "not_eligible": [{"learner", "reasons"}], "already": [{"learner", "number"}]}
    report = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return int(self.processed * 100 / self.total) if self.total else (100 if self.status == "done" else 0)


class CertificateSettings(models.Model):
    """One row per tenant schema (pk 1): how the institution's certificate documents print. Name,
    colour and logo come from the site settings (tenant branding); the signatories live here."""

    class PageSize(models.TextChoices):
        A4 = "A4", "A4"
        LETTER = "Letter", "US Letter"

    MAX_SIGNATORIES = 3

    page_size = models.CharField(max_length=8, choices=PageSize.choices, default=PageSize.A4)
    # [{"name", "title", "signature": a file name in the tenant's storage or ""}], at most MAX_SIGNATORIES
    signatories = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
