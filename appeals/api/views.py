"""API viewsets of enquiries and appeals: the enquiry queue, logging and replying (ENQ-1, ENQ-3), appeals with their
acknowledgement and outcome (APP-1, APP-3, APP-4), and referrals to the Partnership (APP-6). They parse, call
appeals.services or appeals.selectors, and answer; the tenant base (hnap.api.base) finds records only through
`restrict`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from appeals import services
from appeals.api import serializers as s
from appeals.models import Appeal, Enquiry, Referral
from appeals.selectors import enquiry_queue
from assessments.api.file_views import query_filters
from candidates.api.views import FIELD_ERRORS, FORBIDDEN, NOT_FOUND, REFUSALS, parsed, service_errors, signed_in
from hnap.access import holds_role
from hnap.api.base import TenantReadOnlyViewSet, TenantViewSetMixin
from hnap.roles import Action, Role


def require_rpa_admin(user: Any, rpa_id: int) -> None:
    """Decisions on an appeal are the RPA administrators' alone."""
    if not holds_role(user, rpa_id, Role.RPA_ADMIN):
        raise PermissionDenied("Only the RPA's administrators can do this.")


@extend_schema_view(
    list=extend_schema(
        summary="The enquiry queue: still owed a reply, the next due first (ENQ-3)",
        parameters=[s.EnquiryFilterSerializer],
        responses={200: s.EnquiryListSerializer(many=True), 400: FIELD_ERRORS, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="An enquiry with every message in and out (ENQ-1)",
        responses={200: s.EnquiryDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Log an enquiry received by email or phone (ENQ-1)",
        description="It gets its reference at once; the acknowledgement is due in 3 working days and the answer in "
        "10, and the deadline engine chases both.",
        request=s.EnquiryCreateSerializer,
        responses={201: s.EnquiryDetailSerializer, **REFUSALS},
    ),
)
class EnquiryViewSet(
    TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # type: ignore[type-arg]  # fmt: skip
    """Enquiries to the RPA: the RPA's staff see and answer them all; a person who raised one sees their own."""

    model = Enquiry
    filter_backends: list[Any] = []

    def get_serializer_class(self) -> Any:
        return s.EnquiryListSerializer if self.action == "list" else s.EnquiryDetailSerializer

    def get_queryset(self) -> Any:
        rows = super().get_queryset()
        if self.action != "list":
            return rows.prefetch_related("messages")
        filters = query_filters(s.EnquiryFilterSerializer, self.request)
        return enquiry_queue(enquiries=rows, state=filters.get("state", ""), overdue=filters.get("overdue", False))

    def detail_response(self, enquiry: Enquiry, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.EnquiryDetailSerializer(self.get_queryset().get(pk=enquiry.pk)).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = parsed(s.EnquiryCreateSerializer, request)
        with transaction.atomic():
            with service_errors():
                enquiry = services.enquiry_receive(rpa=self.acting_rpa(), logged_by=signed_in(request), **values)
            self.ensure_in_scope(enquiry, Action.ADD)
        return self.detail_response(enquiry, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Acknowledge the enquiry (ENQ-1: within 3 working days)",
        description="The message is sent to the enquirer and kept on the enquiry; the acknowledgement deadline is met.",
        request=s.ReplySerializer,
        responses={200: s.EnquiryDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def acknowledge(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Acknowledge the enquiry."""
        enquiry = self.get_object()
        values = parsed(s.ReplySerializer, request)
        with service_errors():
            services.enquiry_acknowledge(enquiry=enquiry, acting_user=signed_in(request), **values)
        return self.detail_response(enquiry)

    @extend_schema(
        summary="Answer the enquiry (ENQ-1: within 10 working days)",
        description="The substantive response; it also acknowledges an enquiry not yet acknowledged.",
        request=s.ReplySerializer,
        responses={200: s.EnquiryDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def answer(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Answer the enquiry."""
        enquiry = self.get_object()
        values = parsed(s.ReplySerializer, request)
        with service_errors():
            services.enquiry_answer(enquiry=enquiry, acting_user=signed_in(request), **values)
        return self.detail_response(enquiry)


@extend_schema_view(
    list=extend_schema(summary="Appeals you may see (a candidate: their own)",
                       responses={200: s.AppealSerializer(many=True), 403: FORBIDDEN}),
    retrieve=extend_schema(summary="An appeal", responses={200: s.AppealSerializer, 403: FORBIDDEN, 404: NOT_FOUND}),
)  # fmt: skip
class AppealViewSet(TenantReadOnlyViewSet):
    """Appeals against results: made by the candidate (pages), acknowledged and decided by the RPA's administrators."""

    model = Appeal
    serializer_class = s.AppealSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("candidate").order_by("-received_at", "-pk")

    @extend_schema(
        summary="Acknowledge the appeal (APP-4; RPA administrators)",
        description="Writes the acknowledgement letter (PDF, emailed) stating the date by which the appeal will be "
        "considered, that many working days from today; the deadline engine then owes the outcome by that date.",
        request=s.AcknowledgeAppealSerializer,
        responses={200: s.AppealSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def acknowledge(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Acknowledge the appeal."""
        appeal = self.get_object()
        require_rpa_admin(request.user, appeal.rpa_id)
        values = parsed(s.AcknowledgeAppealSerializer, request)
        with service_errors():
            appeal = services.appeal_acknowledge(appeal=appeal, acting_user=signed_in(request), **values)
        return Response(s.AppealSerializer(self.get_queryset().get(pk=appeal.pk)).data)

    @extend_schema(
        summary="Decide the appeal and send the written outcome (APP-4; RPA administrators)",
        description="The outcome with its reasons goes to the candidate with how to refer it to the Partnership.",
        request=s.DecideAppealSerializer,
        responses={200: s.AppealSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def decide(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Decide the appeal."""
        appeal = self.get_object()
        require_rpa_admin(request.user, appeal.rpa_id)
        values = parsed(s.DecideAppealSerializer, request)
        with service_errors():
            appeal = services.appeal_decide(appeal=appeal, acting_user=signed_in(request), **values)
        return Response(s.AppealSerializer(self.get_queryset().get(pk=appeal.pk)).data)


@extend_schema_view(
    list=extend_schema(summary="Appeals referred to the Partnership (APP-6)",
                       responses={200: s.ReferralSerializer(many=True), 403: FORBIDDEN}),
    retrieve=extend_schema(summary="A referral", responses={200: s.ReferralSerializer, 403: FORBIDDEN,
                                                            404: NOT_FOUND}),
)  # fmt: skip
class ReferralViewSet(TenantReadOnlyViewSet):
    """Referrals: the Partnership sees every RPA's, an RPA its own, a candidate theirs."""

    model = Referral
    serializer_class = s.ReferralSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return (
            super().get_queryset().select_related("appeal__candidate", "rpa", "panel").order_by("-referred_at", "-pk")
        )
