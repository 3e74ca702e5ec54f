"""API viewsets of the assessment file: the assessor's file F0-F15 with its drafts and submission (ASM-4, ASM-5),
the candidate's task documents (ASM-2, PREP-3), pre-upload scrutiny (SCR-1, SCR-3), preparation feedback (PREP-1,
PREP-2) and confirmed results (MOD-12, PAY-1). They parse, call assessments.file_services or
assessments.file_selectors, and answer; what is added under a file (a version, a document, an issue, a scrutiny
decision, feedback) is added through an action on the file, every route's pk being the pk of its viewset's model.

The tenant base (hnap.api.base) finds records only through `restrict`: another RPA's record answers 404 like a
missing one, a record of the user's own RPA their role may not act on 403. Where ROLE_GRANTS is broader than an
action (an RPA administrator holds CHANGE on a file but does not write the assessor's draft), a finer check answers
403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import file_services
from assessments.api import file_serializers as s
from assessments.api.views import require_role
from assessments.file_selectors import file_scrutineer, results_with_visible_outcome
from assessments.models import AssessmentFile, DocumentIssue, FileVersion, PreparationFeedback, Result, TaskDocument
from candidates.api.views import (
    FIELD_ERRORS,
    FORBIDDEN,
    NOT_FOUND,
    REFUSALS,
    parsed,
    require_grant,
    service_errors,
    signed_in,
)
from hnap.access import holds_role
from hnap.api.base import TenantReadOnlyViewSet, TenantViewSetMixin
from hnap.files import MAX_UPLOAD_BYTES, file_delete, file_read_decrypted, private_attachment, upload_size_check
from hnap.roles import Action, Role

SUBMIT_REFUSED = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="ASM-4: the file is incomplete, and nothing was submitted: what is missing, by part (f0, tasks, "
    "grid, f11 to f15); a refusal not about one part (the file was returned, the assessment cancelled) is under "
    '"non_field_errors".',
    examples=[
        OpenApiExample(
            "Parts missing",
            value={
                "grid": ["Standard 1: choose a judgement"],
                "f15": ["Give the reasons for the recommended outcome"],
            },
        )
    ],
)


def require_owner(user: Any, file: AssessmentFile) -> None:
    """What only the file's assessor does: write the draft, submit it, give feedback on preparation."""
    if file.owner_id is None or file.owner_id != user.pk:
        raise PermissionDenied("Only the file's assessor can do this.")


def require_scrutineer(user: Any, file: AssessmentFile) -> None:
    """SCR-1: the RPA's administrators and senior assessors scrutinise, never a file they assessed themselves."""
    if not file_scrutineer(user=user, file=file):
        raise PermissionDenied(
            "Only the RPA's administrators and senior assessors scrutinise files, never a file they assessed."
        )


