"""Monthly moderation (issue 7): moderators and their competence (MOD-2), peer-review pairings and nominations
(PEER-1, PEER-2), the monthly event and its cohort (MOD-1), the reproducible draw and the sample with its reasons
(MOD-3..MOD-5, ASR-2, SCR-3), decisions with the second moderator (MOD-6, MOD-8), the review-pending cascade (MOD-7),
feedback to assessors (MOD-9, ASR-7, ASR-8), the moderators' report (MOD-10), trends sent to PoPs (MOD-11) and the
joint report of the peer reviewer and the moderator (PEER-3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from assessments.models import AssessmentFile, Assessor, Outcome, QualityAction, QualityActionKind, Result
from hnap.audit import audited
from hnap.models import RPA, PreparationProvider, TenantOwnedModel

# PEER-3: the joint report is due this many working days after the monthly event (a deadline of the engine).
JOINT_REPORT_DEADLINE_KIND = "moderation.joint_report_due"
JOINT_REPORT_WORKING_DAYS = 3
# PEER-2: pairings last three months.
PAIRING_MONTHS = 3
# MOD-3: the share of met files drawn at random (rounded up, at least one where any exist).
RANDOM_SHARE_PERCENT = 5


@audited()
class Moderator(TenantOwnedModel):
    """A moderator nominated by an RPA (MOD-1): an experienced assessor trained in moderation, who decides alone only
    once a senior moderator has confirmed their competence, e.g. after trial moderations (MOD-2)."""

    access_owner_path = "user"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderator_entries")
    assessor = models.ForeignKey(
        Assessor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderator_entries",
        help_text="Their entry on the RPA's register of assessors (moderators are experienced assessors).",
    )
    is_senior = models.BooleanField(default=False, help_text="A senior moderator: confirms others' competence.")
    active = models.BooleanField(default=True)
    trained_on = models.DateField(null=True, blank=True, help_text="Trained in moderation on this day.")
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nominated_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text="Competence confirmed (MOD-2).")
    confirmation_note = models.TextField(blank=True, help_text="What the confirmation rests on (trial moderations).")

    class Meta:
        ordering = ["user__full_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["rpa", "user"], name="one_moderator_entry_per_rpa")]

    def __str__(self) -> str:
        return f"{self.user.full_name} ({'confirmed' if self.is_confirmed else 'not yet confirmed'})"

    @property
    def is_confirmed(self) -> bool:
        """MOD-2: confirmed competent (a senior moderator is confirmed by nature of the role)."""
        return self.is_senior or self.confirmed_at is not None


@audited()
class PeerReviewPairing(TenantOwnedModel):
    """PEER-2: for a three-month period, which RPA peer-reviews this one (`rpa` is the reviewed RPA, so the record
    stays tenant-owned); set by the Partnership."""

    reviewer_rpa = models.ForeignKey(RPA, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(help_text="The first day of the first month of the period.")
    period_end = models.DateField(help_text="The last day of the third month.")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_start", "rpa__name"]
        constraints = [
            models.UniqueConstraint(fields=["rpa", "period_start"], name="one_reviewer_per_rpa_and_period"),
            models.CheckConstraint(condition=~Q(rpa=models.F("reviewer_rpa")), name="pairing_not_self"),
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")), name="pairing_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_rpa} peer-reviews {self.rpa} ({self.period_start:%b %Y}-{self.period_end:%b %Y})"


@audited()
class PeerReviewNomination(TenantOwnedModel):
    """PEER-1: for one month, the peer reviewer and the deputy an RPA provides (`rpa` is the reviewing RPA, whose
    people they are) to the RPA it reviews under that period's pairing."""

    reviewed_rpa = models.ForeignKey(RPA, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="The first day of the month.")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deputy = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nominated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month", "rpa__name"]
        constraints = [
            models.UniqueConstraint(fields=["rpa", "month"], name="one_nomination_per_rpa_and_month"),
            models.CheckConstraint(condition=~Q(reviewer=models.F("deputy")), name="deputy_is_another_person"),
        ]

    def __str__(self) -> str:
        return f"Peer reviewer for {self.reviewed_rpa} in {self.month:%B %Y}"


class EventState(models.TextChoices):
    PLANNED = "planned", "Planned"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


