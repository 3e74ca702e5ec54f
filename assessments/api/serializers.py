"""Serializers of the assessments API: request bodies are parsed here and the rules are checked by
assessments.services; answers show the register and the bookings as the user may see them.

Nested records carry no `"id"`: a record with an endpoint of its own is named by its `url` (and by the pk a write
takes, under the field name of that write, e.g. `assessor`); a record without one (a CPD entry, a conflict) is shown
whole where its assessor is.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.models import (
    COMPETENCY_CRITERIA,
    WEEKLY_CAP,
    Assessment,
    AssessmentMode,
    AssessmentState,
    Assessor,
    AssessorStatus,
    Conflict,
    CPDEntry,
    PerformanceReview,
    QualityAction,
    QualityActionKind,
    Rating,
    TrainingRecord,
    TrainingTopic,
    Unavailability,
)
from assessments.st1380 import KSBS
from candidates.models import Candidate
from hnap.models import RPA, PreparationProvider, School
from hnap.roles import Action


def assessor_url(assessor_id: int) -> str:
    return reverse("api-assessor-detail", args=[assessor_id])


def assessment_url(assessment_id: int) -> str:
    return reverse("api-assessment-detail", args=[assessment_id])


def candidate_url(candidate_id: int) -> str:
    return reverse("api-candidate-detail", args=[candidate_id])


class ChangeableCandidateField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A candidate the user may act on (allocation is a change to the candidate): another RPA's answers exactly
    like a missing one."""

    def get_queryset(self) -> Any:
        queryset: Any = super().get_queryset()
        return queryset.restrict(getattr(self.context.get("request"), "user", None), Action.CHANGE)


# --- the register ----------------------------------------------------------------------------------


class AssessorFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The register's filters, as query parameters."""

    status = serializers.ChoiceField(choices=AssessorStatus.choices, required=False)
    is_senior = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: senior assessors only (ASR-4)."
    )


class AssessorListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """An assessor as the register lists them."""

    url = serializers.SerializerMethodField()
    name = serializers.CharField(source="user.full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    rpa = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    training_complete = serializers.SerializerMethodField(help_text="The seven topics of initial training (ASR-1).")

    class Meta:
        model = Assessor
        fields = [
            "id",
            "url",
            "name",
            "email",
            "rpa",
            "status",
            "status_label",
            "is_senior",
            "joined_on",
            "training_complete",
        ]
        read_only_fields = fields

    def get_url(self, assessor: Assessor) -> str:
        return assessor_url(assessor.pk)

    def get_training_complete(self, assessor: Assessor) -> bool:
        # The list's queryset annotates the count; a single record counts its prefetched training.
        done = getattr(assessor, "trained_topics", None)
        if done is None:
            done = len({record.topic for record in assessor.training.all()})
        return bool(done >= len(TrainingTopic.values))


class TopicSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A topic of initial training not yet recorded (ASR-1)."""

    topic = serializers.ChoiceField(choices=TrainingTopic.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # a field, taken off the class by DRF's metaclass


class TrainingRecordSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A topic of initial training completed (ASR-1)."""

    label = serializers.CharField(source="get_topic_display", read_only=True)  # type: ignore[assignment]

    class Meta:
        model = TrainingRecord
        fields = ["topic", "label", "completed_on", "trainer"]
        read_only_fields = fields


class KSBSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    text = serializers.CharField()


class CPDEntrySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """CPD mapped to the knowledge, skills and behaviours of ST1380 (ASR-3)."""

    ksb_texts = serializers.SerializerMethodField()

    class Meta:
        model = CPDEntry
        fields = ["done_on", "title", "hours", "ksbs", "ksb_texts", "reflection"]
        read_only_fields = fields

    @extend_schema_field(KSBSerializer(many=True))
    def get_ksb_texts(self, entry: CPDEntry) -> Any:
        return [{"code": code, "text": KSBS.get(code, "")} for code in entry.ksbs]


class ConflictSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A declared connection with a school or a PoP (ASR-9)."""

    school_urn = serializers.IntegerField(source="school.urn", read_only=True, allow_null=True)
    school_name = serializers.CharField(source="school.name", read_only=True, allow_null=True)
    pop_name = serializers.CharField(source="pop.name", read_only=True, allow_null=True)

    class Meta:
        model = Conflict
        fields = ["school_urn", "school_name", "pop", "pop_name", "reason", "declared_on"]
        read_only_fields = fields


class UnavailabilitySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A week the assessor cannot assess."""

    class Meta:
        model = Unavailability
        fields = ["week_start", "reason"]
        read_only_fields = fields


class PerformanceReviewSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A review against the six competency criteria with the written feedback (ASR-7)."""

    reviewer_name = serializers.CharField(source="reviewer.full_name", read_only=True, allow_null=True)

    class Meta:
        model = PerformanceReview
        fields = ["reviewed_on", "reviewer_name", *COMPETENCY_CRITERIA, "feedback"]
        read_only_fields = fields


class QualityActionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A quality action with its dates, owner and outcome (ASR-8)."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    owner_name = serializers.CharField(source="owner.full_name", read_only=True, allow_null=True)

    class Meta:
        model = QualityAction
        fields = ["kind", "kind_label", "reason", "opened_on", "due_on", "owner_name", "outcome", "closed_on"]
        read_only_fields = fields


class WeekCountSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Assessments booked in one coming week, against the cap (ASR-6)."""

    week_start = serializers.DateField()
    booked = serializers.IntegerField()
    cap = serializers.IntegerField()


class AssessorDetailSerializer(AssessorListSerializer):
    """An assessor's register entry. Each list holds only what the user may see (the view passes them in the
    context): an assessor sees their own reviews but not the RPA's quality actions about them."""

    training = serializers.SerializerMethodField()
    training_missing = serializers.SerializerMethodField()
    first_solo_qa_at = serializers.DateTimeField(read_only=True, allow_null=True)
    first_solo_qa_note = serializers.CharField(read_only=True)
    cpd = serializers.SerializerMethodField()
    conflicts = serializers.SerializerMethodField()
    unavailable_weeks = serializers.SerializerMethodField()
    willing_rpas = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="slug", many=True, read_only=True, help_text="The other RPAs this assessor assesses for (ASR-5)."
    )
    reviews = serializers.SerializerMethodField()
    quality_actions = serializers.SerializerMethodField()
    weeks = serializers.SerializerMethodField(help_text="Assessments booked in the coming weeks against the cap.")
    calendar_feed_on = serializers.SerializerMethodField(help_text="Whether the calendar feed link is issued.")

    class Meta(AssessorListSerializer.Meta):
        fields = [
            *AssessorListSerializer.Meta.fields,
            "training",
            "training_missing",
            "first_solo_qa_at",
            "first_solo_qa_note",
            "cpd",
            "conflicts",
            "unavailable_weeks",
            "willing_rpas",
            "reviews",
            "quality_actions",
            "weeks",
            "calendar_feed_on",
        ]
        read_only_fields = fields

    def visible(self, name: str) -> list[Any]:
        return list(self.context.get("visible", {}).get(name, []))

    @extend_schema_field(TrainingRecordSerializer(many=True))
    def get_training(self, assessor: Assessor) -> Any:
        return TrainingRecordSerializer(self.visible("training"), many=True).data

    @extend_schema_field(TopicSerializer(many=True))
    def get_training_missing(self, assessor: Assessor) -> Any:
        done = {record.topic for record in assessor.training.all()}
        return [{"topic": value, "label": label} for value, label in TrainingTopic.choices if value not in done]

    @extend_schema_field(CPDEntrySerializer(many=True))
    def get_cpd(self, assessor: Assessor) -> Any:
        return CPDEntrySerializer(self.visible("cpd"), many=True).data

    @extend_schema_field(ConflictSerializer(many=True))
    def get_conflicts(self, assessor: Assessor) -> Any:
        return ConflictSerializer(self.visible("conflicts"), many=True).data

    @extend_schema_field(UnavailabilitySerializer(many=True))
    def get_unavailable_weeks(self, assessor: Assessor) -> Any:
        return UnavailabilitySerializer(self.visible("unavailable_weeks"), many=True).data

    @extend_schema_field(PerformanceReviewSerializer(many=True))
    def get_reviews(self, assessor: Assessor) -> Any:
        return PerformanceReviewSerializer(self.visible("reviews"), many=True).data

    @extend_schema_field(QualityActionSerializer(many=True))
    def get_quality_actions(self, assessor: Assessor) -> Any:
        return QualityActionSerializer(self.visible("quality_actions"), many=True).data

    @extend_schema_field(WeekCountSerializer(many=True))
    def get_weeks(self, assessor: Assessor) -> Any:
        return [{"week_start": monday, "booked": n, "cap": WEEKLY_CAP} for monday, n in self.context.get("weeks", [])]

    def get_calendar_feed_on(self, assessor: Assessor) -> bool:
        return bool(assessor.calendar_token)


class AssessorCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A person to put on the RPA's register: found by email address, or given an account without a password
    (they set one through the password-reset page)."""

    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=200, help_text="Used only when the person has no account yet.")
    is_senior = serializers.BooleanField(required=False, default=False, help_text="A senior assessor (ASR-4).")


class TrainingSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A topic of initial training completed (ASR-1); all seven make an assessor in training active."""

    topic = serializers.ChoiceField(choices=TrainingTopic.choices)
    completed_on = serializers.DateField()
    trainer = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SeniorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    is_senior = serializers.BooleanField(help_text="Name (true) or stop naming (false) a senior assessor (ASR-4).")


class WillingSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The other RPAs of the Partnership the assessor will assess for (ASR-5); the whole list, replacing it."""

    rpas = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="slug", queryset=RPA.objects.all(), many=True, help_text="RPA slugs; an empty list for none."
    )


class FirstSoloQASerializer(serializers.Serializer):  # type: ignore[type-arg]
    note = serializers.CharField(help_text="The outcome of the senior assessor's quality assurance (ASR-2).")


class ReviewCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A review against the six competency criteria (ASR-7); the assessor is told and sees the feedback."""

    preparation = serializers.ChoiceField(choices=Rating.choices, help_text=COMPETENCY_CRITERIA["preparation"])
    conduct = serializers.ChoiceField(choices=Rating.choices, help_text=COMPETENCY_CRITERIA["conduct"])
    outcomes = serializers.ChoiceField(choices=Rating.choices, help_text=COMPETENCY_CRITERIA["outcomes"])
    paperwork = serializers.ChoiceField(choices=Rating.choices, help_text=COMPETENCY_CRITERIA["paperwork"])
    communication = serializers.ChoiceField(choices=Rating.choices, help_text=COMPETENCY_CRITERIA["communication"])
    participation = serializers.ChoiceField(choices=Rating.choices, help_text=COMPETENCY_CRITERIA["participation"])
    feedback = serializers.CharField(help_text="The summary written feedback the assessor receives.")


class QualityActionCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A quality action (ASR-8): suspension and removal take the assessor out of allocation at once."""

    kind = serializers.ChoiceField(choices=QualityActionKind.choices)
    reason = serializers.CharField()
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class CPDCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """CPD mapped to ST1380's knowledge, skills and behaviours (ASR-3)."""

    done_on = serializers.DateField()
    title = serializers.CharField(max_length=200)
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    ksbs = serializers.ListField(
        child=serializers.CharField(max_length=4), help_text='ST1380 codes, e.g. ["K4", "S4", "B2"].'
    )
    reflection = serializers.CharField(required=False, allow_blank=True, default="")


class ConflictCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A connection with a school (by URN) or a PoP (by id), never both (ASR-9)."""

    school_urn = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="urn",
        source="school",
        queryset=School.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        error_messages={"does_not_exist": "No school or setting has this URN.", "invalid": "Enter the school's URN."},
    )
    pop = serializers.PrimaryKeyRelatedField(  # type: ignore[var-annotated]
        queryset=PreparationProvider.objects.all(), required=False, allow_null=True, default=None
    )
    reason = serializers.CharField(max_length=250)


class UnavailabilityCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    day = serializers.DateField(help_text="Any day of the week the assessor cannot assess (Monday to Sunday).")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CalendarFeedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    feed_url = serializers.CharField(help_text="The .ics link to subscribe to; anyone holding it sees the bookings.")


# --- assessments -------------------------------------------------------------------------------------


class AssessmentFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The assessment list's filters, as query parameters."""

    week = serializers.DateField(required=False, help_text="Any day of the week (Monday to Sunday) to list.")
    assessor = serializers.IntegerField(required=False, help_text="An assessor's id.")
    state = serializers.ChoiceField(choices=AssessmentState.choices, required=False)
    cross_rpa = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: assessors of other RPAs only (ASR-5)."
    )


class AssessmentListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A booked (or cancelled) assessment as the list shows it."""

    url = serializers.SerializerMethodField()
    rpa = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    candidate_reference = serializers.CharField(source="candidate.reference", read_only=True)
    candidate_name = serializers.CharField(source="candidate.full_name", read_only=True)
    assessor_name = serializers.CharField(source="assessor.user.full_name", read_only=True)
    assessor_url = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "url",
            "rpa",
            "candidate",
            "candidate_reference",
            "candidate_name",
            "assessor",
            "assessor_url",
            "assessor_name",
            "cross_rpa",
            "state",
            "state_label",
            "starts_at",
            "week_start",
            "mode",
            "teacher_name",
            "senior_leader_name",
            "is_first_solo",
        ]
        read_only_fields = fields

    def get_url(self, assessment: Assessment) -> str:
        return assessment_url(assessment.pk)

    def get_assessor_url(self, assessment: Assessment) -> str:
        return assessor_url(assessment.assessor_id)


class CandidateSummarySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """Who is assessed: enough to prepare the assessment."""

    url = serializers.SerializerMethodField()
    name = serializers.CharField(source="full_name", read_only=True)
    school_urn = serializers.IntegerField(source="school.urn", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    pop_name = serializers.CharField(source="pop.name", read_only=True)

    class Meta:
        model = Candidate
        fields = ["url", "reference", "name", "email", "job_title", "school_urn", "school_name", "pop_name"]
        read_only_fields = fields

    def get_url(self, candidate: Candidate) -> str:
        return candidate_url(candidate.pk)


class IntervieweeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One of the people interviewed (ASM-3)."""

    role = serializers.ChoiceField(choices=["candidate", "teacher", "senior_leader"])
    name = serializers.CharField()


class AssessmentDetailSerializer(AssessmentListSerializer):
    """An assessment with who is interviewed (ASM-3), its flags, and when the written tasks are due (ASM-2).
    `adjustments` (REG-8) is present only for the allocated assessor and those who may see the candidate's
    disability disclosure."""

    candidate_summary = CandidateSummarySerializer(source="candidate", read_only=True)
    assessor_rpa = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        source="assessor.rpa", slug_field="slug", read_only=True
    )
    interviewees = serializers.SerializerMethodField()
    # Not read-only (an answer only, never parsed): so the schema does not list it as always present.
    adjustments = serializers.CharField(
        required=False, help_text="REG-8: the allocated assessor sees them; absent for others."
    )
    tasks_due_at = serializers.SerializerMethodField(
        help_text="ASM-2: when the candidate's written tasks are due to the assessor (10 days before)."
    )

    class Meta(AssessmentListSerializer.Meta):
        fields = [
            *AssessmentListSerializer.Meta.fields,
            "candidate_summary",
            "assessor_rpa",
            "interviewees",
            "adjustments",
            "cap_override_reason",
            "unpaid_exception_reason",
            "tasks_due_at",
            "allocated_at",
            "cancelled_at",
            "cancel_reason",
        ]
        read_only_fields = fields

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        # The view always says whether the user may see the adjustments; the schema's context does not.
        if self.context.get("show_adjustments") is False:
            del fields["adjustments"]
        return fields

    @extend_schema_field(IntervieweeSerializer(many=True))
    def get_interviewees(self, assessment: Assessment) -> Any:
        people = [
            ("candidate", assessment.candidate.full_name),
            ("teacher", assessment.teacher_name),
            ("senior_leader", assessment.senior_leader_name),
        ]
        return [{"role": role, "name": name} for role, name in people if name]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_tasks_due_at(self, assessment: Assessment) -> Any:
        due = self.context.get("tasks_due_at")
        return serializers.DateTimeField().to_representation(due) if due else None


class AssessmentCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A booking: a ready candidate (S11-2) with an assessor who may take them that week, within the cap (ASR-6)."""

    candidate = ChangeableCandidateField(queryset=Candidate.objects.all(), help_text="A candidate of your RPA.")
    assessor = serializers.IntegerField(
        help_text="An assessor of the candidate's RPA, or of another RPA who assesses for it (ASR-5): see "
        "/api/v1/allocation-proposals/{candidate id}/."
    )
    starts_at = serializers.DateTimeField()
    mode = serializers.ChoiceField(choices=AssessmentMode.choices, default=AssessmentMode.REMOTE)
    teacher_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    senior_leader_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    cap_override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed for a sixth assessment in the assessor's week (ASR-6).",
    )
    unpaid_exception_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed to book before the assessment fee is received (PAY-1).",
    )
    confirm_outside_window = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: book although the date is outside the RPA's window after the final session (ASM-1).",
    )


class MoveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    starts_at = serializers.DateTimeField()
    cap_override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed when the new week is full (ASR-6)."
    )


class CancelSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField()


class ReallocateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Another assessor for the same date (e.g. after a suspension: ASR-8); the old booking is cancelled."""

    assessor = serializers.IntegerField(help_text="An assessor who may take the candidate that week.")
    reason = serializers.CharField()
    cap_override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class BulkSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A cohort on one date: each candidate gets the best-ranked assessor with room."""

    candidates = ChangeableCandidateField(queryset=Candidate.objects.all(), many=True, allow_empty=False)
    starts_at = serializers.DateTimeField()
    unpaid_exception_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Books unpaid candidates too (PAY-1), recorded."
    )


class NotBookedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    candidate = serializers.IntegerField()
    candidate_url = serializers.CharField()
    reference = serializers.CharField()
    name = serializers.CharField()
    reason = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    booked = AssessmentListSerializer(many=True)
    not_booked = NotBookedSerializer(many=True)


# --- proposals -------------------------------------------------------------------------------------


class ProposalSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One assessor for the candidate in that week: whether they can take the candidate, and why (not)."""

    assessor = serializers.IntegerField(source="assessor.pk", help_text="What a booking's `assessor` takes.")
    assessor_url = serializers.SerializerMethodField()
    name = serializers.CharField(source="assessor.user.full_name")
    rpa = serializers.CharField(source="assessor.rpa.slug")
    eligible = serializers.BooleanField()
    same_rpa = serializers.BooleanField()
    week_count = serializers.IntegerField(help_text="Assessments booked that week (the cap is 5: ASR-6).")
    recent_count = serializers.IntegerField(help_text="Assessments in the previous 12 weeks.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why not, when not eligible.")
    notes = serializers.ListField(child=serializers.CharField(), help_text="Why this rank.")

    def get_assessor_url(self, proposal: Any) -> str:
        return assessor_url(proposal.assessor.pk)


class ProposalsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The assessors for a candidate in one week, ranked: those who can take the candidate first, same RPA before
    other RPAs (ASR-5, RISK-1), then the least busy; then those who cannot, with the reasons."""

    candidate = CandidateSummarySerializer()
    week_start = serializers.DateField()
    proposals = ProposalSerializer(many=True)


class ProposalsQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    day = serializers.DateField(required=False, help_text="A day of the week to propose for (default: today).")
