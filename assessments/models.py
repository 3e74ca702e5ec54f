"""Assessors and allocation: the assessor register (training, CPD, conflicts, availability, the RPAs an assessor
will assess for), quality management (reviews and actions), and assessments booked against the weekly cap."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from candidates.models import Candidate
from hnap.audit import audited
from hnap.models import RPA, PreparationProvider, School, TenantOwnedModel

# ASR-6: no more than five assessments in any Monday-to-Sunday week without a recorded override.
WEEKLY_CAP = 5
# ASM-2: the candidate's written tasks reach the assessor at least 10 days before the assessment (a deadline).
TASKS_DEADLINE_KIND = "assessments.tasks_due"
TASKS_DAYS_BEFORE = 10


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
    # another RPA reaches it only through an object grant (ASR-5). Both end when the booking is cancelled. The
    # candidate sees their own assessment (date, written tasks, the appeals procedure: ASM-2, APP-2).
    access_owner_path = ("owner", "candidate__user")
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
    candidate_informed_at = models.DateTimeField(
        null=True, blank=True, help_text="The candidate was sent the booking and the appeals procedure (APP-2)."
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["assessor", "week_start"], condition=Q(state="booked"), name="assessment_booked_week"),
            models.Index(fields=["rpa", "starts_at"]),
            # The list's own order (issue 10): a page of 50 walks this index instead of sorting the RPA's rows.
            models.Index(fields=["starts_at", "id"], name="assessment_list_order"),
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


# --- the assessment file F0-F15, scrutiny and results (issue 6) -----------------------------------------------


class Outcome(models.TextChoices):
    """The outcomes an assessment can have (recommended by the assessor, confirmed through moderation)."""

    MET = "met", "Met: all the standards are met"
    NOT_MET = "not_met", "Not met: insufficient evidence that all the standards are met"
    PARTIAL = "partial", "Partial reassessment on named standards"
    FULL = "full", "Full reassessment"


class FileState(models.TextChoices):
    DRAFT = "draft", "Being completed"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for revision"
    ACCEPTED = "accepted", "Accepted for moderation"
    CLOSED = "closed", "Closed"


@audited()
class AssessmentFile(TenantOwnedModel):
    """The assessment file (F0-F15) of one assessment: the assessor's draft, its submitted versions (ASM-4, ASM-5),
    the candidate's task documents (ASM-2) and where it stands at scrutiny (SCR-1..SCR-3)."""

    # The assessor reaches the file they write as its owner, whichever register they are on (a cross-RPA booking
    # reaches the assessment itself through an object grant, ASR-5); the owner is cleared if the booking is cancelled.
    access_owner_path = "owner"

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="file")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="assessment_files")
    assessor = models.ForeignKey(Assessor, on_delete=models.PROTECT, related_name="files")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    state = models.CharField(max_length=12, choices=FileState.choices, default=FileState.DRAFT)
    # The draft, part by part (see assessments.file_parts): saved as the assessor goes, validated on submit.
    draft = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    version_count = models.PositiveSmallIntegerField(default=0)
    recommended_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    cycle_month = models.DateField(
        null=True, blank=True, help_text="The moderation cycle (the month of the first submission)."
    )
    resubmitted = models.BooleanField(default=False, help_text="Submitted more than once (always moderated, MOD-3).")
    is_reassessment = models.BooleanField(default=False, help_text="A reassessment after a partial or full outcome.")
    was_returned = models.BooleanField(default=False, help_text="Returned at scrutiny: must be accepted (SCR-1).")
    flagged_difficult = models.BooleanField(default=False, help_text="Difficult to resolve (SCR-3).")
    flagged_principle = models.BooleanField(default=False, help_text="Raises an issue of principle (SCR-3).")
    tasks_sent_at = models.DateTimeField(null=True, blank=True, help_text="The candidate sent the written tasks.")
    tasks_on_time = models.BooleanField(null=True, help_text="Sent at least 10 days before the assessment (ASM-2).")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["rpa", "cycle_month", "state"]),
            models.Index(fields=["assessor", "cycle_month"]),
            # The list's own order (issue 10): a page of 50 walks this index instead of sorting the RPA's rows.
            models.Index(F("submitted_at").desc(nulls_last=True), F("id").desc(), name="file_list_order"),
        ]

    def __str__(self) -> str:
        return f"Assessment file of {self.candidate.full_name}"

    @property
    def moderatable(self) -> bool:
        """SCR-1: a submitted file can be moderated, unless it was returned and has not been accepted since."""
        return self.state == FileState.ACCEPTED or (self.state == FileState.SUBMITTED and not self.was_returned)


class DocumentKind(models.TextChoices):
    TASK = "task", "Written task response sheet"
    EVIDENCE = "evidence", "Documentary evidence"


