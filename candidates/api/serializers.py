"""Serializers of the candidates API: request bodies are parsed here and the rules are checked by
candidates.services; answers show only what the user's role may see (never a disclosure to a PoP: REG-8).

Nested records carry no `"id"`: each names its own endpoint by `url`, so an id in an answer is always the id
of the record the endpoint is about.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from candidates.models import (
    Candidate,
    CandidateStatus,
    ChangeKind,
    ChangeReport,
    DisabilityDisclosure,
    EmployerDeclaration,
    FundingSource,
    Invoice,
    InvoiceLine,
    Level2Evidence,
    Level2Qualification,
    Payment,
    PreparationCourse,
    RegionalCharge,
    Subject,
)
from candidates.selectors import SORTS, candidate_checklist, declaration_current, level2_current, next_step
from candidates.services import IMPORT_MAX_ROWS
from hnap.access import memberships_of
from hnap.api.schema import ErrorDetailSerializer  # noqa: F401  (the API's one error shape, re-exported for the views)
from hnap.models import RPA, School
from hnap.roles import Action, Role

# A cohort CSV of IMPORT_MAX_ROWS rows fits comfortably in this.
IMPORT_MAX_CHARACTERS = 1024 * 1024


def _user(field: serializers.Field) -> Any:  # type: ignore[type-arg]
    """The signed-in user the serializer works for (None while the schema is generated)."""
    return getattr(field.context.get("request"), "user", None)


class RestrictedPrimaryKeyField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A pk of a tenant-owned record the user may see: another RPA's answers exactly like a missing one."""

    def get_queryset(self) -> Any:
        queryset: Any = super().get_queryset()
        return queryset.restrict(_user(self), Action.VIEW)


# --- candidates ------------------------------------------------------------------------------------


class CandidateWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A PoP's application for a candidate: the school's URN decides the RPA (REGION-1)."""

    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    school_urn = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="urn",
        source="school",
        queryset=School.objects.select_related("rpa"),
        help_text="The school's or setting's URN on Get Information about Schools; its area decides the RPA.",
        error_messages={
            "does_not_exist": "No school or setting has this URN. Check it on Get Information about Schools.",
            "invalid": "Enter the school's URN, a number of 6 digits.",
        },
    )
    job_title = serializers.CharField(max_length=150)
    age_range_from = serializers.IntegerField(min_value=0, max_value=99)
    age_range_to = serializers.IntegerField(min_value=0, max_value=99)
    funding_source = serializers.ChoiceField(choices=FundingSource.choices)
    funder_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    course = RestrictedPrimaryKeyField(
        queryset=PreparationCourse.objects.select_related("pop", "rpa"),
        help_text="One of your PoP's courses, with the RPA that covers the school (REGION-1).",
    )
    nursery_exception_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed when the youngest age is 2: why this school-run nursery is suitable (REG-1).",
    )
    disability_disclosure = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        write_only=True,
        help_text="Invited, never required (REG-8). Only the RPA sees it once sent; it is never shown back.",
    )
    adjustments_requested = serializers.CharField(
        required=False, allow_blank=True, default="", write_only=True, help_text="Adjustments the candidate asks for."
    )


class CandidateUpdateSerializer(CandidateWriteSerializer):
    """Corrections to an application (PATCH: only the fields sent change). A disclosure is not changed here."""

    disability_disclosure = None  # type: ignore[assignment]
    adjustments_requested = None  # type: ignore[assignment]


class CandidateFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The candidate list's filters, as query parameters (the same as the list page's)."""

    status = serializers.ChoiceField(choices=CandidateStatus.choices, required=False)
    pop = serializers.IntegerField(required=False, help_text="A Provider of Preparation's id.")
    course = serializers.IntegerField(required=False, help_text="A preparation course's id.")
    school_urn = serializers.IntegerField(required=False)
    late = serializers.BooleanField(
        required=False, default=False, help_text="true: registered late, or not registered by the second session."
    )
    unpaid = serializers.BooleanField(
        required=False, default=False, help_text="true: the assessment fee is not fully received (PAY-1)."
    )
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Words in the name, reference or email."
    )
    ordering = serializers.ChoiceField(choices=list(SORTS), required=False, default="name")


class CandidateListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A candidate as the list shows it: state, who acts next, payment (PAY-1) and lateness (REG-6)."""

    url = serializers.SerializerMethodField()
    rpa = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    next_action = serializers.SerializerMethodField()
    next_action_owner = serializers.SerializerMethodField()
    school_urn = serializers.IntegerField(source="school.urn", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    pop_name = serializers.CharField(source="pop.name", read_only=True)
    is_paid = serializers.BooleanField(read_only=True, help_text="The assessment fee is fully received (PAY-1).")
    late = serializers.BooleanField(source="is_late", read_only=True, help_text="REG-6.")

    class Meta:
        model = Candidate
        fields = [
            "id",
            "url",
            "reference",
            "rpa",
            "first_name",
            "last_name",
            "email",
            "status",
            "status_label",
            "next_action",
            "next_action_owner",
            "school_urn",
            "school_name",
            "pop_name",
            "course",
            "is_paid",
            "late",
            "submitted_at",
            "registered_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_url(self, candidate: Candidate) -> str:
        return reverse("api-candidate-detail", args=[candidate.pk])

    def get_next_action(self, candidate: Candidate) -> str:
        return next_step(status=candidate.status)[0]

    def get_next_action_owner(self, candidate: Candidate) -> str:
        return next_step(status=candidate.status)[1]


class CheckSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One line of the eligibility checklist."""

    rule = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, taken off the class by DRF's metaclass
    ok = serializers.BooleanField()
    missing = serializers.CharField(help_text="What is missing while the check is not met.")


class EvidenceSummarySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A Level 2 copy's metadata (never its bytes), with links to its record and its download."""

    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    qualification_name = serializers.CharField(source="qualification.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Level2Evidence
        fields = [
            "url",
            "download_url",
            "subject",
            "qualification",
            "qualification_name",
            "other_qualification_name",
            "grade",
            "achieved_on",
            "verified_by_name",
            "original_seen_on",
            "file_name",
            "file_type",
            "file_size",
            "uploaded_at",
            "state",
            "state_label",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields

    def get_url(self, evidence: Level2Evidence) -> str:
        return reverse("api-level2-evidence-detail", args=[evidence.pk])

    def get_download_url(self, evidence: Level2Evidence) -> str:
        return reverse("api-level2-evidence-download", args=[evidence.pk])


class SubjectEvidenceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The current Level 2 evidence of one subject (S11-2), or null when none was uploaded."""

    subject = serializers.ChoiceField(choices=Subject.choices)
    evidence = EvidenceSummarySerializer(allow_null=True)


class DeclarationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """An employer declaration request and, once made, who declared (REG-3, REG-5). The link is never shown."""

    class Meta:
        model = EmployerDeclaration
        fields = [
            "sent_to_name",
            "sent_to_email",
            "requested_at",
            "sent_at",
            "expires_at",
            "withdrawn_at",
            "declared_at",
            "declarer_name",
            "declarer_role",
            "suitable",
            "whole_class_twice",
            "level2_evidence_seen",
            "opportunities_all_standards",
        ]
        read_only_fields = fields


class DisclosureSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A disability disclosure and the adjustments (REG-8): special-category data."""

    class Meta:
        model = DisabilityDisclosure
        fields = ["disclosure", "adjustments_requested", "adjustments_made", "adjustments_recorded_at", "created_at"]
        read_only_fields = fields


@extend_schema_field(DisclosureSerializer)
class VisibleDisclosureField(serializers.Field):  # type: ignore[type-arg]
    """REG-8: the disclosure the view found this user may see (`context["disclosure"]`), never read from the
    record itself; not a required key, since it is absent for everyone else."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", required=False, **kwargs)

    def to_representation(self, value: Any) -> Any:
        disclosure = self.context.get("disclosure")
        return None if disclosure is None else DisclosureSerializer(disclosure).data


class CandidateDetailSerializer(CandidateListSerializer):
    """A candidate's application with its checklist and Level 2 evidence. `disclosure` is present only for
    someone who may see the disability disclosure (REG-8), and only when one was made."""

    checklist = serializers.SerializerMethodField()
    level2 = serializers.SerializerMethodField()
    declaration = serializers.SerializerMethodField()
    fee_due_pence = serializers.IntegerField(read_only=True)
    paid_pence = serializers.IntegerField(read_only=True)
    disclosure = VisibleDisclosureField(
        help_text="REG-8: only for those who may see it (never a PoP); absent otherwise."
    )

    class Meta(CandidateListSerializer.Meta):
        fields = [
            *CandidateListSerializer.Meta.fields,
            "phone",
            "date_of_birth",
            "job_title",
            "age_range_from",
            "age_range_to",
            "nursery_exception_reason",
            "nursery_exception_approved_at",
            "funding_source",
            "funder_name",
            "readiness",
            "readiness_note",
            "readiness_at",
            "registered_late",
            "level2_outcome_note",
            "withdrawn_at",
            "withdrawn_reason",
            "checklist",
            "level2",
            "declaration",
            "fee_due_pence",
            "paid_pence",
            "disclosure",
        ]
        read_only_fields = fields

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        # The view always says which disclosure the user may see (None: none); the schema's context does not.
        if "disclosure" in self.context and self.context["disclosure"] is None:
            del fields["disclosure"]
        return fields

    @extend_schema_field(CheckSerializer(many=True))
    def get_checklist(self, candidate: Candidate) -> Any:
        return CheckSerializer(candidate_checklist(candidate=candidate), many=True).data

    @extend_schema_field(SubjectEvidenceSerializer(many=True))
    def get_level2(self, candidate: Candidate) -> Any:
        current = level2_current(candidate=candidate)
        rows = [{"subject": subject, "evidence": current[subject]} for subject in Subject.values]
        return SubjectEvidenceSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(DeclarationSerializer(allow_null=True))
    def get_declaration(self, candidate: Candidate) -> Any:
        declaration = declaration_current(candidate=candidate)
        return DeclarationSerializer(declaration).data if declaration else None


class DeclarationRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Whom to email the single-use declaration link (the headteacher or a senior leader)."""

    sent_to_name = serializers.CharField(max_length=200)
    sent_to_email = serializers.EmailField(max_length=254)


class EvidenceUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A Level 2 certificate copy with the PoP's signed verification (S11-1), as multipart form data."""

    subject = serializers.ChoiceField(choices=Subject.choices)
    qualification = serializers.PrimaryKeyRelatedField(  # type: ignore[var-annotated]
        queryset=Level2Qualification.objects.filter(active=True),
        help_text="From /api/v1/level2-qualifications/ for the same subject (S11-5).",
    )
    other_qualification_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="For an 'other' qualification."
    )
    grade = serializers.CharField(max_length=60)
    achieved_on = serializers.DateField()
    verified_by_name = serializers.CharField(max_length=200, help_text="Who saw the original.")
    original_seen_on = serializers.DateField()
    copy_is_exact = serializers.BooleanField(help_text="The copy is an exact replica of the original seen.")
    file = serializers.FileField(help_text="A PDF, JPEG or PNG of at most 10 MB, checked by its content.")


class ChangeReportCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A PoP's report of a mistake, change or anomalous circumstances (REG-7)."""

    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    description = serializers.CharField()


class ReadinessSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The RPA's readiness decision (REG-4): a decline says why."""

    ready = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class WithdrawSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField()


class InvoiceIssueSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Who pays and which regional charges to add: the assessment fee is always the national fee (PAY-2)."""

    payer = serializers.ChoiceField(choices=FundingSource.choices)
    payer_name = serializers.CharField(max_length=200)
    regional_charges = RestrictedPrimaryKeyField(
        queryset=RegionalCharge.objects.all(), many=True, required=False, default=list
    )


class ImportSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A cohort for one of the PoP's courses: CSV text with the template's header row."""

    course = RestrictedPrimaryKeyField(queryset=PreparationCourse.objects.select_related("pop"))
    csv = serializers.CharField(
        max_length=IMPORT_MAX_CHARACTERS,
        trim_whitespace=False,
        help_text=f"The CSV text (at most {IMPORT_MAX_ROWS} rows): first_name, last_name, email, phone, "
        "date_of_birth, school_urn, job_title, age_range_from, age_range_to, funding_source, funder_name, "
        "nursery_exception_reason.",
    )


class ImportResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    created = serializers.IntegerField()
    references = serializers.ListField(child=serializers.CharField())


class ImportRowErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    row = serializers.IntegerField(help_text="The row number as a spreadsheet shows it (the header is row 1).")
    error = serializers.CharField()


class ImportErrorsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Every row's errors, or (without `rows`) the body's field errors; nothing was created."""

    rows = ImportRowErrorSerializer(many=True, required=False)


# --- Level 2 evidence --------------------------------------------------------------------------------


class Level2EvidenceSerializer(EvidenceSummarySerializer):
    """A Level 2 copy's metadata; the bytes only through its download."""

    candidate_reference = serializers.CharField(source="candidate.reference", read_only=True)

    class Meta(EvidenceSummarySerializer.Meta):
        fields = ["id", "candidate", "candidate_reference", *EvidenceSummarySerializer.Meta.fields]
        read_only_fields = fields


class EvidenceDecideSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The RPA's decision on a copy (S11-2): a rejection says what is missing (S11-3)."""

    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class Level2QualificationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Level2Qualification
        fields = ["id", "subject", "name", "minimum", "needs_rpa_decision"]
        read_only_fields = fields


# --- courses -----------------------------------------------------------------------------------------


class CourseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A PoP's preparation course; `registers_with` is the slug of one of the PoP's RPAs, fixed once created."""

    registers_with = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="slug",
        source="rpa",
        queryset=RPA.objects.all(),
        help_text="The slug of the RPA the course's candidates register with: one the PoP works with.",
    )
    pop_name = serializers.CharField(source="pop.name", read_only=True)

    class Meta:
        model = PreparationCourse
        fields = ["id", "name", "registers_with", "pop_name", "first_session", "second_session", "final_session"]
        read_only_fields = ["id", "pop_name"]

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        pop_ids = [m.pop_id for m in memberships_of(_user(self)) if m.role == Role.POP_USER and m.pop_id]
        field = fields["registers_with"]
        field.queryset = RPA.objects.filter(preparation_providers__in=pop_ids).distinct()  # type: ignore[attr-defined]
        return fields

    def validate_registers_with(self, rpa: RPA) -> RPA:
        if self.instance is not None and rpa.pk != self.instance.rpa_id:
            raise serializers.ValidationError("A course's RPA cannot be changed: add a course for the other RPA.")
        return rpa


# --- changes, fees and payments ---------------------------------------------------------------------


class ChangeReportSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A reported change (REG-7) and how the RPA resolved it."""

    candidate_reference = serializers.CharField(source="candidate.reference", read_only=True)
    candidate_name = serializers.CharField(source="candidate.full_name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ChangeReport
        fields = [
            "id",
            "candidate",
            "candidate_reference",
            "candidate_name",
            "kind",
            "kind_label",
            "description",
            "reported_at",
            "resolution",
            "resolved_at",
        ]
        read_only_fields = fields


class ResolveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    resolution = serializers.CharField(help_text="What the RPA did about the report.")


class RegionalChargeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A named regional charge, separate from the national fee (PAY-2)."""

    class Meta:
        model = RegionalCharge
        fields = ["id", "name", "amount_pence", "description", "active"]
        read_only_fields = ["id", "active"]
        extra_kwargs = {"description": {"default": ""}}


class InvoiceLineSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = InvoiceLine
        fields = ["kind", "description", "amount_pence"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Payment
        fields = ["amount_pence", "received_on", "reference", "recorded_at"]
        read_only_fields = ["recorded_at"]
        extra_kwargs = {"reference": {"default": ""}}


class InvoiceSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """An invoice with its lines and payments; `paid` when what was received covers the total (PAY-1)."""

    candidate_reference = serializers.CharField(source="candidate.reference", read_only=True)
    lines = InvoiceLineSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    total_pence = serializers.SerializerMethodField()
    received_pence = serializers.SerializerMethodField()
    paid = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "candidate",
            "candidate_reference",
            "payer",
            "payer_name",
            "issued_on",
            "cancelled_at",
            "lines",
            "payments",
            "total_pence",
            "received_pence",
            "paid",
        ]
        read_only_fields = fields

    # Sums over the prefetched rows: no query per invoice.
    def get_total_pence(self, invoice: Invoice) -> int:
        return sum(line.amount_pence for line in invoice.lines.all())

    def get_received_pence(self, invoice: Invoice) -> int:
        return sum(payment.amount_pence for payment in invoice.payments.all())

    def get_paid(self, invoice: Invoice) -> bool:
        total = self.get_total_pence(invoice)
        return invoice.cancelled_at is None and total > 0 and self.get_received_pence(invoice) >= total