@audited()
class ModerationEvent(TenantOwnedModel):
    """MOD-1: an RPA's monthly moderation event for one cycle (calendar month) with its cohort, sample and decisions.
    planned -> open (cohort fixed, sample drawn and decided) -> closed (outcomes confirmed, MOD-12)."""

    month = models.DateField(help_text="The cycle moderated: the first day of the month.")
    held_on = models.DateField(help_text="The day the event is held.")
    state = models.CharField(max_length=10, choices=EventState.choices, default=EventState.PLANNED)
    lead_moderator = models.ForeignKey(
        Moderator, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_events"
    )
    # PEER-1: taken from the reviewing RPA's nomination for the month when the event opens.
    peer_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    peer_deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    peer_rpa = models.ForeignKey(RPA, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # MOD-5: the nationally agreed standards of the month (copied when the event opens) and the RPA's own choices.
    national_standards = models.JSONField(default=list, blank=True, help_text="Standard numbers set nationally.")
    rpa_standards = models.JSONField(default=list, blank=True, help_text="Standard numbers the RPA adds.")
    cohort_size = models.PositiveIntegerField(default=0, help_text="Files in the cohort when the event opened.")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    # PEER-4: the peer reviewer reaches the event's files only between these two times.
    review_opened_at = models.DateTimeField(null=True, blank=True)
    review_closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month", "rpa__name"]
        constraints = [models.UniqueConstraint(fields=["rpa", "month"], name="one_event_per_rpa_and_month")]
        indexes = [models.Index(fields=["rpa", "state"])]

    def __str__(self) -> str:
        return f"Moderation of {self.month:%B %Y}"

    @property
    def review_open(self) -> bool:
        """PEER-4: the peer review is open (the peer reviewer holds grants on the event's files)."""
        return self.review_opened_at is not None and self.review_closed_at is None


@audited()
class SampleDraw(TenantOwnedModel):
    """MOD-3: the random draw of met files, reproducible: the seed, the population in its stable order, who drew it
    and when; re-running `moderation.sampling.random_draw` on the population with the seed gives `drawn` again."""

    event = models.OneToOneField(ModerationEvent, on_delete=models.PROTECT, related_name="draw")
    seed = models.BigIntegerField()
    population = models.JSONField(default=list, help_text="The met files' ids in the order the draw read them.")
    drawn = models.JSONField(default=list, help_text="The ids drawn, in draw order.")
    share_percent = models.PositiveSmallIntegerField(default=RANDOM_SHARE_PERCENT)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"Draw of {len(self.drawn)} from {len(self.population)} met files (seed {self.seed})"


class SampleReason(models.TextChoices):
    """Why a file is in the sample (MOD-3, MOD-4, MOD-7, ASR-2, SCR-3); a file can have several."""

    NOT_MET = "not_met", "Not met: insufficient evidence that all standards are met"
    PARTIAL = "partial", "Recommended for partial reassessment"
    RESUBMITTED = "resubmitted", "Resubmitted file"
    FULL_REASSESSMENT = "full_reassessment", "Full reassessment"
    DIFFICULT = "difficult", "Flagged at scrutiny as difficult to resolve"
    PRINCIPLE = "principle", "Flagged at scrutiny as raising an issue of principle"
    FIRST_SOLO = "first_solo", "The assessor's first solo assessment (ASR-2)"
    REVIEW = "review", "Referred to moderation by the RPA's review of a review-pending file (MOD-7)"
    RANDOM = "random", "Drawn at random from the met files by the peer reviewer"
    COVERAGE_ASSESSOR = "coverage_assessor", "Yearly coverage: an assessor not yet sampled this year (MOD-4)"
    COVERAGE_POP = "coverage_pop", "Yearly coverage: a PoP not yet sampled this year (MOD-4)"
    COVERAGE_WEIGHTED = "coverage_weighted", "Heavier sampling: a new assessor or past difficulties (MOD-4)"


class SampleOrigin(models.TextChoices):
    MANDATORY = "mandatory", "Always sampled"
    RANDOM = "random", "Random draw"
    COVERAGE = "coverage", "Added for yearly coverage"


class StandardSource(models.TextChoices):
    """Why a standard is moderated in a file (MOD-5)."""

    INSUFFICIENT = "insufficient", "Judged to have insufficient evidence"
    NATIONAL = "national", "Nationally agreed for the month"
    RPA = "rpa", "Chosen by the RPA"


@audited()
class SampleEntry(TenantOwnedModel):
    """One file in an event's sample, with every reason it is there and the standards to moderate in it (MOD-3..5)."""

    event = models.ForeignKey(ModerationEvent, on_delete=models.PROTECT, related_name="entries")
    file = models.ForeignKey(AssessmentFile, on_delete=models.PROTECT, related_name="sample_entries")
    origin = models.CharField(max_length=10, choices=SampleOrigin.choices)
    reasons = models.JSONField(default=list, help_text="SampleReason codes, most pressing first.")
    standards = models.JSONField(default=list, help_text="Standard numbers to moderate, ascending (MOD-5).")
    standard_sources = models.JSONField(
        default=dict, blank=True, help_text="Standard number (as text) -> StandardSource codes: why it is moderated."
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["event", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "file"], name="file_sampled_once_per_event")]
        indexes = [models.Index(fields=["rpa", "file"])]
        verbose_name_plural = "sample entries"

    def __str__(self) -> str:
        return f"{self.file} in {self.event}"


