"""Assessors and allocation: the assessor register (training, CPD, conflicts, availability, the RPAs an assessor
will assess for), quality management (reviews and actions), and assessments booked against the weekly cap."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from candidates.models import Candidate
from hnap.audit import audited
from hnap.models import RPA, PreparationProvider, School, TenantOwnedModel

# ASR-6: no more than five assessments in any Monday-to-Sunday week without a recorded override.
WEEKLY_CAP = 5


def week_start(day: date) -> date:
    """The Monday of the week a day falls in (weeks run Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


class AssessorStatus(models.TextChoices):
    IN_TRAINING = "in_training", "In training"
    ACTIVE = "active", "Active"
    FIRST_SOLO_PENDING_QA = "first_solo_pending_qa", "First solo assessment pending QA"
    SUSPENDED = "suspended", "Suspended pending investigation"
    REMOVED = "removed", "Removed from the register"


class TrainingTopic(models.TextChoices):
    """The seven topics of an assessor's initial training (ASR-1)."""

    STANDARDS = "standards", "The HLTA standards and guidance"
    PREPARATION = "preparation", "The nature and scope of preparation"
    SCRUTINY = "scrutiny", "Pre-assessment scrutiny of candidate documentation"
    QUESTIONS = "questions", "Formulating focused questions"
    INTERVIEWS = "interviews", "Purposes and timings of interviews, and legible recording"
    DOCUMENTATION = "documentation", "Completing assessment documentation"
    QUALITY = "quality", "Moderation and quality-assurance requirements"


@audited()
class Assessor(TenantOwnedModel):
    """An assessor on one RPA's register (the RPA is the register that holds them)."""

    access_owner_path = "user"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessor_entries")
    status = models.CharField(max_length=30, choices=AssessorStatus.choices, default=AssessorStatus.IN_TRAINING)
    is_senior = models.BooleanField(default=False, help_text="Named senior assessor of the RPA (ASR-4).")
    joined_on = models.DateField(default=timezone.localdate)
    willing_rpas = models.ManyToManyField(
        RPA,
        blank=True,
        related_name="visiting_assessors",
        help_text="Other RPAs of the Partnership this assessor will assess for (ASR-5).",
    )
    first_solo_qa_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_solo_qa_at = models.DateTimeField(null=True, blank=True)
    first_solo_qa_note = models.TextField(blank=True)
    calendar_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["user__full_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["rpa", "user"], name="one_register_entry_per_rpa")]
        indexes = [models.Index(fields=["rpa", "status"])]

    def __str__(self) -> str:
        return f"{self.user.full_name} ({self.get_status_display()})"


@audited()
class TrainingRecord(TenantOwnedModel):
    """One topic of initial training completed (ASR-1)."""

    access_owner_path = "assessor__user"

    assessor = models.ForeignKey(Assessor, on_delete=models.CASCADE, related_name="training")
    topic = models.CharField(max_length=20, choices=TrainingTopic.choices)
    completed_on = models.DateField()
    trainer = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["assessor", "topic"]
        constraints = [models.UniqueConstraint(fields=["assessor", "topic"], name="one_record_per_topic")]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} ({self.completed_on:%d %b %Y})"


@audited()
class CPDEntry(TenantOwnedModel):
    """Continuing professional development, mapped to the knowledge, skills and behaviours of ST1380 (ASR-3)."""

    access_owner_path = "assessor__user"

    assessor = models.ForeignKey(Assessor, on_delete=models.CASCADE, related_name="cpd")
    done_on = models.DateField()
    title = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    ksbs = models.JSONField(default=list, help_text="ST1380 codes, e.g. ['K4', 'S4', 'B2'].")
    reflection = models.TextField(blank=True)

    class Meta:
        ordering = ["-done_on", "-pk"]
        verbose_name = "CPD entry"
        verbose_name_plural = "CPD entries"

    def __str__(self) -> str:
        return f"{self.title} ({self.done_on:%d %b %Y})"


@audited()
class Conflict(TenantOwnedModel):
    """A declared connection with a school or a PoP: the assessor is never allocated its candidates (ASR-9)."""

    access_owner_path = "assessor__user"

    assessor = models.ForeignKey(Assessor, on_delete=models.CASCADE, related_name="conflicts")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    pop = models.ForeignKey(PreparationProvider, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=250)
    declared_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-declared_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=False, pop__isnull=True) | Q(school__isnull=True, pop__isnull=False),
                name="conflict_names_a_school_or_a_pop",
            )
        ]

    def __str__(self) -> str:
        return f"Conflict with {self.school or self.pop}: {self.reason}"


@audited()
class Unavailability(TenantOwnedModel):
    """A week an assessor cannot assess."""

    access_owner_path = "assessor__user"

    assessor = models.ForeignKey(Assessor, on_delete=models.CASCADE, related_name="unavailable_weeks")
    week_start = models.DateField(help_text="The Monday of the week.")
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["week_start"]
        constraints = [models.UniqueConstraint(fields=["assessor", "week_start"], name="one_unavailability_per_week")]
        verbose_name_plural = "unavailable weeks"

    def __str__(self) -> str:
        return f"Unavailable week of {self.week_start:%d %b %Y}"