@audited()
class TaskDocument(TenantOwnedModel):
    """A document the candidate sends before the assessment (a task's response sheet F1-F8, or documentary
    evidence), stored encrypted; a replaced document is kept (a submitted version may name it)."""

    access_owner_path = ("file__owner", "file__candidate__user")

    file = models.ForeignKey(AssessmentFile, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    task_number = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 to 8 for a response sheet.")
    title = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=160)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_path = models.CharField(max_length=200, editable=False)
    key_id = models.CharField(max_length=40, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "task_number", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="task", task_number__gte=1, task_number__lte=8)
                | Q(kind="evidence", task_number__isnull=True),
                name="task_document_number",
            ),
            models.UniqueConstraint(
                fields=["file", "task_number"],
                condition=Q(kind="task", replaced_at__isnull=True),
                name="one_current_sheet_per_task",
            ),
        ]

    def __str__(self) -> str:
        return f"F{self.task_number}: {self.name}" if self.kind == DocumentKind.TASK else self.title or self.name


class DocumentIssue(TenantOwnedModel):
    """PREP-3: an issue in the candidate's documents that will harm the assessment, sent back before it."""

    access_owner_path = ("file__owner", "file__candidate__user")

    file = models.ForeignKey(AssessmentFile, on_delete=models.PROTECT, related_name="document_issues")
    message = models.TextField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"Issue in {self.file.candidate.full_name}'s documents"


class FileVersion(TenantOwnedModel):
    """A submitted version of a file, kept unchanged (ASM-5): the content, the documents it named, the outcome.
    The database refuses to change or delete one (a trigger, migration 0003)."""

    access_owner_path = "file__owner"

    file = models.ForeignKey(AssessmentFile, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    content = models.JSONField()
    documents = models.JSONField(default=list, help_text="The task documents as submitted: id, name, sha256.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["file", "number"]
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="file_version_number_unique")]
        # The API's list order, newest first (issue 10): a page walks this index backwards.
        indexes = [models.Index(fields=["submitted_at", "id"], name="file_version_list_order")]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.file}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("A submitted version is kept unchanged (ASM-5): submit a new version instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ScrutinyDecisionKind(models.TextChoices):
    ACCEPT = "accept", "Accept for moderation"
    RETURN = "return", "Return to the assessor for revision"


@audited()
class ScrutinyDecision(TenantOwnedModel):
    """Pre-upload scrutiny of one submitted version (SCR-1, SCR-3): accepted or returned, with any flags."""

    access_owner_path = "file__owner"

    file = models.ForeignKey(AssessmentFile, on_delete=models.PROTECT, related_name="scrutinies")
    version = models.ForeignKey(FileVersion, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=ScrutinyDecisionKind.choices)
    reasons = models.TextField(blank=True)
    flag_difficult = models.BooleanField(default=False)
    flag_principle = models.BooleanField(default=False)
    flag_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.file}"


class PreparationQuality(models.TextChoices):
    WELL = "well", "Well prepared"
    ADEQUATE = "adequate", "Adequately prepared"
    POOR = "poor", "Poorly prepared"


@audited()
class PreparationFeedback(TenantOwnedModel):
    """The assessor's feedback to the PoP on how well the candidate was prepared (PREP-1), and whether preparation
    harmed the assessment (PREP-2). The PoP sees it once the RPA has passed it on."""

    access_owner_path = "file__owner"
    access_pop_path = "passed_to"

    file = models.OneToOneField(AssessmentFile, on_delete=models.PROTECT, related_name="preparation_feedback")
    quality = models.CharField(max_length=10, choices=PreparationQuality.choices)
    comments = models.TextField()
    harmed = models.BooleanField(default=False, help_text="Preparation harmed the assessment (PREP-2).")
    harm_details = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    passed_to = models.ForeignKey(
        PreparationProvider, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    passed_on_at = models.DateTimeField(null=True, blank=True)
    passed_on_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rpa_note = models.TextField(blank=True, help_text="The RPA's covering note to the PoP.")
    candidate_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"Preparation feedback on {self.file.candidate.full_name}"


class ConfirmedVia(models.TextChoices):
    MODERATION = "moderation", "Moderation"
    EVENT_CLOSED = "event_closed", "The month's event closed without sampling it"


@audited()
class Result(TenantOwnedModel):
    """A confirmed outcome (MOD-12) and its release to the candidate, which waits for payment (PAY-1)."""

    access_owner_path = "candidate__user"

    file = models.OneToOneField(AssessmentFile, on_delete=models.PROTECT, related_name="result")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="results")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reassess_standards = models.JSONField(default=list, blank=True, help_text="Standard numbers to reassess.")
    confirmed_via = models.CharField(max_length=15, choices=ConfirmedVia.choices)
    confirmed_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    letter_path = models.CharField(max_length=200, blank=True, editable=False)
    letter_key_id = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        ordering = ["-confirmed_at", "-pk"]
        indexes = [
            models.Index(fields=["released_at"], condition=Q(released_at__isnull=True), name="result_unreleased"),
            # The list's own order (issue 10): a page of 50 walks this index instead of sorting the RPA's rows.
            models.Index(fields=["confirmed_at", "id"], name="result_list_order"),
        ]

    def __str__(self) -> str:
        return f"Result of {self.candidate.full_name}: {self.get_outcome_display()}"