class Verdict(models.TextChoices):
    """What the moderators decide on a sampled file (MOD-6, MOD-8)."""

    ENDORSE = "endorse", "Endorse the recommended outcome"
    OVERTURN = "overturn", "Overturn: reclassify the outcome"
    RECORDS_LACKING = "records_lacking", "Records lacking: back to the assessor to complete"
    PROCESS_LACKING = "process_lacking", "Process lacking: full reassessment by another assessor"


class DecisionState(models.TextChoices):
    """recorded -> (awaiting_second ->) confirmed, or -> rejected by the second moderator (then recorded afresh)."""

    AWAITING_SECOND = "awaiting_second", "Awaiting a second moderator"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Not agreed by the second moderator"


class DocumentationQuality(models.TextChoices):
    """How the candidate's documentation was completed (a PoP trend, MOD-11)."""

    GOOD = "good", "Well completed"
    ADEQUATE = "adequate", "Adequately completed"
    POOR = "poor", "Poorly completed"


@audited()
class ModerationDecision(TenantOwnedModel):
    """The moderators' decision on one sampled file: per moderated standard agree or disagree with the evidence,
    then a verdict (MOD-6, MOD-8). An overturn (and process lacking, a reclassification to full reassessment) takes
    effect only once a second moderator agrees; so does any verdict of a moderator not yet confirmed (MOD-2)."""

    entry = models.OneToOneField(SampleEntry, on_delete=models.PROTECT, related_name="decision")
    file = models.ForeignKey(AssessmentFile, on_delete=models.PROTECT, related_name="moderation_decisions")
    moderator = models.ForeignKey(Moderator, on_delete=models.PROTECT, related_name="decisions")
    judgements = models.JSONField(
        default=dict, help_text='Standard number (as text) -> {"agree": bool, "note": str}, one per moderated standard.'
    )
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    new_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, help_text="On an overturn.")
    reassess_standards = models.JSONField(default=list, blank=True, help_text="For a partial reassessment outcome.")
    reasons = models.TextField(blank=True, help_text="Why: required for every verdict but an endorsement.")
    documentation = models.CharField(max_length=10, choices=DocumentationQuality.choices, blank=True)
    state = models.CharField(max_length=16, choices=DecisionState.choices)
    decided_at = models.DateTimeField(default=timezone.now)
    second_moderator = models.ForeignKey(
        Moderator, null=True, blank=True, on_delete=models.PROTECT, related_name="second_reviews"
    )
    second_agrees = models.BooleanField(null=True, blank=True)
    second_note = models.TextField(blank=True)
    second_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    result = models.ForeignKey(Result, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["entry__event", "entry"]
        indexes = [models.Index(fields=["rpa", "state"]), models.Index(fields=["verdict", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(second_moderator=models.F("moderator")), name="second_moderator_is_another_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: {self.file}"

    @property
    def needs_second(self) -> bool:
        return self.state == DecisionState.AWAITING_SECOND


class ReviewState(models.TextChoices):
    PENDING = "pending", "Review pending"
    REVIEWED = "reviewed", "Reviewed by the RPA"


class ReviewOutcome(models.TextChoices):
    """The RPA's separate review of a review-pending file (MOD-7)."""

    STANDS = "stands", "The recommended outcome stands"
    MODERATE = "moderate", "Moderate the file at the next event"


@audited()
class ReviewPending(TenantOwnedModel):
    """MOD-7: a file of an assessor whose other result was reclassified as full reassessment; its outcome cannot be
    confirmed until the RPA's separate review."""

    file = models.ForeignKey(AssessmentFile, on_delete=models.PROTECT, related_name="review_flags")
    caused_by = models.ForeignKey(ModerationDecision, on_delete=models.PROTECT, related_name="cascade")
    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING)
    flagged_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["flagged_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["file"], condition=Q(state="pending"), name="one_pending_review_per_file")
        ]
        indexes = [models.Index(fields=["rpa", "state"])]
        verbose_name_plural = "review-pending flags"

    def __str__(self) -> str:
        return f"Review pending: {self.file}"


class Sanction(models.TextChoices):
    """A sanction in the feedback to an assessor (MOD-9), opening the quality action of that kind (ASR-8)."""

    NONE = "", "None"
    SUSPEND = QualityActionKind.SUSPEND.value, QualityActionKind.SUSPEND.label
    DISCUSSION = QualityActionKind.DISCUSSION.value, QualityActionKind.DISCUSSION.label
    TRAINING = QualityActionKind.TRAINING.value, QualityActionKind.TRAINING.label
    SHADOWING = QualityActionKind.SHADOWING.value, QualityActionKind.SHADOWING.label
    REMOVAL = QualityActionKind.REMOVAL.value, QualityActionKind.REMOVAL.label


@audited()
class AssessorFeedback(TenantOwnedModel):
    """MOD-9, ASR-7: the moderators' written feedback to one moderated assessor after an event: strengths,
    weaknesses, the reasons for every change of outcome, any sanction with its justification. The assessor reaches
    it (as `recipient`) once it is sent."""

    access_owner_path = "recipient"

    event = models.ForeignKey(ModerationEvent, on_delete=models.PROTECT, related_name="feedback")
    assessor = models.ForeignKey(Assessor, on_delete=models.PROTECT, related_name="moderation_feedback")
    strengths = models.TextField(blank=True)
    weaknesses = models.TextField(blank=True)
    change_reasons = models.TextField(blank=True, help_text="The reasons for every change of outcome (always).")
    sanction = models.CharField(max_length=20, choices=Sanction.choices, blank=True, default="")
    sanction_justification = models.TextField(blank=True)
    quality_action = models.ForeignKey(
        QualityAction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["event", "assessor"]
        constraints = [
            models.UniqueConstraint(fields=["event", "assessor"], name="one_feedback_per_assessor_and_event")
        ]
        verbose_name_plural = "assessor feedback"

    def __str__(self) -> str:
        return f"Feedback to {self.assessor.user.full_name} ({self.event})"


@audited()
class ModeratorsReport(TenantOwnedModel):
    """MOD-10: what the moderators report to the RPA would improve its training, quality assurance and support of
    assessors, after an event."""

    event = models.OneToOneField(ModerationEvent, on_delete=models.PROTECT, related_name="moderators_report")
    training = models.TextField(blank=True)
    quality_assurance = models.TextField(blank=True)
    support = models.TextField(blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-written_at"]

    def __str__(self) -> str:
        return f"Moderators' report on {self.event}"


@audited()
class PoPTrendFeedback(TenantOwnedModel):
    """MOD-11: the trends the RPA sent to one PoP about its own candidates (weakly evidenced standards, how the
    documentation was completed), for an event or the year to date, as sent."""

    access_pop_path = "pop"

    pop = models.ForeignKey(PreparationProvider, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(
        ModerationEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="pop_feedback"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    trends = models.JSONField(
        default=dict, help_text="The table as sent: files, standards weakly evidenced, documentation."
    )
    message = models.TextField(help_text="The RPA's message to the PoP.")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name_plural = "PoP trend feedback"

    def __str__(self) -> str:
        return f"Trends sent to {self.pop} ({self.period_start:%b %Y}-{self.period_end:%b %Y})"


@audited()
class JointReport(TenantOwnedModel):
    """PEER-3: the joint report of the peer reviewer and the moderator on an event, due within 3 working days of
    it, covering the issues discussed or confirming none were raised (chased by the deadline engine)."""

    event = models.OneToOneField(ModerationEvent, on_delete=models.PROTECT, related_name="joint_report")
    peer_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderator = models.ForeignKey(Moderator, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    issues_raised = models.BooleanField(null=True, blank=True, help_text="Blank until the report is written.")
    issues = models.TextField(blank=True, help_text="The issues discussed.")
    for_partnership = models.TextField(blank=True, help_text="Issues to be taken forward to the Partnership.")
    due_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_at"]

    def __str__(self) -> str:
        return f"Joint report on {self.event}"

    @property
    def is_late(self) -> bool:
        """Late: not submitted by its due time, or submitted after it (PEER-3 shows both)."""
        return (self.submitted_at or timezone.now()) > self.due_at
