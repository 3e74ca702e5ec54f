"""Enquiries (ENQ-1..ENQ-3) and appeals (APP-1..APP-7): an enquiry with every message in and out, a candidate's
appeal against their result with its acknowledgement and outcome, its referral to the Partnership, the review
panel that sits on it, and the monitoring figures an RPA shares with the Partnership."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hnap.audit import audited
from hnap.models import RPA, TenantOwnedModel

# Deadline kinds (hnap/deadlines.py): one open deadline per kind and record.
ENQUIRY_ACKNOWLEDGE_KIND = "appeals.enquiry_acknowledge"
ENQUIRY_ANSWER_KIND = "appeals.enquiry_answer"
APPEAL_ACKNOWLEDGE_KIND = "appeals.appeal_acknowledge"
APPEAL_OUTCOME_KIND = "appeals.appeal_outcome"

# ENQ-1: working days to acknowledge an enquiry and to answer it.
ENQUIRY_ACKNOWLEDGE_DAYS = 3
ENQUIRY_ANSWER_DAYS = 10
# APP-4: working days to acknowledge an appeal (as for any enquiry), and the default time within which it is
# considered, which the RPA states in its acknowledgement.
APPEAL_ACKNOWLEDGE_DAYS = 3
APPEAL_CONSIDER_DAYS = 20


class EnquiryChannel(models.TextChoices):
    WEB_FORM = "web_form", "Public contact form"
    SIGNED_IN = "signed_in", "Signed-in user"
    EMAIL = "email", "Email (logged by staff)"
    PHONE = "phone", "Phone call (logged by staff)"


class LoggedChannel(models.TextChoices):
    """How an enquiry logged by staff arrived."""

    EMAIL = "email", "Email (logged by staff)"
    PHONE = "phone", "Phone call (logged by staff)"


class EnquiryNature(models.TextChoices):
    """What an enquiry is about (APP-5 monitors the nature of enquiries)."""

    REGISTRATION = "registration", "Registration and eligibility"
    PREPARATION = "preparation", "Preparation"
    ASSESSMENT = "assessment", "Assessment arrangements"
    RESULTS = "results", "Results"
    PAYMENT = "payment", "Fees and payment"
    COMPLAINT = "complaint", "Complaint"
    OTHER = "other", "Something else"


class EnquiryState(models.TextChoices):
    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ANSWERED = "answered", "Answered"


@audited()
class Enquiry(TenantOwnedModel):
    """A question or request to an RPA from anyone (ENQ-1): acknowledged in 3 working days, answered in 10."""

    access_owner_path = "raised_by"

    reference = models.CharField(max_length=30, unique=True, editable=False)
    channel = models.CharField(max_length=12, choices=EnquiryChannel.choices)
    nature = models.CharField(max_length=15, choices=EnquiryNature.choices, default=EnquiryNature.OTHER)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiries"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=12, choices=EnquiryState.choices, default=EnquiryState.RECEIVED)
    received_at = models.DateTimeField(default=timezone.now)
    acknowledge_due_at = models.DateTimeField()
    answer_due_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name_plural = "enquiries"
        indexes = [
            # The queue: an RPA's enquiries by state and the next due time; the dashboard: by month received.
            models.Index(fields=["rpa", "state", "answer_due_at"]),
            models.Index(fields=["rpa", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"

    @property
    def next_due_at(self) -> object:
        """What is owed next: the acknowledgement, then the answer; nothing once answered."""
        if self.state == EnquiryState.RECEIVED:
            return self.acknowledge_due_at
        if self.state == EnquiryState.ACKNOWLEDGED:
            return self.answer_due_at
        return None


class MessageDirection(models.TextChoices):
    IN = "in", "Received"
    OUT = "out", "Sent"
    NOTE = "note", "Internal note"


@audited()
class EnquiryMessage(TenantOwnedModel):
    """One message in or out of an enquiry, kept on it for good (ENQ-1)."""

    access_owner_path = "enquiry__raised_by"

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=4, choices=MessageDirection.choices)
    body = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_to = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} on {self.enquiry_id}"


class AppealGround(models.TextChoices):
    """APP-3: the only grounds; academic judgement is listed so that such an appeal can be refused with reasons."""

    INCONSISTENT = "inconsistent", "The RPA used procedures inconsistent with the Code of Practice"
    IMPROPER = "improper", "The RPA used the procedures improperly or unfairly in reaching the judgement"
    ACADEMIC = "academic", "I disagree with the assessor's judgement"


VALID_GROUNDS = (AppealGround.INCONSISTENT, AppealGround.IMPROPER)


class AppealMadeBy(models.TextChoices):
    CANDIDATE = "candidate", "The candidate"
    THIRD_PARTY = "third_party", "Someone else on the candidate's behalf"


class AppealState(models.TextChoices):
    REFUSED = "refused", "Refused"
    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    DECIDED = "decided", "Outcome sent"
    REFERRED = "referred", "Referred to the Partnership"
    PANEL = "panel", "Review panel sitting"
    REVIEWED = "reviewed", "Reviewed by the Partnership"


class AppealDecision(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"


@audited()
class Appeal(TenantOwnedModel):
    """A candidate's appeal against their result (APP-1, APP-3, APP-4); refused appeals are kept with the reason."""

    access_owner_path = "candidate__user"

    reference = models.CharField(max_length=30, unique=True, editable=False)
    candidate = models.ForeignKey("candidates.Candidate", on_delete=models.PROTECT, related_name="appeals")
    result = models.ForeignKey("assessments.Result", on_delete=models.PROTECT, related_name="appeals")
    made_by = models.CharField(max_length=12, choices=AppealMadeBy.choices, default=AppealMadeBy.CANDIDATE)
    made_by_name = models.CharField(max_length=200, blank=True, help_text="Who made it, when not the candidate.")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    identity_check = models.TextField(
        blank=True, help_text="APP-1: how staff confirmed the candidate's identity when logging the appeal."
    )
    ground = models.CharField(max_length=12, choices=AppealGround.choices)
    statement = models.TextField(help_text="What happened, in the candidate's words.")
    evidence = models.TextField(help_text="APP-3: the evidence for the ground.")
    state = models.CharField(max_length=12, choices=AppealState.choices, default=AppealState.RECEIVED)
    refusal_reason = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consider_by = models.DateField(null=True, blank=True, help_text="APP-4: the date by which it will be considered.")
    letter_path = models.CharField(max_length=200, blank=True, editable=False)
    letter_key_id = models.CharField(max_length=40, blank=True, editable=False)
    decision = models.CharField(max_length=12, choices=AppealDecision.choices, blank=True)
    decision_reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["rpa", "state", "received_at"])]

    def __str__(self) -> str:
        return f"{self.reference}: appeal of {self.candidate}"


