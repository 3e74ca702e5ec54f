"""Data protection (DATA-1, S11-4): subject-access exports, per-RPA retention periods and the runs that apply them,
re-encryption under a new key, and the personal-data breach register."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from hnap.audit import audited
from hnap.models import TenantOwnedModel


class ExportState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Being prepared"
    READY = "ready", "Ready to download"
    DOWNLOADED = "downloaded", "Downloaded (deleted)"
    EXPIRED = "expired", "Expired (deleted)"
    FAILED = "failed", "Failed"


@audited()
class SubjectAccessExport(TenantOwnedModel):
    """A subject-access export of everything held on one candidate (DATA-1): an encrypted ZIP, downloadable once by
    the administrator who asked for it, until it expires; then the archive is deleted."""

    access_owner_path = "requested_by"

    candidate = models.ForeignKey("candidates.Candidate", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=12, choices=ExportState.choices, default=ExportState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done while being prepared.")
    progress_note = models.CharField(max_length=200, blank=True)
    # The archive, encrypted (hnap.files); emptied once downloaded or expired.
    file_path = models.CharField(max_length=200, blank=True, editable=False)
    file_key_id = models.CharField(max_length=20, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField(default=0)
    contents = models.JSONField(default=dict, blank=True, help_text="Kind of record -> how many the archive holds.")
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["state", "expires_at"])]

    def __str__(self) -> str:
        return f"Subject access export for {self.candidate}"

    @property
    def available(self) -> bool:
        return self.state == ExportState.READY and bool(self.expires_at and self.expires_at > timezone.now())


@audited()
class RetentionPolicy(TenantOwnedModel):
    """An RPA's retention periods (DATA-1, S11-4), counted from the release of the candidate's outcome."""

    evidence_months = models.PositiveSmallIntegerField(
        default=12, help_text="Level 2 evidence copies are deleted this many months after the outcome is released."
    )
    anonymise_years = models.PositiveSmallIntegerField(
        default=6,
        help_text="Candidates' personal data are anonymised this many years after the outcome is released.",
    )
    export_link_days = models.PositiveSmallIntegerField(
        default=7, help_text="A subject-access archive can be downloaded for this many days."
    )
    note = models.CharField(
        max_length=250, blank=True, help_text="Why these periods (e.g. the decision that set them)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "retention policies"
        constraints = [models.UniqueConstraint(fields=["rpa"], name="one_retention_policy_per_rpa")]

    def __str__(self) -> str:
        return f"Retention of {self.rpa}"


class RetentionRun(TenantOwnedModel):
    """What one application of an RPA's retention periods did, or would do (a dry run)."""

    dry_run = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    evidence_before = models.DateTimeField(help_text="Evidence of outcomes released before this is due for deletion.")
    anonymise_before = models.DateTimeField(help_text="Candidates with outcomes released before this are due.")
    evidence_deleted = models.PositiveIntegerField(default=0)
    candidates_anonymised = models.PositiveIntegerField(default=0)
    files_deleted = models.PositiveIntegerField(default=0)
    versions_rewritten = models.PositiveIntegerField(default=0)
    history_removed = models.PositiveIntegerField(default=0)
    details = models.JSONField(default=dict, blank=True, help_text="The candidates' references, by what was done.")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{'Dry run' if self.dry_run else 'Retention run'} of {self.started_at:%d %B %Y %H:%M}"


class Anonymisation(TenantOwnedModel):
    """A candidate whose personal data retention anonymised (so a later run leaves them alone)."""

    candidate = models.OneToOneField("candidates.Candidate", on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(RetentionRun, null=True, on_delete=models.SET_NULL, related_name="anonymisations")
    done_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Anonymised {self.done_at:%B %Y}"


class KeyRotation(models.Model):
    """A background re-encryption of every stored file under the current key (resumable: it walks each kind of
    file in id order and keeps its place)."""

    key_id = models.CharField(max_length=20, help_text="The key every file is rewritten under.")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # Where it got to: kind label -> the last id rewritten.
    cursor = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Re-encryption under {self.key_id} ({self.done}/{self.total})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)


@audited()
class Breach(TenantOwnedModel):
    """A personal-data breach in an RPA's register: what happened, when found and contained, who was told, and
    whether the ICO was told within 72 hours of finding it (or why not)."""

    reference = models.CharField(max_length=30, unique=True, editable=False)
    title = models.CharField(max_length=200)
    what_happened = models.TextField()
    data_affected = models.TextField(help_text="Whose data and which data.")
    people_affected = models.PositiveIntegerField(default=0)
    occurred_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField()
    contained_at = models.DateTimeField(null=True, blank=True)
    people_told = models.TextField(blank=True, help_text="Who was told (people affected, the lead, the Partnership).")
    told_at = models.DateTimeField(null=True, blank=True)
    ico_reported = models.BooleanField(default=False)
    ico_reported_at = models.DateTimeField(null=True, blank=True)
    ico_reason = models.TextField(help_text="Why the ICO was, or was not, told.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-found_at"]
        verbose_name_plural = "breaches"

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def ico_due_at(self) -> datetime:
        """72 hours after the breach was found (UK GDPR article 33)."""
        return self.found_at + timedelta(hours=72)

    @property
    def ico_check(self) -> str:
        """ "in_time", "late", "not_reported" (a reason recorded) or "due" (still inside the 72 hours)."""
        if self.ico_reported and self.ico_reported_at:
            return "in_time" if self.ico_reported_at <= self.ico_due_at else "late"
        if timezone.now() <= self.ico_due_at:
            return "due"
        return "not_reported"
