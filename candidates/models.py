"""Candidates from application to registration: courses, applications, employer declarations, Standard 11
evidence, disability disclosures, invoices and payments, and reports of changes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hnap.audit import audited
from hnap.models import PreparationProvider, School, TenantOwnedModel


class Subject(models.TextChoices):
    ENGLISH = "english", "English or literacy"
    MATHS = "maths", "Mathematics or numeracy"


class Level2Qualification(models.Model):
    """An accepted Level 2 qualification (S11-5): a maintained list the Partnership edits."""

    subject = models.CharField(max_length=10, choices=Subject.choices)
    name = models.CharField(max_length=200)
    minimum = models.CharField(max_length=120, help_text="The lowest grade or level accepted.")
    needs_rpa_decision = models.BooleanField(
        default=False, help_text="Accepted only with the RPA's recorded decision (an 'other' qualification)."
    )
    active = models.BooleanField(default=True, help_text="Inactive qualifications are no longer offered.")

    class Meta:
        ordering = ["subject", "needs_rpa_decision", "name"]
        constraints = [models.UniqueConstraint(fields=["subject", "name"], name="level2_qualification_unique")]
        verbose_name = "accepted Level 2 qualification"

    def __str__(self) -> str:
        return f"{self.name} ({self.minimum})"


@audited()
class PreparationCourse(TenantOwnedModel):
    """A PoP's preparation course for candidates registering with one RPA, with its three session dates."""

    access_pop_path = "pop"

    pop = models.ForeignKey(PreparationProvider, on_delete=models.PROTECT, related_name="courses")
    name = models.CharField(max_length=200)
    first_session = models.DateField(help_text="Level 2 originals are checked at this session (S11-1).")
    second_session = models.DateField(help_text="Registration is expected by the end of this session (REG-6).")
    final_session = models.DateField(help_text="Level 2 copies reach the RPA well before this session (S11-1).")

    class Meta:
        ordering = ["-first_session", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_session__lte=models.F("second_session"))
                & Q(second_session__lte=models.F("final_session")),
                name="course_sessions_in_order",
            ),
        ]
        indexes = [models.Index(fields=["rpa", "pop"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.pop.name}, from {self.first_session:%d %b %Y})"


class FundingSource(models.TextChoices):
    SCHOOL = "school", "The school"
    ORGANISATION = "organisation", "Another organisation"
    SELF = "self", "Self-funded"


class CandidateStatus(models.TextChoices):
    """One clear state of a candidate's application; `candidates.selectors.NEXT_STEPS` says who acts next."""

    DRAFT = "draft", "Application started"
    AWAITING_EMPLOYER = "awaiting_employer", "Awaiting employer declaration"
    AWAITING_LEVEL2 = "awaiting_level2", "Awaiting Level 2 evidence"
    AWAITING_VERIFICATION = "awaiting_verification", "Level 2 evidence to verify"
    AWAITING_READINESS = "awaiting_readiness", "Readiness to decide"
    READY_TO_REGISTER = "ready_to_register", "Ready to register"
    REGISTERED = "registered", "Registered"
    NOT_ELIGIBLE = "not_eligible", "Cannot proceed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ReadinessDecision(models.TextChoices):
    PENDING = "pending", "Not decided"
    APPROVED = "approved", "Ready"
    DECLINED = "declined", "Not ready"


@audited()
class Candidate(TenantOwnedModel):
    """A teaching assistant's application for HLTA assessment; the school's region decides the RPA (REGION-1)."""

    access_pop_path = "pop"
    access_owner_path = "user"

    reference = models.CharField(max_length=30, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidacies",
        help_text="The candidate's own sign-in, once they have one.",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="candidates")
    job_title = models.CharField(max_length=150, help_text="The candidate's role in the school.")
    age_range_from = models.PositiveSmallIntegerField(help_text="Youngest age of the children worked with.")
    age_range_to = models.PositiveSmallIntegerField(help_text="Oldest age of the children worked with.")
    nursery_exception_reason = models.TextField(
        blank=True, help_text="Why a school-run nursery with 2-year-old provision is suitable (REG-1)."
    )
    nursery_exception_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nursery_exception_approved_at = models.DateTimeField(null=True, blank=True)
    funding_source = models.CharField(max_length=20, choices=FundingSource.choices)
    funder_name = models.CharField(max_length=200, blank=True, help_text="The organisation paying, if not the school.")
    pop = models.ForeignKey(PreparationProvider, on_delete=models.PROTECT, related_name="candidates")
    course = models.ForeignKey(PreparationCourse, on_delete=models.PROTECT, related_name="candidates")
    status = models.CharField(max_length=30, choices=CandidateStatus.choices, default=CandidateStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    readiness = models.CharField(max_length=10, choices=ReadinessDecision.choices, default=ReadinessDecision.PENDING)
    readiness_note = models.TextField(blank=True)
    readiness_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    readiness_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_late = models.BooleanField(default=False, help_text="Registered after the second session (REG-6).")
    level2_outcome_note = models.TextField(
        blank=True, help_text="Why the candidate cannot proceed yet (S11-3), as told to them and their PoP."
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["rpa", "status"]),
            models.Index(fields=["rpa", "last_name", "first_name"]),
            models.Index(fields=["pop", "status"]),
            models.Index(fields=["course"]),
            models.Index(fields=["rpa", "created_at"]),
            # The list's own order (issue 10): a page of 50 walks this index instead of sorting the RPA's rows.
            models.Index(fields=["last_name", "first_name", "id"], name="candidate_list_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(age_range_from__lte=models.F("age_range_to")), name="age_range_order"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.reference})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def needs_nursery_exception(self) -> bool:
        """Works with 2-year-olds: eligible only as a recorded, approved exception (REG-1)."""
        return self.age_range_from < 3


def _declaration_nonce() -> str:
    return uuid.uuid4().hex


@audited()
class EmployerDeclaration(TenantOwnedModel):
    """The headteacher's or senior leader's declaration of support (REG-3, REG-5), made through a single-use link."""

    access_pop_path = "candidate__pop"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="declarations")
    sent_to_name = models.CharField(max_length=200)
    sent_to_email = models.EmailField()
    nonce = models.CharField(max_length=32, default=_declaration_nonce, unique=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True, help_text="Replaced by a new link.")
    # What the declarer declares, and who they are.
    declarer_name = models.CharField(max_length=200, blank=True)
    declarer_role = models.CharField(max_length=150, blank=True)
    suitable = models.BooleanField(default=False)
    whole_class_twice = models.BooleanField(default=False)
    level2_evidence_seen = models.BooleanField(default=False)
    opportunities_all_standards = models.BooleanField(default=False)
    declared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["candidate", "-requested_at"])]

    def __str__(self) -> str:
        return f"Employer declaration for {self.candidate.full_name} ({self.sent_to_name})"

    @property
    def is_complete(self) -> bool:
        return self.declared_at is not None

    @property
    def is_usable(self) -> bool:
        return self.declared_at is None and self.withdrawn_at is None and self.expires_at > timezone.now()


