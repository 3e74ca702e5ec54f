"""API viewsets of the assessments app: the assessor register with its quality management, assessments booked
against the weekly cap, and the ranked assessor proposals for a candidate. They parse, call assessments.services
or assessments.selectors, and answer; a record added to an assessor's entry (training, CPD, a conflict, a review...)
is added through an action on the assessor, every route's pk being the pk of its viewset's model.

The tenant base (hnap.api.base) finds records only through `restrict`: another RPA's record answers 404 like a
missing one, a record of the user's own RPA their role may not act on 403. Where ROLE_GRANTS is broader than an
action (a senior assessor holds CHANGE on the register but does not name seniors), a finer check answers 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import selectors, services
from assessments.api import serializers as s
from assessments.models import (
    Assessment,
    Assessor,
    Conflict,
    CPDEntry,
    PerformanceReview,
    QualityAction,
    TrainingRecord,
    Unavailability,
    week_start,
)
from candidates.api.views import FIELD_ERRORS, FORBIDDEN, NOT_FOUND, REFUSALS, parsed, service_errors, signed_in
from candidates.models import Candidate, DisabilityDisclosure
from hnap.access import holds_role, restrict
from hnap.api.base import TenantViewSetMixin
from hnap.models import DeadlineState
from hnap.roles import Action, Role

CONFIRM_OUTSIDE_WINDOW = "Send true to book outside the window."


def require_role(user: Any, rpa_id: int, *roles: Role, refusal: str) -> None:
    """What only some roles of the record's RPA do (403 otherwise)."""
    if not holds_role(user, rpa_id, *roles):
        raise PermissionDenied(refusal)


def require_self_or_admin(user: Any, assessor: Assessor) -> None:
    """The assessor's own entries (CPD, conflicts, unavailable weeks): the assessor, or an administrator of their
    RPA, keeps them."""
    if assessor.user_id != user.pk and not holds_role(user, assessor.rpa_id, Role.RPA_ADMIN):
        raise PermissionDenied("Only the assessor or an administrator of their RPA can do this.")


def require_manager(user: Any, assessor: Assessor) -> None:
    """Quality management (ASR-7, ASR-8): the RPA's administrators and senior assessors, never on their own entry."""
    if assessor.user_id == user.pk or not holds_role(user, assessor.rpa_id, Role.RPA_ADMIN, Role.SENIOR_ASSESSOR):
        raise PermissionDenied(
            "Only the RPA's administrators and senior assessors can do this, not on their own entry."
        )


def pooled_assessor(*, candidate: Candidate, pk: int) -> Assessor:
    """The assessor `pk` if they ever assess for the candidate's RPA (its own register, or an opt-in: ASR-5); any
    other id answers like a missing one."""
    assessor = selectors.assessor_pool(candidate=candidate).select_related("user", "rpa").filter(pk=pk).first()
    if assessor is None:
        raise serializers.ValidationError({"assessor": ["No assessor with this id assesses for the candidate's RPA."]})
    return assessor


@contextmanager
def booking_errors() -> Iterator[None]:
    """A booking's refusals as 400 field errors; outside the window (ASM-1) also says how to confirm."""
    with service_errors():
        try:
            yield
        except services.OutsideWindow as warning:
            raise serializers.ValidationError(
                {"starts_at": warning.messages, "confirm_outside_window": [CONFIRM_OUTSIDE_WINDOW]}
            ) from warning


