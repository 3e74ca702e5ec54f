"""API viewsets of moderation's reports: feedback to assessors (MOD-9, ASR-7: an assessor reads only their own, once
sent), trends sent to PoPs (MOD-11: a PoP reads only its own) and joint reports with their submission (PEER-3). The
tenant base (hnap.api.base) finds records only through `restrict`: another RPA's record answers 404 like a missing
one, a record of the user's own RPA their role may not act on 403."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from candidates.api.views import FORBIDDEN, NOT_FOUND, REFUSALS, parsed, service_errors, signed_in
from hnap.roles import Action
from moderation import services
from moderation.api import report_serializers as s
from moderation.api.views import ReadViewSet
from moderation.models import AssessorFeedback, JointReport, PoPTrendFeedback


@extend_schema_view(
    list=extend_schema(summary="Feedback to assessors after moderation (MOD-9, ASR-7)",
                       responses={200: s.AssessorFeedbackSerializer(many=True), 403: FORBIDDEN}),
    retrieve=extend_schema(summary="One assessor's feedback",
                           responses={200: s.AssessorFeedbackSerializer, 403: FORBIDDEN, 404: NOT_FOUND}),
)  # fmt: skip
class AssessorFeedbackViewSet(ReadViewSet):
    """The RPA's staff read all of it; an assessor reads only their own, once sent."""

    model = AssessorFeedback
    serializer_class = s.AssessorFeedbackSerializer

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related("event", "rpa", "assessor__user")
        return rows.order_by("-event__month", "assessor__user__full_name", "pk")


@extend_schema_view(
    list=extend_schema(summary="Trends sent to PoPs (MOD-11)",
                       responses={200: s.PoPTrendSerializer(many=True), 403: FORBIDDEN}),
    retrieve=extend_schema(summary="Trends as sent to one PoP",
                           responses={200: s.PoPTrendSerializer, 403: FORBIDDEN, 404: NOT_FOUND}),
)  # fmt: skip
class PoPTrendViewSet(ReadViewSet):
    """A PoP's users read only what was sent to their PoP; the RPA reads all it sent."""

    model = PoPTrendFeedback
    serializer_class = s.PoPTrendSerializer

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("pop", "rpa").order_by("-sent_at", "-pk")


@extend_schema_view(
    list=extend_schema(summary="Joint reports of peer reviewers and moderators (PEER-3)",
                       responses={200: s.JointReportSerializer(many=True), 403: FORBIDDEN}),
    retrieve=extend_schema(summary="A joint report, late or not",
                           responses={200: s.JointReportSerializer, 403: FORBIDDEN, 404: NOT_FOUND}),
)  # fmt: skip
class JointReportViewSet(ReadViewSet):
    """Due 3 working days after the event; the Partnership reads every RPA's."""

    model = JointReport
    serializer_class = s.JointReportSerializer

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related("event", "rpa", "peer_reviewer", "moderator__user")
        return rows.order_by("-due_at", "-pk")

    @extend_schema(
        summary="Submit the joint report (PEER-3; the event's peer reviewer or deputy, or a moderator of the RPA)",
        description="The issues discussed (required when issues were raised) or confirming none were; meets the "
        "deadline (a late one stays recorded as late). Once.",
        request=s.JointReportSubmitSerializer,
        responses={200: s.JointReportSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Submit the joint report."""
        report = self.get_object()
        values = parsed(s.JointReportSubmitSerializer, request)
        with service_errors():
            report = services.joint_report_submit(report=report, acting_user=signed_in(request), **values)
        report = JointReport.objects.select_related("event", "rpa", "peer_reviewer", "moderator__user").get(
            pk=report.pk
        )
        return Response(s.JointReportSerializer(report).data)
