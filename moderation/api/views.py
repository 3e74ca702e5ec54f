"""API viewsets of the moderation day: events with the draw and closing (MOD-1, MOD-3, MOD-12, PEER-4), sample entries
with the decision on each (MOD-3..MOD-6, MOD-8), decisions with the second moderator's review (MOD-2, MOD-6, MOD-7)
and review-pending files with the RPA's review (MOD-7). They parse, call moderation.services or
moderation.selectors, and answer; every route's pk is the pk of its viewset's model.

The tenant base (hnap.api.base) finds records only through `restrict` (a peer reviewer of another RPA reaches an
event and its sample only through the object grants of an open review): another RPA's record answers 404 like a
missing one, a record of the user's own RPA their role may not act on 403."""

from __future__ import annotations

from typing import Any

import pghistory
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.file_views import query_filters
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
from hnap.access import holds_role, role_allows
from hnap.api.base import TenantViewSetMixin
from hnap.roles import Action, Role
from moderation import services
from moderation.api import serializers as s
from moderation.models import (
    ModerationDecision,
    ModerationEvent,
    ReviewPending,
    ReviewState,
    SampleDraw,
    SampleEntry,
)
from moderation.selectors import peer_review_events, review_pending_list

EVENT_RELATED = ("rpa", "lead_moderator__user", "peer_reviewer", "peer_deputy", "peer_rpa")
ENTRY_RELATED = ("file__candidate", "file__assessor__user", "decision")


def require_event_runner(user: Any, event: ModerationEvent) -> None:
    """What only the RPA's own administrators and moderators do (a peer reviewer holds CHANGE only to draw)."""
    if not holds_role(user, event.rpa_id, Role.RPA_ADMIN, Role.MODERATOR):
        raise PermissionDenied("Only the RPA's administrators and moderators run its event.")