class EvidenceState(models.TextChoices):
    SUBMITTED = "submitted", "Submitted, awaiting the RPA"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Replaced by a later upload"


@audited()
class Level2Evidence(TenantOwnedModel):
    """A copy of a candidate's Level 2 certificate for one subject, with the PoP's signed verification (S11-1)
    and the RPA's decision (S11-2, S11-3). The file is stored encrypted (S11-4)."""

    access_pop_path = "candidate__pop"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="level2_evidence")
    subject = models.CharField(max_length=10, choices=Subject.choices)
    qualification = models.ForeignKey(Level2Qualification, on_delete=models.PROTECT, related_name="+")
    other_qualification_name = models.CharField(
        max_length=200, blank=True, help_text="For an 'other' qualification: its full name and awarding body."
    )
    grade = models.CharField(max_length=60)
    achieved_on = models.DateField()
    # The encrypted copy (hnap.files): never served from a public URL.
    file_path = models.CharField(max_length=200, editable=False)
    file_name = models.CharField(max_length=200)
    file_type = models.CharField(max_length=40)
    file_size = models.PositiveIntegerField()
    file_sha256 = models.CharField(max_length=64)
    file_key_id = models.CharField(max_length=20, help_text="Which encryption key wrote the file.")
    # The PoP's verification: the original was seen and the copy is an exact replica.
    verified_by_name = models.CharField(max_length=200)
    original_seen_on = models.DateField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # The RPA's decision.
    state = models.CharField(max_length=12, choices=EvidenceState.choices, default=EvidenceState.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(
        blank=True, help_text="Why it was rejected, or why an 'other' qualification was accepted."
    )

    class Meta:
        ordering = ["candidate", "subject", "-uploaded_at"]
        verbose_name_plural = "Level 2 evidence"
        indexes = [models.Index(fields=["candidate", "subject", "state"])]
        constraints = [
            # At most one live copy per subject: a new upload supersedes the one before.
            models.UniqueConstraint(
                fields=["candidate", "subject"],
                condition=Q(state__in=["submitted", "accepted"]),
                name="one_live_level2_evidence_per_subject",
            ),
        ]

    def __str__(self) -> str:
        name = self.other_qualification_name or self.qualification.name
        return f"{self.get_subject_display()}: {name}, {self.grade}"


@audited()
class DisabilityDisclosure(TenantOwnedModel):
    """A disclosed disability and the adjustments asked for and made (REG-8): special-category data, seen
    only by the RPA (and, from allocation, the assessor)."""

    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="disclosure")
    disclosure = models.TextField(help_text="What the candidate chose to tell us.")
    adjustments_requested = models.TextField(blank=True)
    adjustments_made = models.TextField(blank=True, help_text="The reasonable adjustments the RPA will make.")
    adjustments_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adjustments_recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Disability disclosure of {self.candidate.full_name}"


