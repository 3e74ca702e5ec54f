"""Pages of allocation, booking and the calendar: the RPA's bookings, the candidates ready to allocate, the ranked and
explained proposals for one candidate and the booking form, bulk allocation of a cohort, an assessment's page with
its move, cancel and reallocate forms, an assessor's calendar by week with the cap visible, and its .ics feed.
Every record is reached through hnap.access (the tenant base views); the rules live in assessments.services."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.generic import TemplateView, View

from assessments import services
from assessments.file_selectors import tasks_due_at
from assessments.forms import allocation as forms
from assessments.models import WEEKLY_CAP, Assessment, AssessmentState, Assessor, Unavailability, week_start
from assessments.selectors import (
    Proposal,
    assessment_tasks_deadline,
    assessment_window,
    assessor_proposals,
    assessor_week_counts,
    assessors_serving,
)
from candidates.models import Candidate, DisabilityDisclosure
from candidates.selectors import (
    candidate_is_paid,
    candidate_is_ready_for_allocation,
    candidates_ready_for_allocation,
    candidates_with_payment,
)
from candidates.views.review import RecordFormView, is_rpa_admin_of
from hnap.access import memberships_of, role_allows
from hnap.forms import add_service_errors
from hnap.models import DeadlineState, User
from hnap.roles import Action, Role
from hnap.tenant_views import TenantCreateView, TenantDetailView, TenantListView, TenantScopedMixin

# The calendar shows this many weeks from the current one; the feed starts this many weeks back.
CALENDAR_WEEKS = 8
FEED_WEEKS_BACK = 4
# ASM-3: an assessment takes about two hours.
ASSESSMENT_LENGTH = timedelta(hours=2)
BULK_SESSION_KEY = "assessments.bulk_result"


def admin_rpa_ids(user: Any) -> set[int]:
    """The RPAs the user administers: the only ones they book assessments in (overrides and exceptions included)."""
    return {m.rpa_id for m in memberships_of(user) if m.role == Role.RPA_ADMIN and m.rpa_id is not None}


def allocatable(candidates: QuerySet[Candidate], user: Any) -> QuerySet[Candidate]:
    """Of these candidates, those the user can allocate now: of an RPA they administer, past the allocation gate
    (S11-2) and without a booked assessment."""
    booked = Assessment.objects.filter(candidate=OuterRef("pk"), state=AssessmentState.BOOKED)
    ready = candidates_ready_for_allocation(candidates=candidates.filter(rpa_id__in=admin_rpa_ids(user)))
    return ready.exclude(Exists(booked))


def first_day_to_propose(candidate: Candidate) -> date:
    """The Monday that opens the RPA's window after the candidate's final session (ASM-1), or next week's Monday
    when that has passed."""
    opens, _ = assessment_window(candidate=candidate)
    monday = opens + timedelta(days=-opens.weekday() % 7)
    next_week = week_start(timezone.localdate()) + timedelta(weeks=1)
    return monday if monday >= timezone.localdate() else next_week


def bookable(proposals: list[Proposal]) -> list[Proposal]:
    """The proposals an administrator can pick: the eligible ones, then those refused only because their week is
    full (booked with a recorded override, ASR-6)."""
    return [p for p in proposals if p.eligible] + [p for p in proposals if week_full_only(p)]


def week_full_only(proposal: Proposal) -> bool:
    """The assessor could take the candidate but for the weekly cap."""
    return not proposal.eligible and proposal.week_count >= WEEKLY_CAP and len(proposal.reasons) == 1


def proposal_label(proposal: Proposal) -> str:
    """How one proposed assessor reads in the radios."""
    name = f"{proposal.assessor.user.full_name} ({proposal.assessor.rpa.name})"
    if proposal.eligible:
        return f"{name}: {'; '.join(proposal.notes)}"
    return f"{name}: week full ({proposal.week_count} of {WEEKLY_CAP} booked), only with a recorded reason"


# --- the RPA's bookings and the candidates ready to allocate ---------------------------------------


class AssessmentListView(TenantListView):
    """The bookings the user may see, filtered by week, assessor, state and cross-RPA, with the rules' flags."""

    model = Assessment
    template_name = "assessments/assessment_list.html"

    def get_queryset(self) -> Any:
        user = self.request.user
        self.filters = forms.AssessmentFilterForm(
            self.request.GET or None,
            assessors=Assessor.objects.restrict(user, Action.VIEW).select_related("user", "rpa"),
        )
        self.filters.is_valid()
        values = getattr(self.filters, "cleaned_data", {})
        rows = self.scoped().select_related("candidate", "assessor__user", "assessor__rpa", "rpa")
        if values.get("week"):
            rows = rows.filter(week_start=week_start(values["week"]))
        else:
            rows = rows.filter(week_start__gte=week_start(timezone.localdate()))
        if values.get("assessor"):
            rows = rows.filter(assessor=values["assessor"])
        if values.get("state"):
            rows = rows.filter(state=values["state"])
        if values.get("cross_rpa"):
            rows = rows.filter(cross_rpa=values["cross_rpa"] == "yes")
        return rows.order_by("starts_at", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            filters=self.filters,
            query_string=params.urlencode(),
            may_allocate=bool(admin_rpa_ids(self.request.user)),
        )
        return context