def query_filters(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    """A list's query parameters, validated (400 with field errors for a bad value)."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def filtered_by_file(rows: Any, request: Request) -> Any:
    """A list narrowed to one file when `?file=` says so (any other id, readable or not, lists nothing)."""
    filters = query_filters(s.FileRefFilterSerializer, request)
    return rows.filter(file_id=filters["file"]) if filters.get("file") else rows


# --- the file ------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Assessment files you may see (an assessor: the files they write)",
        parameters=[s.FileFilterSerializer],
        responses={200: s.AssessmentFileListSerializer(many=True), 400: FIELD_ERRORS, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A file with its draft and what it still lacks (ASM-4)",
        responses={200: s.AssessmentFileDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class AssessmentFileViewSet(
    TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):  # type: ignore[type-arg]
    """The assessment file F0-F15 of one assessment: written and submitted by its assessor, scrutinised by the RPA."""

    model = AssessmentFile
    # The list's filters are parsed by a serializer (a month as YYYY-MM), not django-filter's.
    filter_backends: list[Any] = []

    def get_serializer_class(self) -> Any:
        return s.AssessmentFileListSerializer if self.action == "list" else s.AssessmentFileDetailSerializer

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related("candidate", "assessor__user")
        if self.action != "list":
            return rows.select_related("assessment")
        filters = query_filters(s.FileFilterSerializer, self.request)
        if filters.get("state"):
            rows = rows.filter(state=filters["state"])
        if filters.get("month"):
            rows = rows.filter(cycle_month=filters["month"])
        if filters.get("assessor"):
            rows = rows.filter(assessor_id=filters["assessor"])
        # Submitted files newest first, then those still being completed.
        return rows.order_by(F("submitted_at").desc(nulls_last=True), "-pk")

    def detail_response(self, file: AssessmentFile) -> Response:
        """The file read again after a write, with its draft and what it lacks."""
        return Response(s.AssessmentFileDetailSerializer(self.get_queryset().get(pk=file.pk)).data)

    @extend_schema(
        summary="Save one part of the draft (the file's assessor)",
        description="Saves the part as it stands, complete or not (nothing is lost on a timeout); only malformed "
        "data is refused, by field. The grid, the tasks' notes and F0 are merged into what is saved, so a page of "
        "standards can be saved at a time; the other parts are replaced. Allowed while the file is being completed "
        "or after it was returned for revision.",
        request=s.DraftSaveSerializer,
        responses={200: s.AssessmentFileDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["patch"], tenant_action=Action.CHANGE)
    def draft(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Save a part of the draft."""
        file = self.get_object()
        require_owner(request.user, file)
        values = parsed(s.DraftSaveSerializer, request)
        with service_errors():
            file_services.file_draft_save(file=file, acting_user=signed_in(request), **values)
        return self.detail_response(file)

    @extend_schema(
        summary="Submit the file as a new version (ASM-4, ASM-5; the file's assessor)",
        description="Only a complete file is submitted, after the assessment; the version is kept unchanged. A "
        "revision after a return is a new version, marked as a resubmission.",
        request=None,
        responses={201: s.FileVersionDetailSerializer, 400: SUBMIT_REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Submit the completed file."""
        file = self.get_object()
        require_owner(request.user, file)
        with transaction.atomic():
            with service_errors():
                version = file_services.file_submit(file=file, acting_user=signed_in(request))
            self.ensure_in_scope(version, Action.VIEW)
        version = FileVersion.objects.select_related("file__candidate", "submitted_by").get(pk=version.pk)
        return Response(s.FileVersionDetailSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Scrutinise the submitted version (SCR-1, SCR-3; RPA administrators and senior assessors)",
        description="Accept it for moderation, or return it for revision with reasons (it then cannot be moderated "
        "until resubmitted and accepted); either may flag it difficult or as raising an issue of principle, with a "
        "note, which puts it in every sample. Never by the file's own assessor.",
        request=s.ScrutinySerializer,
        responses={201: s.ScrutinyDecisionSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def scrutinise(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a scrutiny decision on the file."""
        file = self.get_object()
        require_scrutineer(request.user, file)
        values = parsed(s.ScrutinySerializer, request)
        with transaction.atomic():
            with service_errors():
                decision = file_services.file_scrutinise(file=file, acting_user=signed_in(request), **values)
            self.ensure_in_scope(decision, Action.ADD)
        return Response(s.ScrutinyDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Upload a response sheet or documentary evidence (ASM-2; the file's assessor)",
        description=f"multipart/form-data. The file must be a PDF, JPEG or PNG (recognised by its content) of at "
        f"most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB, with a plain name; it is stored encrypted. A refused file "
        'answers 400 {"upload": ["why"]} and nothing is stored. A response sheet replaces the earlier one for its '
        "task (which is kept). Not once the written tasks are sent or the file submitted.",
        request={"multipart/form-data": s.DocumentUploadSerializer},
        responses={201: s.TaskDocumentSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser], tenant_action=Action.CHANGE)
    def documents(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add a task document to the file."""
        file = self.get_object()
        require_owner(request.user, file)
        require_grant(request.user, TaskDocument, Action.ADD)
        values = parsed(s.DocumentUploadSerializer, request)
        upload = values.pop("upload")
        try:
            upload_size_check(size=upload.size)  # before it is read into memory
        except DjangoValidationError as error:
            raise serializers.ValidationError({"upload": error.messages}) from error
        with transaction.atomic():
            with service_errors():
                document = file_services.task_document_upload(
                    file=file, name=upload.name, content=upload.read(), acting_user=signed_in(request), **values
                )
            try:
                self.ensure_in_scope(document, Action.ADD)
            except PermissionDenied:
                file_delete(path=document.stored_path)  # the record rolls back: its encrypted copy goes with it
                raise
        return Response(s.TaskDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Tell the candidate of an issue in their documents (PREP-3; the assessor or an RPA administrator)",
        description="Before the assessment: the candidate is emailed, and the written tasks open again for them to "
        "address it and send again.",
        request=s.DocumentIssueCreateSerializer,
        responses={201: s.DocumentIssueSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="document-issue", tenant_action=Action.CHANGE)
    def document_issue(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Raise an issue in the candidate's documents."""
        file = self.get_object()
        if file.owner_id != request.user.pk and not holds_role(request.user, file.rpa_id, Role.RPA_ADMIN):
            raise PermissionDenied("Only the file's assessor or an administrator of its RPA can do this.")
        require_grant(request.user, DocumentIssue, Action.ADD)
        values = parsed(s.DocumentIssueCreateSerializer, request)
        with transaction.atomic():
            with service_errors():
                issue = file_services.document_issue_raise(file=file, acting_user=signed_in(request), **values)
            self.ensure_in_scope(issue, Action.ADD)
        return Response(s.DocumentIssueSerializer(issue).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record feedback to the PoP on the candidate's preparation (PREP-1, PREP-2; the file's assessor)",
        description="Can be changed until the RPA passes it on (201 the first time, 200 after). Say whether the "
        "preparation harmed the assessment, and how.",
        request=s.PreparationFeedbackCreateSerializer,
        responses={201: s.PreparationFeedbackSerializer, 200: s.PreparationFeedbackSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="preparation-feedback", tenant_action=Action.CHANGE)
    def preparation_feedback(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record or change the feedback on preparation."""
        file = self.get_object()
        require_owner(request.user, file)
        require_grant(request.user, PreparationFeedback, Action.ADD)
        values = parsed(s.PreparationFeedbackCreateSerializer, request)
        existed = PreparationFeedback.objects.filter(file=file).exists()
        with transaction.atomic():
            with service_errors():
                feedback = file_services.preparation_feedback_record(
                    file=file, acting_user=signed_in(request), **values
                )
            self.ensure_in_scope(feedback, Action.CHANGE if existed else Action.ADD)
        return Response(
            s.PreparationFeedbackSerializer(feedback).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


# --- versions ------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Submitted versions of files you may see (ASM-5)",
        parameters=[s.FileRefFilterSerializer],
        responses={200: s.FileVersionSerializer(many=True), 400: FIELD_ERRORS, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A version with what changed from the previous one (ASM-5)",
        responses={200: s.FileVersionDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class FileVersionViewSet(TenantReadOnlyViewSet):
    """Submitted versions of files, kept unchanged (ASM-5), for scrutineers and moderators."""

    model = FileVersion
    filter_backends: list[Any] = []

    def get_serializer_class(self) -> Any:
        return s.FileVersionSerializer if self.action == "list" else s.FileVersionDetailSerializer

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related("file__candidate", "submitted_by")
        if self.action == "list":
            rows = filtered_by_file(rows, self.request)
        return rows.order_by("-submitted_at", "-pk")


# --- task documents ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Task documents you may see (metadata only; ASM-2)",
        parameters=[s.FileRefFilterSerializer],
        responses={200: s.TaskDocumentSerializer(many=True), 400: FIELD_ERRORS, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A task document's metadata",
        responses={200: s.TaskDocumentSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class TaskDocumentViewSet(TenantReadOnlyViewSet):
    """The candidate's written task responses (F1-F8) and documentary evidence; replaced ones are kept."""

    model = TaskDocument
    serializer_class = s.TaskDocumentSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        rows = super().get_queryset()
        return filtered_by_file(rows, self.request) if self.action == "list" else rows

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A download answers in the file's own type, whatever the client accepts (Accept: application/pdf
        # would otherwise be refused with 406); its refusals (403, 404) stay JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "download")

    @extend_schema(
        summary="Download the document (decrypted, as an attachment)",
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
        """The decrypted document as an attachment, only through the access chokepoint."""
        document = self.get_object()
        return private_attachment(
            content=file_read_decrypted(path=document.stored_path),
            content_type=document.content_type,
            filename=document.name,
        )


# --- preparation feedback ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Feedback on preparation you may see (PREP-1, PREP-2; a PoP: once passed on to it)",
        parameters=[s.FileRefFilterSerializer],
        responses={200: s.PreparationFeedbackSerializer(many=True), 400: FIELD_ERRORS, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="Feedback on a candidate's preparation",
        responses={200: s.PreparationFeedbackSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class PreparationFeedbackViewSet(TenantReadOnlyViewSet):
    """Assessors' feedback on how candidates were prepared, which the RPA passes on to the PoP."""

    model = PreparationFeedback
    serializer_class = s.PreparationFeedbackSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related("file__candidate")
        return filtered_by_file(rows, self.request) if self.action == "list" else rows

    @extend_schema(
        summary="Pass the feedback on to the candidate's PoP (PREP-1, PREP-2; RPA administrators)",
        description="The PoP's users are told; when preparation harmed the assessment the candidate is told too.",
        request=s.PassOnSerializer,
        responses={200: s.PreparationFeedbackSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="pass-on", tenant_action=Action.CHANGE)
    def pass_on(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Pass the feedback on to the PoP."""
        feedback = self.get_object()
        require_role(
            request.user, feedback.rpa_id, Role.RPA_ADMIN, refusal="Only the RPA's administrators can do this."
        )
        values = parsed(s.PassOnSerializer, request)
        with service_errors():
            file_services.preparation_feedback_pass_on(feedback=feedback, acting_user=signed_in(request), **values)
        return Response(s.PreparationFeedbackSerializer(self.get_queryset().get(pk=feedback.pk)).data)


# --- results -------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Confirmed results (MOD-12; a candidate: their own, once released: PAY-1)",
        responses={200: s.ResultSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A confirmed result and its release",
        responses={200: s.ResultSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class ResultViewSet(TenantReadOnlyViewSet):
    """Confirmed outcomes: the RPA sees them all with when each was released; a candidate only theirs, and only once
    released (PAY-1: no result before payment)."""

    model = Result
    serializer_class = s.ResultSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related("candidate")
        # The outcome of an unreleased result is the RPA's alone: whoever reaches results only as their candidate
        # (or through an object grant) never sees one before it is released.
        return results_with_visible_outcome(results=rows, user=self.request.user).order_by("-confirmed_at", "-pk")