# --- the register ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="The assessor register (an assessor: their own entry)",
        parameters=[s.AssessorFilterSerializer],
        responses={200: s.AssessorListSerializer(many=True), 400: FIELD_ERRORS, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="An assessor's entry: training, first solo QA, CPD, conflicts, availability, reviews",
        responses={200: s.AssessorDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class AssessorViewSet(TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """The RPA's assessor register and its quality management (ASR-1..ASR-9)."""

    model = Assessor
    # The list's filters are the register page's (its selector), not django-filter's.
    filter_backends: list[Any] = []
    # Actions on the assessor's own entries, which the assessor takes themself (see get_object).
    SELF_SERVICE = frozenset({"cpd", "conflicts", "unavailability", "calendar_token"})

    def get_serializer_class(self) -> Any:
        return s.AssessorListSerializer if self.action == "list" else s.AssessorDetailSerializer

    def get_queryset(self) -> Any:
        restricted = super().get_queryset()
        if self.action == "list":
            serializer = s.AssessorFilterSerializer(data=self.request.query_params)
            serializer.is_valid(raise_exception=True)
            filters = serializer.validated_data
            return selectors.assessors_for_register(
                assessors=restricted, status=filters.get("status", ""), senior=filters.get("is_senior")
            )
        return restricted.select_related("user", "rpa").prefetch_related("willing_rpas", "training")

    def get_object(self) -> Any:
        if self.action in self.SELF_SERVICE:
            # An assessor's role only views their register entry, yet they keep their own CPD, conflicts and
            # unavailable weeks (ROLE_GRANTS: ADD on those, OWN scope) and their calendar feed: these actions find
            # the entry with VIEW, then narrow to the assessor (or an administrator) themselves; ensure_in_scope
            # checks what was added.
            visible = self.get_queryset().filter(pk=self.kwargs.get("pk")).first()
            if visible is not None:
                return visible
        return super().get_object()

    def reloaded(self, assessor: Assessor) -> Assessor:
        """The entry read again after a write, with everything its answer shows."""
        return self.get_queryset().get(pk=assessor.pk)  # type: ignore[no-any-return]

    def detail_response(self, assessor: Assessor, code: int = status.HTTP_200_OK) -> Response:
        """The entry with each of its lists narrowed to what the user may see."""
        user = self.request.user

        def visible(model: Any) -> Any:
            return model.objects.restrict(user, Action.VIEW).filter(assessor=assessor)

        context = {
            **self.get_serializer_context(),
            "visible": {
                "training": visible(TrainingRecord),
                "cpd": visible(CPDEntry),
                "conflicts": visible(Conflict).select_related("school", "pop"),
                "unavailable_weeks": visible(Unavailability).filter(week_start__gte=week_start(timezone.localdate())),
                "reviews": visible(PerformanceReview).select_related("reviewer"),
                "quality_actions": visible(QualityAction).select_related("owner"),
            },
            "weeks": selectors.assessor_week_counts(assessor=assessor),
        }
        return Response(s.AssessorDetailSerializer(assessor, context=context).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.detail_response(self.get_object())

    @extend_schema(
        summary="Put a person on your RPA's register (RPA administrators)",
        description="The person is found by email address, or given an account without a password (they set one "
        "with 'Forgotten your password?'). They are in training until the seven topics are recorded (ASR-1).",
        request=s.AssessorCreateSerializer,
        responses={201: s.AssessorDetailSerializer, **REFUSALS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = parsed(s.AssessorCreateSerializer, request)
        rpa = self.acting_rpa()
        with transaction.atomic():
            with service_errors(user="email"):
                assessor, _ = services.assessor_add(
                    rpa=rpa,
                    email=values["email"],
                    full_name=values["full_name"],
                    acting_user=signed_in(request),
                    is_senior=values["is_senior"],
                )
            self.ensure_in_scope(assessor, Action.ADD)
        return self.detail_response(self.reloaded(assessor), status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a topic of initial training (ASR-1, RPA administrators)",
        description="Recording a topic again replaces its date and trainer. With all seven done, an assessor in "
        "training becomes active.",
        request=s.TrainingSerializer,
        responses={201: s.TrainingRecordSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def training(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record initial training."""
        assessor = self.get_object()
        require_role(
            request.user, assessor.rpa_id, Role.RPA_ADMIN, refusal="Only the RPA's administrators can do this."
        )
        values = parsed(s.TrainingSerializer, request)
        with transaction.atomic():
            with service_errors():
                record = services.training_record(assessor=assessor, **values)
            self.ensure_in_scope(record, Action.ADD)
        return Response(s.TrainingRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Name or stop naming a senior assessor (ASR-4, RPA administrators)",
        request=s.SeniorSerializer,
        responses={200: s.AssessorDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def senior(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Name a senior assessor of the RPA."""
        assessor = self.get_object()
        require_role(
            request.user, assessor.rpa_id, Role.RPA_ADMIN, refusal="Only the RPA's administrators can do this."
        )
        values = parsed(s.SeniorSerializer, request)
        with transaction.atomic():
            with service_errors():
                services.assessor_set_senior(assessor=assessor, acting_user=signed_in(request), **values)
            self.ensure_in_scope(assessor, Action.CHANGE)
        return self.detail_response(self.reloaded(assessor))

    @extend_schema(
        summary="The other RPAs the assessor assesses for (ASR-5, RPA administrators)",
        description="The list replaces the previous one; the assessor's own RPA is left out.",
        request=s.WillingSerializer,
        responses={200: s.AssessorDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def willing(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Set the RPAs the assessor will assess for."""
        assessor = self.get_object()
        require_role(
            request.user, assessor.rpa_id, Role.RPA_ADMIN, refusal="Only the RPA's administrators can do this."
        )
        values = parsed(s.WillingSerializer, request)
        with transaction.atomic():
            with service_errors():
                services.assessor_set_willing(assessor=assessor, **values)
            self.ensure_in_scope(assessor, Action.CHANGE)
        return self.detail_response(self.reloaded(assessor))

    @extend_schema(
        summary="Quality-assure the first solo assessment (ASR-2, the RPA's senior assessors)",
        description="The assessor becomes active again.",
        request=s.FirstSoloQASerializer,
        responses={200: s.AssessorDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="first-solo-qa", tenant_action=Action.CHANGE)
    def first_solo_qa(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a senior assessor's QA of a new assessor's first solo assessment."""
        assessor = self.get_object()
        if assessor.user_id == request.user.pk:
            raise PermissionDenied("A senior assessor of the RPA other than the assessor does this.")
        require_role(
            request.user, assessor.rpa_id, Role.SENIOR_ASSESSOR, refusal="Only the RPA's senior assessors can do this."
        )
        values = parsed(s.FirstSoloQASerializer, request)
        with transaction.atomic():
            with service_errors():
                services.first_solo_qa_record(assessor=assessor, acting_user=signed_in(request), **values)
            self.ensure_in_scope(assessor, Action.CHANGE)
        return self.detail_response(self.reloaded(assessor))

    @extend_schema(
        summary="Review the assessor against the six competency criteria (ASR-7)",
        description="RPA administrators and senior assessors; the assessor is told and sees the written feedback.",
        request=s.ReviewCreateSerializer,
        responses={201: s.PerformanceReviewSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def reviews(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a performance review."""
        assessor = self.get_object()
        require_manager(request.user, assessor)
        values = parsed(s.ReviewCreateSerializer, request)
        with transaction.atomic():
            with service_errors():
                review = services.review_record(assessor=assessor, reviewer=signed_in(request), **values)
            self.ensure_in_scope(review, Action.ADD)
        return Response(s.PerformanceReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Open a quality action (ASR-8)",
        description="RPA administrators and senior assessors. Suspension and removal take the assessor out of "
        "allocation at once; their future bookings are then to be reallocated.",
        request=s.QualityActionCreateSerializer,
        responses={201: s.QualityActionSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="quality-actions", tenant_action=Action.CHANGE)
    def quality_actions(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Open a quality action on the assessor."""
        assessor = self.get_object()
        require_manager(request.user, assessor)
        values = parsed(s.QualityActionCreateSerializer, request)
        with transaction.atomic():
            with service_errors():
                quality_action = services.quality_action_open(
                    assessor=assessor, acting_user=signed_in(request), **values
                )
            self.ensure_in_scope(quality_action, Action.ADD)
        return Response(s.QualityActionSerializer(quality_action).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record CPD mapped to ST1380 (ASR-3; the assessor, or an RPA administrator)",
        request=s.CPDCreateSerializer,
        responses={201: s.CPDEntrySerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def cpd(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add a CPD entry."""
        assessor = self.get_object()
        require_self_or_admin(request.user, assessor)
        values = parsed(s.CPDCreateSerializer, request)
        with transaction.atomic():
            with service_errors():
                entry = services.cpd_add(assessor=assessor, **values)
            self.ensure_in_scope(entry, Action.ADD)
        return Response(s.CPDEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Declare a connection with a school or a PoP (ASR-9; the assessor, or an RPA administrator)",
        description="Allocation leaves the school's or PoP's candidates out at once.",
        request=s.ConflictCreateSerializer,
        responses={201: s.ConflictSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def conflicts(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Declare a conflict of interest."""
        assessor = self.get_object()
        require_self_or_admin(request.user, assessor)
        values = parsed(s.ConflictCreateSerializer, request)
        with transaction.atomic():
            with service_errors():
                conflict = services.conflict_declare(assessor=assessor, **values)
            self.ensure_in_scope(conflict, Action.ADD)
        return Response(s.ConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Mark a week unavailable (the assessor, or an RPA administrator)",
        description="A booking already in that week is not moved.",
        request=s.UnavailabilityCreateSerializer,
        responses={201: s.UnavailabilitySerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def unavailability(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Mark the week of a day unavailable."""
        assessor = self.get_object()
        require_self_or_admin(request.user, assessor)
        values = parsed(s.UnavailabilityCreateSerializer, request)
        with transaction.atomic():
            with service_errors():
                week = services.unavailability_set(assessor=assessor, **values)
            self.ensure_in_scope(week, Action.ADD)
        return Response(s.UnavailabilitySerializer(week).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["POST"],
        summary="Issue the calendar feed link (the assessor themself)",
        description="A new link replaces the old one, which stops working. Anyone holding it sees the bookings.",
        request=None,
        responses={201: s.CalendarFeedSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Turn the calendar feed off (the assessor themself)",
        request=None,
        responses={204: OpenApiResponse(description="The link no longer works."), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post", "delete"], url_path="calendar-token", tenant_action=Action.CHANGE)
    def calendar_token(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Issue or revoke the secret link of the assessor's .ics feed."""
        assessor = self.get_object()
        if assessor.user_id != request.user.pk:
            raise PermissionDenied("Only the assessor can manage their calendar feed.")
        if request.method == "DELETE":
            services.calendar_token_revoke(assessor=assessor)
            return Response(status=status.HTTP_204_NO_CONTENT)
        token = services.calendar_token_issue(assessor=assessor)
        return Response(
            {"feed_url": request.build_absolute_uri(reverse("calendar-feed", args=[token]))},
            status=status.HTTP_201_CREATED,
        )


# --- assessments -------------------------------------------------------------------------------------


def tasks_due_at(*, assessment: Assessment) -> Any:
    """ASM-2: when the candidate's written tasks are due to the assessor (none once the booking is cancelled)."""
    deadline = selectors.assessment_tasks_deadline(assessment=assessment)
    return deadline.due_at if deadline and deadline.state != DeadlineState.CANCELLED else None


@extend_schema_view(
    list=extend_schema(
        summary="Assessments you may see (an assessor: their own)",
        parameters=[s.AssessmentFilterSerializer],
        responses={200: s.AssessmentListSerializer(many=True), 400: FIELD_ERRORS, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="An assessment: candidate, assessor, date, mode, interviewees, adjustments, flags, tasks due",
        responses={200: s.AssessmentDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class AssessmentViewSet(TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Assessments booked against the weekly cap (ASR-6, ASM-1..ASM-3); an assessor of another RPA reaches the one
    assessment they were allocated through an object grant (ASR-5)."""

    model = Assessment
    filter_backends: list[Any] = []

    def get_serializer_class(self) -> Any:
        return s.AssessmentListSerializer if self.action == "list" else s.AssessmentDetailSerializer

    def get_queryset(self) -> Any:
        rows = (
            super()
            .get_queryset()
            .select_related("rpa", "candidate", "assessor__user", "assessor__rpa")
            .order_by("starts_at", "pk")
        )
        if self.action != "list":
            return rows.select_related("candidate__school", "candidate__pop")
        serializer = s.AssessmentFilterSerializer(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        filters = serializer.validated_data
        if filters.get("week"):
            rows = rows.filter(week_start=week_start(filters["week"]))
        if filters.get("assessor"):
            rows = rows.filter(assessor_id=filters["assessor"])
        if filters.get("state"):
            rows = rows.filter(state=filters["state"])
        if filters.get("cross_rpa") is not None:
            rows = rows.filter(cross_rpa=filters["cross_rpa"])
        return rows

    def reloaded(self, assessment: Assessment) -> Assessment:
        return self.get_queryset().get(pk=assessment.pk)  # type: ignore[no-any-return]

    def detail_response(self, assessment: Assessment, code: int = status.HTTP_200_OK) -> Response:
        """The assessment; REG-8: the adjustments only for the allocated assessor and those who may see the
        candidate's disability disclosure."""
        user = self.request.user
        show_adjustments = (
            assessment.assessor.user_id == user.pk
            or DisabilityDisclosure.objects.restrict(user, Action.VIEW)
            .filter(candidate_id=assessment.candidate_id)
            .exists()
        )
        context = {
            **self.get_serializer_context(),
            "show_adjustments": show_adjustments,
            "tasks_due_at": tasks_due_at(assessment=assessment),
        }
        return Response(s.AssessmentDetailSerializer(assessment, context=context).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.detail_response(self.get_object())

    @extend_schema(
        summary="Allocate and book an assessment (RPA administrators)",
        description="Refusals answer 400 by field: a candidate not ready (S11-2) under non_field_errors; an "
        "assessor who cannot take the candidate under `assessor`; unpaid without an exception (PAY-1) under "
        "`unpaid_exception_reason`; a sixth in the assessor's week without a reason (ASR-6) under "
        "`cap_override_reason`; a date outside the RPA's window (ASM-1) under `starts_at` and "
        "`confirm_outside_window`: send the same body with confirm_outside_window true to book anyway.",
        request=s.AssessmentCreateSerializer,
        responses={201: s.AssessmentDetailSerializer, **REFUSALS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = parsed(s.AssessmentCreateSerializer, request)
        candidate = values.pop("candidate")
        assessor = pooled_assessor(candidate=candidate, pk=values.pop("assessor"))
        with transaction.atomic():
            with booking_errors():
                assessment = services.assessment_book(
                    candidate=candidate, assessor=assessor, acting_user=signed_in(request), **values
                )
            self.ensure_in_scope(assessment, Action.ADD)
        return self.detail_response(self.reloaded(assessment), status.HTTP_201_CREATED)

    @extend_schema(
        summary="Move the assessment to another date (RPA administrators)",
        description="The new week must have room (ASR-6) unless a reason is given; the tasks' deadline moves too.",
        request=s.MoveSerializer,
        responses={200: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def move(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Move a booked assessment."""
        assessment = self.get_object()
        values = parsed(s.MoveSerializer, request)
        with transaction.atomic():
            with service_errors():
                services.assessment_move(assessment=assessment, acting_user=signed_in(request), **values)
            self.ensure_in_scope(assessment, Action.CHANGE)
        return self.detail_response(self.reloaded(assessment))

    @extend_schema(
        summary="Cancel the assessment (RPA administrators)",
        description="It no longer counts in its week; its deadline and any cross-RPA grant end.",
        request=s.CancelSerializer,
        responses={200: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Cancel a booked assessment, with the reason."""
        assessment = self.get_object()
        values = parsed(s.CancelSerializer, request)
        with transaction.atomic():
            with service_errors():
                services.assessment_cancel(assessment=assessment, acting_user=signed_in(request), **values)
            self.ensure_in_scope(assessment, Action.CHANGE)
        return self.detail_response(self.reloaded(assessment))

    @extend_schema(
        summary="Give the assessment to another assessor on the same date (RPA administrators)",
        description="This booking is cancelled and a new one made (its url is in the answer); both or neither.",
        request=s.ReallocateSerializer,
        responses={201: s.AssessmentDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], tenant_action=Action.CHANGE)
    def reallocate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Reallocate a booking, e.g. after a suspension (ASR-8)."""
        assessment = self.get_object()
        values = parsed(s.ReallocateSerializer, request)
        assessor = pooled_assessor(candidate=assessment.candidate, pk=values.pop("assessor"))
        with transaction.atomic():
            with service_errors():
                new = services.assessment_reallocate(
                    assessment=assessment, assessor=assessor, acting_user=signed_in(request), **values
                )
            self.ensure_in_scope(new, Action.ADD)
        return self.detail_response(self.reloaded(new), status.HTTP_201_CREATED)

    @extend_schema(
        summary="Allocate a cohort on one date (RPA administrators)",
        description="Each candidate gets the best-ranked assessor with room that week; a candidate who cannot be "
        "booked is listed with the reason and the others go ahead. 201 when any was booked, else 200.",
        request=s.BulkSerializer,
        responses={201: s.BulkResultSerializer, 200: s.BulkResultSerializer, **REFUSALS},
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Book a whole cohort in one action."""
        values = parsed(s.BulkSerializer, request)
        with transaction.atomic():
            result = services.assessments_bulk_allocate(acting_user=signed_in(request), **values)
            ids = [assessment.pk for assessment in result.booked]
            if restrict(Assessment.objects.filter(pk__in=ids), request.user, Action.ADD).count() != len(ids):
                transaction.set_rollback(True)
                raise PermissionDenied("The allocation would put assessments outside your scope.")
        booked = list(self.get_queryset().filter(pk__in=ids))
        not_booked = [
            {
                "candidate": candidate.pk,
                "candidate_url": s.candidate_url(candidate.pk),
                "reference": candidate.reference,
                "name": candidate.full_name,
                "reason": reason,
            }
            for candidate, reason in result.not_booked
        ]
        return Response(
            s.BulkResultSerializer({"booked": booked, "not_booked": not_booked}, context={"request": request}).data,
            status=status.HTTP_201_CREATED if ids else status.HTTP_200_OK,
        )


# --- proposals -------------------------------------------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(
        summary="Assessors proposed for a candidate, ranked and explained (RPA administrators, senior assessors)",
        description="`{id}` is the candidate's id. Those who can take the candidate that week come first: the same "
        "RPA before assessors of other RPAs who opted in (ASR-5, RISK-1), then the least busy that week and "
        "recently; then those who cannot, each with the reasons (ASR-1, ASR-6, ASR-8, ASR-9, availability).",
        parameters=[s.ProposalsQuerySerializer],
        responses={200: s.ProposalsSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
)
class AllocationProposalViewSet(TenantViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Who could assess a candidate in a week: a read about the candidate, so its pk is the candidate's."""

    model = Candidate
    serializer_class = s.ProposalsSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("rpa", "school", "pop")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        candidate = self.get_object()
        # The register is the RPA's administrators' and senior assessors' to see (a PoP sees its candidates only).
        require_role(
            request.user,
            candidate.rpa_id,
            Role.RPA_ADMIN,
            Role.SENIOR_ASSESSOR,
            refusal="Only the RPA's administrators and senior assessors see proposals.",
        )
        query = s.ProposalsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("day") or timezone.localdate()
        proposals = selectors.assessor_proposals(candidate=candidate, day=day)
        return Response(
            s.ProposalsSerializer({"candidate": candidate, "week_start": week_start(day), "proposals": proposals}).data
        )