class Rating(models.TextChoices):
    STRONG = "strong", "Strong"
    SATISFACTORY = "satisfactory", "Satisfactory"
    NEEDS_IMPROVEMENT = "needs_improvement", "Needs improvement"


# The six competency criteria of an assessor's review (ASR-7): field name -> label.
COMPETENCY_CRITERIA = {
    "preparation": "Preparation for assessments",
    "conduct": "Conduct of assessments",
    "outcomes": "Outcomes, including overturns",
    "paperwork": "Paperwork completed to deadlines",
    "communication": "Communication with the RPA",
    "participation": "Participation in quality assurance and training",
}


@audited()
class PerformanceReview(TenantOwnedModel):
    """A review of an assessor against the six competency criteria, with written feedback (ASR-7)."""

    access_owner_path = "assessor__user"

    assessor = models.ForeignKey(Assessor, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(default=timezone.localdate)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    preparation = models.CharField(max_length=20, choices=Rating.choices)
    conduct = models.CharField(max_length=20, choices=Rating.choices)
    outcomes = models.CharField(max_length=20, choices=Rating.choices)
    paperwork = models.CharField(max_length=20, choices=Rating.choices)
    communication = models.CharField(max_length=20, choices=Rating.choices)
    participation = models.CharField(max_length=20, choices=Rating.choices)
    feedback = models.TextField(help_text="The summary written feedback the assessor receives.")

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"Review of {self.assessor.user.full_name} on {self.reviewed_on:%d %b %Y}"


class QualityActionKind(models.TextChoices):
    """What an RPA can do when quality issues emerge (ASR-8)."""

    SUSPEND = "suspend", "Suspend pending a senior assessor's investigation"
    DISCUSSION = "discussion", "Discussion with a senior assessor"
    TRAINING = "training", "Further training"
    SHADOWING = "shadowing", "Shadowing or being shadowed"
    REMOVAL = "removal", "Removal from the register"


@audited()
class QualityAction(TenantOwnedModel):
    """A quality action on an assessor, with its dates, owner and outcome (ASR-8)."""

    assessor = models.ForeignKey(Assessor, on_delete=models.CASCADE, related_name="quality_actions")
    kind = models.CharField(max_length=20, choices=QualityActionKind.choices)
    reason = models.TextField()
    opened_on = models.DateField(default=timezone.localdate)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.assessor.user.full_name}"


class AssessmentMode(models.TextChoices):
    REMOTE = "remote", "Remote"
    ON_SITE = "on_site", "On site"


class AssessmentState(models.TextChoices):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"


@audited()
class Assessment(TenantOwnedModel):
    """A candidate's assessment allocated to an assessor and booked on a date (ASM-1..ASM-3); it counts towards the
    assessor's week (ASR-6). Its RPA is the candidate's; an assessor of another RPA holds an object grant (ASR-5)."""

    # The allocated assessor of the RPA's own register reaches a booked assessment as its owner; an assessor of
    # another RPA reaches it only through an object grant (ASR-5). Both end when the booking is cancelled.
    access_owner_path = "owner"
    access_pop_path = "candidate__pop"

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="assessments")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The allocated assessor while booked, when on the RPA's own register.",
    )
    assessor = models.ForeignKey(Assessor, on_delete=models.PROTECT, related_name="assessments")
    cross_rpa = models.BooleanField(default=False, help_text="The assessor is on another RPA's register (ASR-5).")
    state = models.CharField(max_length=12, choices=AssessmentState.choices, default=AssessmentState.BOOKED)
    starts_at = models.DateTimeField()
    week_start = models.DateField(editable=False, help_text="The Monday of the assessment's week (ASR-6).")
    mode = models.CharField(max_length=10, choices=AssessmentMode.choices, default=AssessmentMode.REMOTE)
    teacher_name = models.CharField(max_length=200, blank=True, help_text="The teacher interviewed (ASM-3).")
    senior_leader_name = models.CharField(max_length=200, blank=True, help_text="The senior leader interviewed.")
    adjustments = models.TextField(blank=True, help_text="Reasonable adjustments to apply (REG-8).")
    is_first_solo = models.BooleanField(default=False, help_text="The assessor's first solo assessment (ASR-2).")
    cap_override_reason = models.TextField(blank=True, help_text="Why a sixth assessment in the week is allowed.")
    cap_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unpaid_exception_reason = models.TextField(blank=True, help_text="Why it is booked before payment (PAY-1).")
    unpaid_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    allocated_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["assessor", "week_start"], condition=Q(state="booked"), name="assessment_booked_week"),
            models.Index(fields=["rpa", "starts_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate"], condition=Q(state="booked"), name="one_booked_assessment_per_candidate"
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment of {self.candidate.full_name} with {self.assessor.user.full_name}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.week_start = week_start(timezone.localtime(self.starts_at).date())
        super().save(*args, **kwargs)  # type: ignore[arg-type]