class AllocationReadyView(TenantListView):
    """S11-2: the candidates ready to allocate (registered, ready, both Level 2 subjects verified) with no booking
    yet: one link each to the proposals, and checkboxes to allocate a cohort on one date. Allocating changes the
    candidate, so the page is for those who may change candidates; only an RPA's administrators find any here."""

    model = Candidate
    action = Action.CHANGE
    template_name = "assessments/allocation_ready.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not role_allows(request.user, Candidate, Action.CHANGE):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return (
            candidates_with_payment(candidates=allocatable(self.scoped(), self.request.user))
            .select_related("school", "course", "pop")
            .order_by("course__final_session", "last_name", "first_name", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            may_allocate=bool(admin_rpa_ids(self.request.user)),
            form=forms.BulkAllocateForm(candidates=Candidate.objects.none()),
            selected=set(),
        )
        return context


# --- proposals and booking --------------------------------------------------------------------------


class CandidateAllocateView(RecordFormView):
    """Allocate one candidate: the assessors proposed for a week, ranked and explained (those who cannot, with the
    reasons), the candidate's adjustments (REG-8) and payment (PAY-1), and the booking form."""

    model = Candidate
    form_class = forms.AllocateForm
    template_name = "assessments/allocation_allocate.html"
    title = "Allocate an assessor"
    submit_label = "Book the assessment"
    renamed_errors: ClassVar[dict[str, str]] = {"starts_at": "starts_at_date"}
    object: Candidate

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.window_warning = ""

    def day(self) -> date:
        """The day whose week the proposals are for: the date being booked, else ?day=, else the window's start."""
        typed = self.request.POST.get("starts_at_date", "") if self.request.method == "POST" else ""
        for text in (typed, self.request.GET.get("day", "")):
            try:
                parsed = parse_date(text.strip())
            except ValueError:
                parsed = None
            if parsed:
                return parsed
        return first_day_to_propose(self.object)

    def proposals(self) -> list[Proposal]:
        if not hasattr(self, "_proposals"):
            self._proposals = assessor_proposals(candidate=self.object, day=self.day())
        return self._proposals

    def is_paid(self) -> bool:
        if not hasattr(self, "_paid"):
            self._paid = candidate_is_paid(candidate=self.object)
        return self._paid

    def get_initial(self) -> dict[str, Any]:
        eligible = [p for p in self.proposals() if p.eligible]
        return {"assessor": str(eligible[0].assessor.pk) if eligible else None, "starts_at_date": self.day()}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        choices = bookable(self.proposals())
        kwargs.update(
            assessors=[(str(p.assessor.pk), proposal_label(p)) for p in choices],
            show_cap=any(week_full_only(p) for p in choices),
            show_unpaid=not self.is_paid(),
            show_confirm=bool(self.window_warning or self.request.POST.get("confirm_outside_window")),
        )
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        candidate, user = self.object, self.request.user
        proposals = self.proposals()
        monday = week_start(self.day())
        window = assessment_window(candidate=candidate)
        context.update(
            monday=monday,
            sunday=monday + timedelta(days=6),
            previous_week=monday - timedelta(weeks=1),
            next_week=monday + timedelta(weeks=1),
            eligible=[p for p in proposals if p.eligible],
            ineligible=[p for p in proposals if not p.eligible],
            cap=WEEKLY_CAP,
            is_paid=self.is_paid(),
            is_ready=candidate_is_ready_for_allocation(candidate=candidate),
            booked=Assessment.objects.restrict(user, Action.VIEW)
            .filter(candidate=candidate, state=AssessmentState.BOOKED)
            .first(),
            disclosure=DisabilityDisclosure.objects.restrict(user, Action.VIEW).filter(candidate=candidate).first(),
            window_opens=window[0],
            window_closes=window[1],
            window_warning=self.window_warning,
        )
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            message = self.perform(form.cleaned_data)
        except services.OutsideWindow as warning:
            # ASM-1: not an error but a question: show the warning and the box that confirms the date.
            self.window_warning = " ".join(warning.messages)
            confirm = self.get_form()
            confirm.is_valid()
            return self.render_to_response(self.get_context_data(form=confirm))
        except ValidationError as error:
            # A refusal naming a field this form does not show (yet) appears above the form.
            add_service_errors(form, error, self.renamed_errors)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url())

    def perform(self, data: dict[str, Any]) -> str:
        assessor = next(p.assessor for p in self.proposals() if str(p.assessor.pk) == data["assessor"])
        self.assessment = services.assessment_book(
            candidate=self.object,
            assessor=assessor,
            starts_at=data["starts_at"],
            acting_user=self.acting_user(),
            mode=data["mode"],
            teacher_name=data["teacher_name"],
            senior_leader_name=data["senior_leader_name"],
            cap_override_reason=data.get("cap_override_reason", ""),
            unpaid_exception_reason=data.get("unpaid_exception_reason", ""),
            confirm_outside_window=data.get("confirm_outside_window", False),
        )
        when = timezone.localtime(self.assessment.starts_at)
        return f"Assessment booked with {assessor.user.full_name} on {when:%A %-d %B %Y at %H:%M}."

    def get_success_url(self) -> str:
        return reverse("assessment-detail", args=[self.assessment.pk])