class PanelState(models.TextChoices):
    SITTING = "sitting", "Sitting"
    CLOSED = "closed", "Closed"


class PanelDecision(models.TextChoices):
    UPHOLD = "uphold", "Appeal upheld: the RPA reconsiders the judgement"
    DISMISS = "dismiss", "Appeal dismissed: the RPA's outcome stands"


@audited()
class Referral(TenantOwnedModel):
    """APP-6: a candidate still dissatisfied refers their appeal to the Partnership, which convenes a panel."""

    appeal = models.OneToOneField(Appeal, on_delete=models.PROTECT, related_name="referral")
    reasons = models.TextField(help_text="Why the candidate is still dissatisfied.")
    referred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-referred_at", "-pk"]

    def __str__(self) -> str:
        return f"Referral of {self.appeal.reference}"


@audited()
class ReviewPanel(TenantOwnedModel):
    """APP-6, APP-7: two senior assessors (or other named persons) of two other RPAs review one referred appeal; they
    see that case through object grants only while the panel sits."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="panel")
    member_one = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member_one_rpa = models.ForeignKey(RPA, on_delete=models.PROTECT, related_name="+")
    member_two = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member_two_rpa = models.ForeignKey(RPA, on_delete=models.PROTECT, related_name="+")
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    convened_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=8, choices=PanelState.choices, default=PanelState.SITTING)
    decision = models.CharField(max_length=8, choices=PanelDecision.choices, blank=True)
    decision_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-convened_at", "-pk"]
        constraints = [
            # The database refuses what the service refuses: two people, two RPAs, neither the candidate's.
            models.CheckConstraint(condition=~Q(member_one=models.F("member_two")), name="panel_two_people"),
            models.CheckConstraint(condition=~Q(member_one_rpa=models.F("member_two_rpa")), name="panel_two_rpas"),
            models.CheckConstraint(
                condition=~Q(member_one_rpa=models.F("rpa")) & ~Q(member_two_rpa=models.F("rpa")),
                name="panel_not_the_candidates_rpa",
            ),
        ]

    def __str__(self) -> str:
        return f"Review panel on {self.referral.appeal.reference}"

    def members(self) -> list[int]:
        return [self.member_one_id, self.member_two_id]


@audited()
class MonitoringShare(TenantOwnedModel):
    """APP-5: an RPA's monitoring figures (counts by month, nature and outcome, no personal data) shared with the
    Partnership on request."""

    year = models.PositiveSmallIntegerField()
    figures = models.JSONField(help_text="Rows of month, kind, nature or outcome, and count.")
    note = models.CharField(max_length=250, blank=True, help_text="The Partnership's request this answers.")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-shared_at", "-pk"]

    def __str__(self) -> str:
        return f"Monitoring {self.year} of {self.rpa}"
