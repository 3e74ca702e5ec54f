"""API viewsets of the candidates app, for PoPs' own systems and RPAs: they parse, call candidates.services or
candidates.selectors, and answer. Every route's pk is the pk of the viewset's model; a child record (a
declaration, a Level 2 copy, a report, an invoice, a payment) is added through an action on its parent.

The tenant base (hnap.api.base) finds records only through `restrict`: another RPA's record answers 404 like a
missing one, a record of the user's own RPA their role may not act on 403. Where ROLE_GRANTS is broader than an
action (a PoP holds CHANGE on its candidates but does not decide readiness), a finer check answers 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from candidates import services
from candidates.api import serializers as s
from candidates.models import (
    Candidate,
    ChangeReport,
    DisabilityDisclosure,
    EmployerDeclaration,
    Invoice,
    Level2Evidence,
    Level2Qualification,
    Payment,
    PreparationCourse,
    RegionalCharge,
)
from candidates.selectors import candidate_for_page, candidates_annotated, candidates_filtered
from hnap.access import memberships_of, restrict, role_allows
from hnap.api.base import TenantReadOnlyViewSet, TenantViewSetMixin
from hnap.files import (
    MAX_UPLOAD_BYTES,
    file_delete,
    file_read_decrypted,
    private_attachment,
    upload_check,
    upload_size_check,
)
from hnap.models import PreparationProvider, User
from hnap.roles import Action, Role

FIELD_ERRORS = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description='The body was refused: {"field": ["why", ...]}; what is not about one field is under '
    '"non_field_errors".',
    examples=[OpenApiExample("Field errors", value={"school_urn": ["No school or setting has this URN."]})],
)
FORBIDDEN = OpenApiResponse(s.ErrorDetailSerializer, description="A record of your RPA your role may not act on.")
NOT_FOUND = OpenApiResponse(s.ErrorDetailSerializer, description="No such record, or another RPA's: the same answer.")
REFUSALS = {400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND}


@contextmanager
def service_errors(**renames: str) -> Iterator[None]:
    """A service's django ValidationError as DRF's 400 with field errors (`renames`: service name -> body name)."""
    try:
        yield
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: error.messages}) from error
        errors = {
            api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else renames.get(name, name): messages
            for name, messages in error.message_dict.items()
        }
        raise serializers.ValidationError(errors) from error


def signed_in(request: Request) -> User:
    """The acting user: every endpoint here needs one (IsAuthenticated is the default permission)."""
    return cast(User, request.user)


def parsed(serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any) -> dict[str, Any]:  # type: ignore[type-arg]
    """The request body, validated by `serializer_class` (400 with field errors otherwise)."""
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def require_grant(user: Any, model: type[models.Model], action: Action) -> None:
    """The child record an action adds must be one the user's role may add (it is checked in scope after)."""
    if not role_allows(user, model, action):
        raise PermissionDenied("Your role does not include this.")


def require_rpa_admin(user: Any, rpa_id: int) -> None:
    """Decisions that are the RPA's alone (a PoP also holds CHANGE on its candidates)."""
    if not any(m.role == Role.RPA_ADMIN and m.rpa_id == rpa_id for m in memberships_of(user)):
        raise PermissionDenied("Only the RPA's administrators can do this.")


def require_pop_of(user: Any, candidate: Candidate) -> None:
    """What only the candidate's Provider of Preparation does."""
    if not any(m.role == Role.POP_USER and m.pop_id == candidate.pop_id for m in memberships_of(user)):
        raise PermissionDenied("Only the candidate's Provider of Preparation can do this.")


def own_pop(user: Any, course: PreparationCourse) -> PreparationProvider:
    """The PoP a PoP user acts for: the course's, when the user works for it (from the membership, not the body)."""
    pop_ids = {m.pop_id for m in memberships_of(user) if m.role == Role.POP_USER}
    if not pop_ids:
        raise PermissionDenied("Only a Provider of Preparation adds candidates.")
    if course.pop_id not in pop_ids:
        raise serializers.ValidationError({"course": ["Choose one of your own courses."]})
    return course.pop