class ChangeKind(models.TextChoices):
    MISTAKE = "mistake", "A mistake in the registration details"
    CHANGE = "change", "A change to the registration details"
    ANOMALY = "anomaly", "Anomalous circumstances that may affect the assessment"


@audited()
class ChangeReport(TenantOwnedModel):
    """A PoP's report of a mistake, change or anomalous circumstance (REG-7), and how the RPA resolved it."""

    access_pop_path = "candidate__pop"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="change_reports")
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    description = models.TextField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["rpa", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.candidate.full_name}"


@audited()
class RegionalCharge(TenantOwnedModel):
    """A named regional charge of an RPA, separate from the national assessment fee (PAY-2)."""

    name = models.CharField(max_length=150)
    amount_pence = models.PositiveIntegerField()
    description = models.TextField(blank=True, help_text="Shown to candidates and schools.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["rpa", "name"], name="regional_charge_name_unique")]

    def __str__(self) -> str:
        return f"{self.name}: GBP {self.amount_pence / 100:.2f}"


class LineKind(models.TextChoices):
    ASSESSMENT_FEE = "assessment_fee", "National assessment fee"
    REGIONAL_CHARGE = "regional_charge", "Regional charge"


@audited()
class Invoice(TenantOwnedModel):
    """An invoice for a candidate's assessment: the national fee in force plus any named regional charges."""

    access_pop_path = "candidate__pop"
    access_owner_path = "candidate__user"

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=30, unique=True, editable=False)
    payer = models.CharField(max_length=20, choices=FundingSource.choices)
    payer_name = models.CharField(max_length=200)
    issued_on = models.DateField(default=timezone.localdate)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["candidate"]),
            # The list's own order (issue 10): a page of 50 walks this index instead of sorting the RPA's rows.
            models.Index(fields=["issued_on", "id"], name="invoice_list_order"),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.number} for {self.candidate.full_name}"


class InvoiceLine(TenantOwnedModel):
    """One line of an invoice; the assessment fee line's amount is the national fee, never typed in."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=20, choices=LineKind.choices)
    description = models.CharField(max_length=200)
    amount_pence = models.PositiveIntegerField()

    class Meta:
        ordering = ["invoice", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.description}: GBP {self.amount_pence / 100:.2f}"


@audited()
class Payment(TenantOwnedModel):
    """Money received against an invoice (PAY-1)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount_pence = models.PositiveIntegerField()
    received_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True, help_text="Bank or card reference.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"GBP {self.amount_pence / 100:.2f} received {self.received_on:%d %b %Y}"