class AssessmentCreateView(TenantCreateView):
    """A booking in one request: candidate, assessor, date and time, mode, window confirmation (assessment_book)."""

    model = Assessment
    template_name = "assessments/assessment_form.html"

    def get_form_class(self) -> Any:
        # A plain form, not a model form: the service builds the record.
        return forms.AssessmentCreateForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        user = self.request.user
        kwargs["candidates"] = allocatable(Candidate.objects.restrict(user, Action.CHANGE), user).order_by(
            "last_name", "first_name", "pk"
        )
        kwargs["assessors"] = Assessor.objects.none()
        return kwargs

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        # ASR-5, RISK-1: besides its own register, an RPA allocates the assessors of other RPAs who opted in to
        # assess for it (as the proposals do), though it cannot open their register entries.
        rpas = admin_rpa_ids(self.request.user)
        form.fields["assessor"].queryset = (
            assessors_serving(rpa_ids=rpas).select_related("user", "rpa").order_by("user__full_name", "pk")
        )
        return form

    def save_form(self, form: Any) -> HttpResponse:
        data = form.cleaned_data
        try:
            self.object = services.assessment_book(
                candidate=data["candidate"],
                assessor=data["assessor"],
                starts_at=data["starts_at"],
                acting_user=cast(User, self.request.user),
                mode=data["mode"],
                teacher_name=data["teacher_name"],
                senior_leader_name=data["senior_leader_name"],
                cap_override_reason=data["cap_override_reason"],
                unpaid_exception_reason=data["unpaid_exception_reason"],
                confirm_outside_window=data["confirm_outside_window"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Assessment booked for {self.object.candidate.full_name}.")
        return redirect("assessment-detail", self.object.pk)


class BulkAllocateView(TenantScopedMixin, TemplateView):
    """Allocate a cohort on one date (POST, from the ready list), then the summary: who was booked with whom, and
    who was not and why. The summary is kept in the session so that the POST can redirect."""

    model = Assessment
    action = Action.ADD
    template_name = "assessments/allocation_bulk.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and not (role_allows(user, Assessment, Action.ADD) and admin_rpa_ids(user)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def candidates(self) -> QuerySet[Candidate]:
        """Who may be in the cohort: the user's RPA's candidates they may change (the service says who is not
        ready, unpaid or without an assessor that week)."""
        user = self.request.user
        return Candidate.objects.restrict(user, Action.CHANGE).filter(rpa_id__in=admin_rpa_ids(user))

    def ready_rows(self) -> QuerySet[Candidate]:
        return (
            candidates_with_payment(candidates=allocatable(self.candidates(), self.request.user))
            .select_related("school", "course", "pop")
            .order_by("course__final_session", "last_name", "first_name", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        stored = self.request.session.get(BULK_SESSION_KEY)
        if stored and "form" not in kwargs:
            user = self.request.user
            booked = (
                Assessment.objects.restrict(user, Action.VIEW)
                .filter(pk__in=stored["booked"])
                .select_related("candidate", "assessor__user", "assessor__rpa")
                .order_by("candidate__last_name", "pk")
            )
            reasons = dict(stored["not_booked"])
            not_booked = [
                (candidate, reasons[candidate.pk])
                for candidate in Candidate.objects.restrict(user, Action.VIEW)
                .filter(pk__in=reasons)
                .order_by("last_name", "pk")
            ]
            context.update(summary=True, booked=booked, not_booked=not_booked, starts_at=stored["starts_at"])
        else:
            form = context.setdefault("form", forms.BulkAllocateForm(candidates=Candidate.objects.none()))
            context["object_list"] = self.ready_rows()
            # What was ticked stays ticked when the form comes back with an error.
            context["selected"] = set(form["candidates"].value() or []) if form.is_bound else set()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = forms.BulkAllocateForm(request.POST, candidates=self.candidates())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        result = services.assessments_bulk_allocate(
            candidates=list(data["candidates"].select_related("rpa", "course", "school", "pop")),
            starts_at=data["starts_at"],
            acting_user=cast(User, request.user),
            unpaid_exception_reason=data["unpaid_exception_reason"],
        )
        request.session[BULK_SESSION_KEY] = {
            "booked": [assessment.pk for assessment in result.booked],
            "not_booked": [[candidate.pk, reason] for candidate, reason in result.not_booked],
            "starts_at": timezone.localtime(data["starts_at"]).strftime("%A %-d %B %Y at %H:%M"),
        }
        messages.success(request, f"{len(result.booked)} booked, {len(result.not_booked)} not booked.")
        return redirect("allocation-bulk")


# --- one assessment ---------------------------------------------------------------------------------


class AssessmentDetailView(TenantDetailView):
    """An assessment: candidate, school, assessor, date and time, mode, interviewees (ASM-3), the reasonable
    adjustments (REG-8), the written tasks' deadline (ASM-2), the rules' flags and the history."""

    model = Assessment
    template_name = "assessments/assessment_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return (
            super()
            .scoped(action)
            .select_related(
                "candidate__school",
                "candidate__rpa",
                "assessor__user",
                "assessor__rpa",
                "rpa",
                "cap_override_by",
                "unpaid_exception_by",
                "allocated_by",
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        assessment, user = self.object, self.request.user
        booked = assessment.state == AssessmentState.BOOKED
        deadline = assessment_tasks_deadline(assessment=assessment)
        # REG-8: special-category data for the allocated assessor while the booking stands, and for those who may
        # see the disclosure itself (the RPA's administrators); never a PoP or a senior assessor.
        disclosures = DisabilityDisclosure.objects.filter(candidate_id=assessment.candidate_id)
        sees_adjustments = (booked and assessment.assessor.user_id == user.pk) or disclosures.restrict(
            user, Action.VIEW
        ).exists()
        current = disclosures.values_list("adjustments_made", flat=True).first() if sees_adjustments else None
        context.update(
            booked=booked,
            ends_at=assessment.starts_at + ASSESSMENT_LENGTH,
            tasks_due_on=timezone.localtime(tasks_due_at(starts_at=assessment.starts_at)).date(),
            deadline=deadline,
            tasks_late=bool(
                deadline
                and deadline.state in (DeadlineState.OPEN, DeadlineState.BREACHED)
                and deadline.due_at < timezone.now()
            ),
            sees_adjustments=sees_adjustments,
            adjustments=(current or assessment.adjustments) if sees_adjustments else "",
            may_manage=booked and is_rpa_admin_of(user, assessment.rpa_id),
        )
        return context


class AssessmentFormView(RecordFormView):
    """A form acting on one assessment (the RPA's administrators only); back to the assessment's page."""

    model = Assessment
    object: Assessment

    def back_url(self) -> str:
        return reverse("assessment-detail", args=[self.object.pk])


class AssessmentMoveView(AssessmentFormView):
    """Move a booked assessment to another date and time; the new week must have room (ASR-6)."""

    form_class = forms.MoveForm
    template_name = "assessments/assessment_move.html"
    title = "Move the assessment"
    submit_label = "Move the assessment"
    renamed_errors: ClassVar[dict[str, str]] = {"starts_at": "starts_at_date"}

    def get_initial(self) -> dict[str, Any]:
        when = timezone.localtime(self.object.starts_at)
        return {"starts_at_date": when.date(), "starts_at_time": when.time()}

    def perform(self, data: dict[str, Any]) -> str:
        assessment = services.assessment_move(
            assessment=self.object,
            starts_at=data["starts_at"],
            acting_user=self.acting_user(),
            cap_override_reason=data["cap_override_reason"],
        )
        return f"Assessment moved to {timezone.localtime(assessment.starts_at):%A %-d %B %Y at %H:%M}."


class AssessmentCancelView(AssessmentFormView):
    """Cancel a booked assessment: it leaves the assessor's week, its deadline ends, a cross-RPA grant ends."""

    form_class = forms.CancelForm
    template_name = "assessments/assessment_cancel.html"
    title = "Cancel the assessment"
    submit_label = "Cancel the assessment"

    def perform(self, data: dict[str, Any]) -> str:
        if self.object.state != AssessmentState.BOOKED:
            raise ValidationError("This assessment is not booked: there is nothing to cancel.")
        services.assessment_cancel(assessment=self.object, acting_user=self.acting_user(), reason=data["reason"])
        return "The assessment is cancelled."


class AssessmentReallocateView(AssessmentFormView):
    """Give a booked assessment to another assessor on the same date and time (after a suspension, say: ASR-8)."""

    form_class = forms.ReallocateForm
    template_name = "assessments/assessment_reallocate.html"
    title = "Reallocate the assessment"
    submit_label = "Reallocate the assessment"

    def proposals(self) -> list[Proposal]:
        if not hasattr(self, "_proposals"):
            day = timezone.localtime(self.object.starts_at).date()
            self._proposals = [
                p
                for p in assessor_proposals(candidate=self.object.candidate, day=day)
                if p.assessor.pk != self.object.assessor_id
            ]
        return self._proposals

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["assessors"] = [(str(p.assessor.pk), proposal_label(p)) for p in bookable(self.proposals())]
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            ineligible=[p for p in self.proposals() if not p.eligible and not week_full_only(p)],
            booked=self.object.state == AssessmentState.BOOKED,
        )
        return context

    def perform(self, data: dict[str, Any]) -> str:
        if self.object.state != AssessmentState.BOOKED:
            raise ValidationError("Only a booked assessment can be reallocated.")
        assessor = next(p.assessor for p in self.proposals() if str(p.assessor.pk) == data["assessor"])
        # The cancellation and the new booking stand or fall together.
        with transaction.atomic():
            self.assessment = services.assessment_reallocate(
                assessment=self.object,
                assessor=assessor,
                acting_user=self.acting_user(),
                reason=data["reason"],
                cap_override_reason=data["cap_override_reason"],
            )
        return f"The assessment is reallocated to {assessor.user.full_name}."

    def get_success_url(self) -> str:
        return reverse("assessment-detail", args=[self.assessment.pk])


# --- the calendar and its feed ----------------------------------------------------------------------


def own_entries(user: Any) -> QuerySet[Assessor]:
    """The signed-in person's own register entries (one per RPA whose register they are on)."""
    return Assessor.objects.restrict(user, Action.VIEW).filter(user=user).select_related("rpa", "user")


def feed_url(token: str) -> str:
    return settings.HNAP_BASE_URL.rstrip("/") + reverse("calendar-feed", args=[token])


class AssessmentCalendarView(TenantListView):
    """An assessor's booked assessments by week for the coming weeks, with "n of 5 booked" and the weeks they are
    unavailable; RPA administrators and senior assessors choose among their RPA's assessors (or see them all)."""

    model = Assessment
    template_name = "assessments/calendar_assessor.html"
    paginate_by = None  # type: ignore[assignment]

    def get_queryset(self) -> Any:
        user = self.request.user
        visible = Assessor.objects.restrict(user, Action.VIEW).select_related("user", "rpa")
        self.chooser = forms.CalendarAssessorForm(self.request.GET or None, assessors=visible)
        chosen = self.chooser.cleaned_data.get("assessor") if self.chooser.is_valid() else None
        mine = list(own_entries(user))
        wanted = self.request.GET.get("rpa", "")
        self.entry: Assessor | None = chosen or next(
            (e for e in mine if e.rpa.slug == wanted), mine[0] if mine else None
        )
        self.show_chooser = visible.exclude(pk__in=[e.pk for e in mine]).exists() or len(mine) > 1
        first = week_start(timezone.localdate())
        self.mondays = [first + timedelta(weeks=n) for n in range(CALENDAR_WEEKS)]
        rows = self.scoped().filter(state=AssessmentState.BOOKED, week_start__in=self.mondays)
        if self.entry is not None:
            rows = rows.filter(assessor=self.entry)
        return rows.select_related("candidate__school", "assessor__user", "assessor__rpa", "rpa").order_by(
            "starts_at", "pk"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        entry, user = self.entry, self.request.user
        counts: dict[date, int] = {}
        unavailable: set[date] = set()
        if entry is not None:
            counts = dict(assessor_week_counts(assessor=entry, weeks=CALENDAR_WEEKS, start=self.mondays[0]))
            unavailable = set(
                Unavailability.objects.restrict(user, Action.VIEW)
                .filter(assessor=entry, week_start__in=self.mondays)
                .values_list("week_start", flat=True)
            )
        bookings: dict[date, list[Assessment]] = {monday: [] for monday in self.mondays}
        # The link is reversed once for the page, not once per booking: an RPA's calendar of all its assessors
        # holds hundreds of bookings at national size, and {% url %} per row was a third of the page's time.
        marker = str(2**31 - 1)
        detail = reverse("assessment-detail", args=[marker])
        for assessment in context["object_list"]:
            assessment.detail_url = detail.replace(marker, str(assessment.pk))  # type: ignore[attr-defined]
            bookings[assessment.week_start].append(assessment)
        weeks = [
            {
                "monday": monday,
                "sunday": monday + timedelta(days=6),
                "count": counts.get(monday),
                "full": counts.get(monday, 0) >= WEEKLY_CAP,
                "unavailable": monday in unavailable,
                "bookings": bookings[monday],
            }
            for monday in self.mondays
        ]
        is_own = entry is not None and entry.user_id == user.pk
        context.update(
            entry=entry,
            weeks=weeks,
            cap=WEEKLY_CAP,
            chooser=self.chooser if self.show_chooser else None,
            is_own=is_own,
            feed_url=feed_url(entry.calendar_token) if is_own and entry and entry.calendar_token else "",
        )
        return context


class _OwnEntryFeedView(LoginRequiredMixin, View):
    """Acts on the feed of the signed-in person's own register entry (the one named by `assessor`, else the first)."""

    http_method_names = ["post"]

    def entry(self) -> Assessor:
        entries = list(own_entries(self.request.user))
        wanted = self.request.POST.get("assessor", "")
        entry = next((e for e in entries if str(e.pk) == wanted), entries[0] if entries else None)
        if entry is None:
            raise Http404("You are not on an assessor register.")
        return entry

    def back(self, entry: Assessor) -> HttpResponse:
        return HttpResponseRedirect(f"{reverse('assessment-calendar')}?assessor={entry.pk}")


class CalendarFeedIssueView(_OwnEntryFeedView):
    """A new secret address for the assessor's calendar feed (the previous one stops working)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        entry = self.entry()
        services.calendar_token_issue(assessor=entry)
        messages.success(request, "Your calendar feed has a new address: add it to Outlook or Google Calendar.")
        return self.back(entry)


class CalendarFeedRevokeView(_OwnEntryFeedView):
    """Turn the assessor's calendar feed off."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        entry = self.entry()
        services.calendar_token_revoke(assessor=entry)
        messages.success(request, "Your calendar feed is turned off: its address no longer works.")
        return self.back(entry)


def ics_text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 (3.3.11) asks."""
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def ics_fold(line: str) -> str:
    """One content line folded into lines of at most 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        octets = len(char.encode())
        if size + octets > 75:
            parts.append(current)
            # A continuation line starts with a space, which counts towards its 75 octets.
            current, size = " ", 1
        current += char
        size += octets
    parts.append(current)
    return "\r\n".join(parts)


def ics_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


class CalendarFeedView(View):
    """An assessor's bookings as an iCalendar feed, reached by the secret address only (no sign-in): one event per
    booked assessment from four weeks back, with as little personal data as a calendar needs."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        entry = Assessor.objects.filter(calendar_token=token).first() if token else None
        if entry is None:
            raise Http404
        host = urlsplit(settings.HNAP_BASE_URL).hostname or "hnap"
        now = timezone.now()
        assessments = (
            Assessment.objects.filter(
                assessor=entry,
                state=AssessmentState.BOOKED,
                starts_at__gte=now - timedelta(weeks=FEED_WEEKS_BACK),
            )
            .select_related("candidate__school")
            .order_by("starts_at", "pk")
        )
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//HLTA National Assessment Partnership//hnap//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:HLTA assessments",
        ]
        for assessment in assessments:
            candidate = assessment.candidate
            link = settings.HNAP_BASE_URL.rstrip("/") + reverse("assessment-detail", args=[assessment.pk])
            where = "Remote" if assessment.mode == "remote" else "On site"
            lines += [
                "BEGIN:VEVENT",
                f"UID:assessment-{assessment.pk}@{host}",
                f"DTSTAMP:{ics_time(now)}",
                f"DTSTART:{ics_time(assessment.starts_at)}",
                f"DTEND:{ics_time(assessment.starts_at + ASSESSMENT_LENGTH)}",
                f"SUMMARY:{ics_text(f'HLTA assessment: {candidate.first_name} {candidate.last_name[:1]}.')}",
                f"LOCATION:{ics_text(f'{where}, {candidate.school.name}')}",
                f"DESCRIPTION:{ics_text(f'The assessment, its interviewees and adjustments: {link}')}",
                f"URL:{link}",
                "END:VEVENT",
            ]
        lines.append("END:VCALENDAR")
        body = "".join(f"{ics_fold(line)}\r\n" for line in lines)
        response = HttpResponse(body.encode(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="hlta-assessments.ics"'
        response["Cache-Control"] = "private, no-cache"
        response["X-Robots-Tag"] = "noindex"
        return response