# --- candidates ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Candidates you may see",
        parameters=[s.CandidateFilterSerializer],
        responses={200: s.CandidateListSerializer(many=True), 400: FIELD_ERRORS, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A candidate's application, state, next step, checklist and Level 2 evidence",
        responses={200: s.CandidateDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class CandidateViewSet(TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Candidates' applications: a PoP applies and submits; the RPA decides, registers and invoices."""

    model = Candidate
    # The list's filters are the selector's (the same as the list page's), not django-filter's.
    filter_backends: list[Any] = []

    def get_serializer_class(self) -> Any:
        return s.CandidateListSerializer if self.action == "list" else s.CandidateDetailSerializer

    def get_queryset(self) -> Any:
        restricted = super().get_queryset()
        if self.action == "list":
            filters = self.list_filters()
            if filters.get("school_urn"):
                restricted = restricted.filter(school__urn=filters["school_urn"])
            return candidates_filtered(
                candidates=restricted,
                status=filters.get("status", ""),
                pop=filters.get("pop"),
                course=filters.get("course"),
                late=filters.get("late", False),
                unpaid=filters.get("unpaid", False),
                q=filters.get("q", ""),
                sort=filters.get("ordering", "name"),
            )
        return candidate_for_page(candidates=candidates_annotated(candidates=restricted))

    def list_filters(self) -> dict[str, Any]:
        """The list's query parameters, validated (400 with field errors for a bad value)."""
        serializer = s.CandidateFilterSerializer(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def parsed(self, serializer_class: type[serializers.Serializer], **kwargs: Any) -> dict[str, Any]:  # type: ignore[type-arg]
        return parsed(serializer_class, self.request, **kwargs)

    def reloaded(self, candidate: Candidate) -> Candidate:
        """The candidate read again after a write, with everything its answer shows."""
        return self.get_queryset().get(pk=candidate.pk)  # type: ignore[no-any-return]

    def detail_response(self, candidate: Candidate, code: int = status.HTTP_200_OK) -> Response:
        """A candidate from `get_queryset` as the user may see it (REG-8: the disclosure only for those whose role
        reaches it)."""
        disclosure = DisabilityDisclosure.objects.restrict(self.request.user, Action.VIEW).filter(candidate=candidate)
        context = {**self.get_serializer_context(), "disclosure": disclosure.first()}
        return Response(s.CandidateDetailSerializer(candidate, context=context).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.detail_response(self.get_object())

    @extend_schema(
        summary="Apply for a candidate (PoP users)",
        description="The PoP comes from your membership and the RPA from the school's area (REGION-1); the course "
        "must be one of your PoP's courses with that RPA.",
        request=s.CandidateWriteSerializer,
        responses={201: s.CandidateDetailSerializer, **REFUSALS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = self.parsed(s.CandidateWriteSerializer)
        course, school = values.pop("course"), values.pop("school")
        pop = own_pop(request.user, course)
        with transaction.atomic():
            with service_errors(school="school_urn"):
                candidate = services.candidate_apply(
                    acting_user=signed_in(request), pop=pop, course=course, school=school, **values
                )
            self.ensure_in_scope(candidate, Action.ADD)
        return self.detail_response(self.reloaded(candidate), status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct an application's details",
        description="A PoP corrects its candidates' details until registration; then it reports a change "
        "(REG-7) and the RPA edits.",
        request=s.CandidateUpdateSerializer,
        responses={200: s.CandidateDetailSerializer, **REFUSALS},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        candidate = self.get_object()
        if candidate.registered_at:
            require_rpa_admin(request.user, candidate.rpa_id)
        changes = self.parsed(s.CandidateUpdateSerializer, partial=True)
        with transaction.atomic():
            with service_errors(school="school_urn"):
                services.candidate_update(candidate=candidate, acting_user=signed_in(request), **changes)
            self.ensure_in_scope(candidate, Action.CHANGE)
        return self.detail_response(self.reloaded(candidate))

    @extend_schema(
        summary="Submit the application to the RPA (the candidate's PoP)",
        request=None,
        responses={200: s.CandidateDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Send the application to the RPA; the Level 2 deadline starts (S11-1)."""
        candidate = self.get_object()
        require_pop_of(request.user, candidate)
        with service_errors():
            services.candidate_submit(candidate=candidate, acting_user=signed_in(request))
        return self.detail_response(self.reloaded(candidate))

    @extend_schema(
        summary="Email the employer a declaration link (REG-3, REG-5)",
        description="An earlier unused link stops working. The link itself is only in the email.",
        request=s.DeclarationRequestSerializer,
        responses={201: s.DeclarationSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def declaration(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Ask the headteacher or a senior leader for the employer declaration."""
        candidate = self.get_object()
        require_grant(request.user, EmployerDeclaration, Action.ADD)
        values = self.parsed(s.DeclarationRequestSerializer)
        with transaction.atomic():
            with service_errors():
                declaration = services.declaration_request(
                    candidate=candidate, acting_user=signed_in(request), **values
                )
            self.ensure_in_scope(declaration, Action.ADD)
        return Response(s.DeclarationSerializer(declaration).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Upload a Level 2 certificate copy with the signed verification (S11-1, S11-4)",
        description=f"multipart/form-data. The file must be a PDF, JPEG or PNG (recognised by its content) of at "
        f"most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB, with a plain name; it is stored encrypted. A refused file "
        'answers 400 {"file": ["why"]} and nothing is stored. A new copy replaces one not yet decided.',
        request={"multipart/form-data": s.EvidenceUploadSerializer},
        responses={201: s.Level2EvidenceSerializer, **REFUSALS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="level2-evidence",
        parser_classes=[MultiPartParser],
        tenant_action=Action.CHANGE,
    )
    def level2_evidence(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add a Level 2 copy to the candidate's record."""
        candidate = self.get_object()
        require_grant(request.user, Level2Evidence, Action.ADD)
        values = self.parsed(s.EvidenceUploadSerializer)
        file = values.pop("file")
        try:
            upload_size_check(size=file.size)  # before it is read into memory
            upload = upload_check(name=file.name, content=file.read())
        except DjangoValidationError as error:
            raise serializers.ValidationError({"file": error.messages}) from error
        with transaction.atomic():
            with service_errors():
                evidence = services.evidence_upload(
                    candidate=candidate, acting_user=signed_in(request), upload=upload, **values
                )
            try:
                self.ensure_in_scope(evidence, Action.ADD)
            except PermissionDenied:
                file_delete(path=evidence.file_path)  # the record rolls back: its encrypted copy goes with it
                raise
        return Response(s.Level2EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Report a mistake, a change or anomalous circumstances (REG-7, PoP users)",
        request=s.ChangeReportCreateSerializer,
        responses={201: s.ChangeReportSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="change-reports", tenant_action=Action.CHANGE)
    def change_reports(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Report a change to the RPA."""
        candidate = self.get_object()
        require_grant(request.user, ChangeReport, Action.ADD)
        values = self.parsed(s.ChangeReportCreateSerializer)
        with transaction.atomic():
            with service_errors():
                report = services.change_report_create(candidate=candidate, acting_user=signed_in(request), **values)
            self.ensure_in_scope(report, Action.ADD)
        return Response(s.ChangeReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Decide whether the candidate is ready (REG-4, RPA administrators)",
        request=s.ReadinessSerializer,
        responses={200: s.CandidateDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def readiness(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record the RPA's readiness decision, who made it and when."""
        candidate = self.get_object()
        require_rpa_admin(request.user, candidate.rpa_id)
        values = self.parsed(s.ReadinessSerializer)
        with service_errors():
            services.readiness_decide(candidate=candidate, acting_user=signed_in(request), **values)
        return self.detail_response(self.reloaded(candidate))

    @extend_schema(
        summary="Register the candidate (RPA administrators)",
        description='Refused with 400 {"non_field_errors": [...]} listing what is still missing from the checklist. '
        "Registering after the second session is recorded as late (REG-6).",
        request=None,
        responses={200: s.CandidateDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def register(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register a candidate whose checklist is complete."""
        candidate = self.get_object()
        require_rpa_admin(request.user, candidate.rpa_id)
        with service_errors():
            services.candidate_register(candidate=candidate, acting_user=signed_in(request))
        return self.detail_response(self.reloaded(candidate))

    @extend_schema(
        summary="Withdraw the application",
        request=s.WithdrawSerializer,
        responses={200: s.CandidateDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def withdraw(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Withdraw the application, with the reason; open deadlines about it are cancelled."""
        candidate = self.get_object()
        values = self.parsed(s.WithdrawSerializer)
        with service_errors():
            services.candidate_withdraw(candidate=candidate, acting_user=signed_in(request), **values)
        return self.detail_response(self.reloaded(candidate))

    @extend_schema(
        summary="Invoice the assessment (RPA administrators)",
        description="The assessment fee line is the national fee in force (PAY-2), never a value from the body; "
        "regional charges are added as named lines.",
        request=s.InvoiceIssueSerializer,
        responses={201: s.InvoiceSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def invoice(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Issue the candidate's invoice."""
        candidate = self.get_object()
        require_grant(request.user, Invoice, Action.ADD)
        values = self.parsed(s.InvoiceIssueSerializer)
        with transaction.atomic():
            with service_errors():
                invoice = services.invoice_issue(candidate=candidate, acting_user=signed_in(request), **values)
            self.ensure_in_scope(invoice, Action.ADD)
        invoice = (
            Invoice.objects.restrict(request.user, Action.VIEW)
            .select_related("candidate")
            .prefetch_related("lines", "payments")
            .get(pk=invoice.pk)
        )
        return Response(s.InvoiceSerializer(invoice).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Import a cohort from CSV text (PoP users)",
        description="Every row is checked first; all rows are created, or none. The header row names the columns "
        "of the CSV template (the import page offers it).",
        request=s.ImportSerializer,
        responses={201: s.ImportResultSerializer, 400: s.ImportErrorsSerializer, 403: FORBIDDEN},
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_cohort(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add a cohort of candidates to one of the PoP's courses."""
        values = self.parsed(s.ImportSerializer)
        course = values["course"]
        pop = own_pop(request.user, course)
        with transaction.atomic():
            result = services.candidates_import(
                pop=pop, course=course, acting_user=signed_in(request), csv_text=values["csv"]
            )
            if not result.ok:
                return Response(
                    {"rows": [{"row": row, "error": error} for row, error in result.errors]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            ids = [candidate.pk for candidate in result.created]
            if restrict(Candidate.objects.filter(pk__in=ids), request.user, Action.ADD).count() != len(ids):
                transaction.set_rollback(True)
                raise PermissionDenied("The import would put candidates outside your scope.")
        return Response(
            {"created": len(ids), "references": [candidate.reference for candidate in result.created]},
            status=status.HTTP_201_CREATED,
        )


# --- Level 2 evidence --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Level 2 evidence you may see (metadata only)"),
    retrieve=extend_schema(
        summary="A Level 2 copy's metadata", responses={200: s.Level2EvidenceSerializer, 403: FORBIDDEN, 404: NOT_FOUND}
    ),
)
class Level2EvidenceViewSet(TenantReadOnlyViewSet):
    """Level 2 certificate copies (S11-4): the PoP that uploaded them and the RPA that verifies them."""

    model = Level2Evidence
    serializer_class = s.Level2EvidenceSerializer
    filterset_fields = ["state", "subject"]

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("qualification", "candidate").order_by("-uploaded_at", "pk")

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A download answers in the file's own type, whatever the client accepts (Accept: application/pdf
        # would otherwise be refused with 406); its refusals (403, 404) stay JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "download")

    @extend_schema(
        summary="Download the copy (decrypted, as an attachment)",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        """The decrypted copy as an attachment, only through the access chokepoint (S11-4)."""
        evidence = self.get_object()
        return private_attachment(
            content=file_read_decrypted(path=evidence.file_path),
            content_type=evidence.file_type,
            filename=evidence.file_name,
        )

    @extend_schema(
        summary="Accept or reject the copy (S11-2, S11-3; RPA administrators)",
        description="A rejection says what is wrong or missing (the PoP and the candidate are told); accepting an "
        "'other' qualification records why (S11-5).",
        request=s.EvidenceDecideSerializer,
        responses={200: s.Level2EvidenceSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def decide(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record the RPA's decision on a Level 2 copy."""
        evidence = self.get_object()
        values = parsed(s.EvidenceDecideSerializer, request)
        with service_errors():
            evidence = services.evidence_decide(evidence=evidence, acting_user=signed_in(request), **values)
        return Response(s.Level2EvidenceSerializer(self.get_queryset().get(pk=evidence.pk)).data)


@extend_schema_view(list=extend_schema(summary="The accepted Level 2 qualifications (S11-5)"))
class Level2QualificationViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """The Partnership's list of accepted Level 2 qualifications: reference data, the same for everyone."""

    queryset = Level2Qualification.objects.filter(active=True)
    serializer_class = s.Level2QualificationSerializer
    filterset_fields = ["subject"]


# --- courses -----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Preparation courses you may see"),
    retrieve=extend_schema(responses={200: s.CourseSerializer, 403: FORBIDDEN, 404: NOT_FOUND}),
)
class CourseViewSet(TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """A PoP's preparation courses; the RPAs read those of their candidates."""

    model = PreparationCourse
    serializer_class = s.CourseSerializer

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("rpa", "pop").order_by("-first_session", "name", "pk")

    @extend_schema(
        summary="Add a course (PoP users)",
        description="`registers_with` is the slug of one of your PoP's RPAs (the PoP comes from your membership).",
        request=s.CourseSerializer,
        responses={201: s.CourseSerializer, **REFUSALS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = parsed(s.CourseSerializer, request)
        rpa = values.pop("rpa")
        pop_ids = [m.pop_id for m in memberships_of(request.user) if m.role == Role.POP_USER]
        pop = PreparationProvider.objects.filter(pk__in=pop_ids, rpas=rpa).order_by("name").first()
        if pop is None:
            raise PermissionDenied("Only a Provider of Preparation adds courses.")
        with transaction.atomic():
            with service_errors(rpa="registers_with"):
                course = services.course_create(pop=pop, rpa=rpa, **values)
            self.ensure_in_scope(course, Action.ADD)
        return Response(s.CourseSerializer(course, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a course's name or dates (PoP users)",
        request=s.CourseSerializer,
        responses={200: s.CourseSerializer, **REFUSALS},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course = self.get_object()
        serializer = s.CourseSerializer(course, data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        changes = {name: value for name, value in serializer.validated_data.items() if name != "rpa"}
        with transaction.atomic():
            with service_errors():
                course = services.course_update(course=course, **changes)
            self.ensure_in_scope(course, Action.CHANGE)
        return Response(s.CourseSerializer(course, context={"request": request}).data)


# --- changes, fees and payments ---------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Reported changes you may see (REG-7)"),
    retrieve=extend_schema(responses={200: s.ChangeReportSerializer, 403: FORBIDDEN, 404: NOT_FOUND}),
)
class ChangeReportViewSet(TenantReadOnlyViewSet):
    """Reports of mistakes, changes and anomalous circumstances (REG-7), newest first."""

    model = ChangeReport
    serializer_class = s.ChangeReportSerializer
    filterset_fields = ["kind"]

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("candidate").order_by("-reported_at", "-pk")

    @extend_schema(
        summary="Resolve the report (RPA administrators)",
        request=s.ResolveSerializer,
        responses={200: s.ChangeReportSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def resolve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record what the RPA did about a reported change."""
        report = self.get_object()
        values = parsed(s.ResolveSerializer, request)
        with service_errors():
            report = services.change_report_resolve(report=report, acting_user=signed_in(request), **values)
        return Response(s.ChangeReportSerializer(report).data)


@extend_schema_view(
    list=extend_schema(summary="Invoices you may see"),
    retrieve=extend_schema(responses={200: s.InvoiceSerializer, 403: FORBIDDEN, 404: NOT_FOUND}),
)
class InvoiceViewSet(TenantReadOnlyViewSet):
    """Invoices with their lines and payments (PAY-1, PAY-2)."""

    model = Invoice
    serializer_class = s.InvoiceSerializer

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("candidate")
            .prefetch_related("lines", "payments")
            .order_by("-issued_on", "-pk")
        )

    @extend_schema(
        summary="Record a payment received (RPA administrators)",
        request=s.PaymentSerializer,
        responses={201: s.InvoiceSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def payments(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record money received against the invoice."""
        invoice = self.get_object()
        require_grant(request.user, Payment, Action.ADD)
        values = parsed(s.PaymentSerializer, request)
        with transaction.atomic():
            with service_errors():
                payment = services.payment_record(invoice=invoice, acting_user=signed_in(request), **values)
            self.ensure_in_scope(payment, Action.ADD)
        return Response(
            s.InvoiceSerializer(self.get_queryset().get(pk=invoice.pk)).data, status=status.HTTP_201_CREATED
        )


@extend_schema_view(
    list=extend_schema(summary="Your RPA's regional charges (PAY-2)"),
    retrieve=extend_schema(responses={200: s.RegionalChargeSerializer, 403: FORBIDDEN, 404: NOT_FOUND}),
)
class RegionalChargeViewSet(
    TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):  # type: ignore[type-arg]
    """Named regional charges, separate from the national assessment fee (PAY-2)."""

    model = RegionalCharge
    serializer_class = s.RegionalChargeSerializer

    def get_queryset(self) -> Any:
        return super().get_queryset().order_by("name", "pk")

    @extend_schema(
        summary="Add a regional charge (RPA administrators)",
        request=s.RegionalChargeSerializer,
        responses={201: s.RegionalChargeSerializer, **REFUSALS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = parsed(s.RegionalChargeSerializer, request)
        with transaction.atomic():
            with service_errors():
                charge = services.regional_charge_save(rpa=self.acting_rpa(), **values)
            self.ensure_in_scope(charge, Action.ADD)
        return Response(s.RegionalChargeSerializer(charge).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a regional charge (RPA administrators)",
        request=s.RegionalChargeSerializer,
        responses={200: s.RegionalChargeSerializer, **REFUSALS},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        charge = self.get_object()
        serializer = s.RegionalChargeSerializer(charge, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {
            "name": charge.name,
            "amount_pence": charge.amount_pence,
            "description": charge.description,
            **serializer.validated_data,
        }
        with transaction.atomic():
            with service_errors():
                charge = services.regional_charge_save(rpa=charge.rpa, charge=charge, **values)
            self.ensure_in_scope(charge, Action.CHANGE)
        return Response(s.RegionalChargeSerializer(charge).data)