class ReadViewSet(TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """List and retrieve through the chokepoint; writes are actions on a record."""

    filter_backends: list[Any] = []


# --- events ----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="The RPA's moderation events (MOD-1)",
        parameters=[s.EventFilterSerializer],
        responses={200: s.EventSerializer(many=True), 400: FIELD_ERRORS, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="An event with its counts, what blocks closing it, and its draw",
        responses={200: s.EventDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class ModerationEventViewSet(ReadViewSet):
    """Monthly moderation events: the cohort, who moderates, the peer reviewer and the review's state."""

    model = ModerationEvent

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # A peer reviewer of another RPA may hold no role that lists events: while a review of theirs is open, the
        # list is their way in (it shows only what restrict gives them: the events granted to them).
        user = request.user
        if (
            self.kwargs.get("pk") is None
            and request.method in ("GET", "HEAD", "OPTIONS")
            and user.is_authenticated
            and not role_allows(user, ModerationEvent, Action.VIEW)
            and peer_review_events(user=user).exists()
        ):
            viewsets.GenericViewSet.initial(self, request, *args, **kwargs)
            pghistory.context(user=user.pk, source="api")
            return
        super().initial(request, *args, **kwargs)

    def get_serializer_class(self) -> Any:
        return s.EventSerializer if self.action == "list" else s.EventDetailSerializer

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related(*EVENT_RELATED)
        if self.action == "list":
            filters = query_filters(s.EventFilterSerializer, self.request)
            if filters.get("state"):
                rows = rows.filter(state=filters["state"])
        return rows.order_by("-month", "rpa__name", "pk")

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if self.action != "list" and self.kwargs.get("pk") is not None:
            context["draw"] = (
                SampleDraw.objects.restrict(self.request.user, Action.VIEW)
                .select_related("drawn_by")
                .filter(event_id=self.kwargs["pk"])
                .first()
            )
        return context

    def detail_response(self, event: ModerationEvent, code: int = status.HTTP_200_OK) -> Response:
        event = self.get_queryset().get(pk=event.pk)
        return Response(self.get_serializer(event).data, status=code)

    @extend_schema(
        summary="Draw the random sample (MOD-3; the event's peer reviewer or deputy, while the review is open)",
        description="Draws at least 5% of the cohort's met files (rounded up, at least one where any exist). The seed, "
        "the files drawn from, the files drawn, who and when are stored: re-running the draw from the seed gives the "
        "same files (`draw.reproduces`). Once per event.",
        request=None,
        responses={201: s.EventDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def draw(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Draw the random sample."""
        event = self.get_object()
        with service_errors():
            services.sample_draw(event=event, acting_user=signed_in(request))
        self.kwargs["pk"] = event.pk
        return self.detail_response(event, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Close the event and confirm the outcomes (MOD-12; the RPA's administrators and moderators)",
        description="Only once every sampled file is decided (files review pending or returned excepted): sampled "
        "files are confirmed as decided, the others as recommended, except files review pending (MOD-7) or returned "
        "(MOD-8); results go to release once paid (PAY-1). The peer reviewer's access ends (PEER-4) and the joint "
        'report falls due (PEER-3). A refusal says what blocks it under "non_field_errors".',
        request=None,
        responses={200: s.EventDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def close(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Close the event."""
        event = self.get_object()
        require_event_runner(request.user, event)
        with service_errors():
            services.event_close(event=event, acting_user=signed_in(request))
        return self.detail_response(event)


# --- sample entries --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Sampled files with their reasons and the standards to moderate (MOD-3..MOD-5)",
        parameters=[s.EntryFilterSerializer],
        responses={200: s.EntrySerializer(many=True), 400: FIELD_ERRORS, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A sampled file", responses={200: s.EntrySerializer, 403: FORBIDDEN, 404: NOT_FOUND}
    ),
)
class SampleEntryViewSet(ReadViewSet):
    """The files in events' samples, each with every reason it is there."""

    model = SampleEntry
    serializer_class = s.EntrySerializer

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related(*ENTRY_RELATED)
        if self.action == "list":
            filters = query_filters(s.EntryFilterSerializer, self.request)
            if filters.get("event"):
                rows = rows.filter(event_id=filters["event"])
        return rows.order_by("-event__month", "pk")

    @extend_schema(
        summary="Record the decision on the file (MOD-6, MOD-8; a moderator of the RPA)",
        description="Per moderated standard agree or disagree (a note when disagreeing); then endorse, overturn "
        "(new outcome, reasons), records lacking (back to the assessor) or process lacking (full reassessment by "
        "another assessor). An overturn, a process lacking and any decision of a moderator not yet confirmed wait "
        "for a second moderator (MOD-2). Never by the file's assessor; not while the file is review pending.",
        request=s.DecisionRecordSerializer,
        responses={201: s.DecisionSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def decide(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record the moderators' decision."""
        entry = self.get_object()
        require_grant(request.user, ModerationDecision, Action.ADD)
        values = parsed(s.DecisionRecordSerializer, request)
        with service_errors():
            decision = services.decision_record(entry=entry, acting_user=signed_in(request), **values)
        decision = ModerationDecision.objects.select_related(
            "file__candidate", "moderator__user", "second_moderator__user"
        ).get(pk=decision.pk)
        return Response(s.DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


# --- decisions -------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Moderation decisions (MOD-6)",
        parameters=[s.EntryFilterSerializer],
        responses={200: s.DecisionSerializer(many=True), 400: FIELD_ERRORS, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A decision and its second review",
        responses={200: s.DecisionSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class ModerationDecisionViewSet(ReadViewSet):
    """Decisions on sampled files and the second moderator's review."""

    model = ModerationDecision
    serializer_class = s.DecisionSerializer

    def get_queryset(self) -> Any:
        rows = super().get_queryset().select_related("file__candidate", "moderator__user", "second_moderator__user")
        if self.action == "list":
            filters = query_filters(s.EntryFilterSerializer, self.request)
            if filters.get("event"):
                rows = rows.filter(entry__event_id=filters["event"])
        return rows.order_by("-decided_at", "-pk")

    @extend_schema(
        summary="Review the decision as second moderator (MOD-6, MOD-2; a confirmed moderator, not the first)",
        description="Agreeing, the decision takes effect: an overturn reclassifies the result with its reasons; a "
        "reclassification to full reassessment flags the assessor's other unconfirmed files review pending (MOD-7). "
        "Not agreeing (a note is needed), the first moderator records the decision again.",
        request=s.SecondReviewSerializer,
        responses={200: s.DecisionSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="second-review", tenant_action=Action.CHANGE)
    def second_review(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record the second moderator's review."""
        decision = self.get_object()
        values = parsed(s.SecondReviewSerializer, request)
        with service_errors():
            services.decision_second_review(decision=decision, acting_user=signed_in(request), **values)
        return Response(s.DecisionSerializer(self.get_queryset().get(pk=decision.pk)).data)


# --- review pending --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Files review pending (MOD-7): each blocks its confirmation until the RPA's review",
        parameters=[s.ReviewFilterSerializer],
        responses={200: s.ReviewPendingSerializer(many=True), 400: FIELD_ERRORS, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="A review-pending file", responses={200: s.ReviewPendingSerializer, 403: FORBIDDEN, 404: NOT_FOUND}
    ),
)
class ReviewPendingViewSet(ReadViewSet):
    """Files flagged review pending when another file of their assessor was reclassified as full reassessment."""

    model = ReviewPending
    serializer_class = s.ReviewPendingSerializer

    def get_queryset(self) -> Any:
        rows = super().get_queryset()
        if self.action == "list":
            show = query_filters(s.ReviewFilterSerializer, self.request).get("show", "pending")
            if show == "pending":
                return review_pending_list(flags=rows).select_related("reviewed_by")
            if show == "reviewed":
                rows = rows.filter(state=ReviewState.REVIEWED)
        return rows.select_related("file__candidate", "file__assessor__user", "reviewed_by").order_by(
            "-flagged_at", "-pk"
        )

    @extend_schema(
        summary="Review the file (MOD-7; the RPA's administrators and senior assessors, never its assessor)",
        description="The recommended outcome stands (confirmed with its event), or the file is moderated (sampled in "
        "the open event, or the next).",
        request=s.ReviewSerializer,
        responses={200: s.ReviewPendingSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def review(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record the RPA's review."""
        flag = self.get_object()
        values = parsed(s.ReviewSerializer, request)
        with service_errors():
            services.review_pending_resolve(flag=flag, acting_user=signed_in(request), **values)
        return Response(s.ReviewPendingSerializer(self.get_queryset().get(pk=flag.pk)).data)
