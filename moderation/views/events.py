"""Pages of the moderation day (issue 7): the RPA's events and an event (MOD-1), the reproducible draw (MOD-3), the
sample with the reasons of each file and the standards to moderate (MOD-3..MOD-5, ASR-2, SCR-3), yearly coverage with
the proposed extra files (MOD-4), the decision on a sampled file and the second moderator's review (MOD-2, MOD-6,
MOD-8), the review-pending list and the RPA's review (MOD-7), the peer review's opening and closing (PEER-4) and the
event's closing (MOD-12).

Every record is reached through hnap.access (the tenant base views): a peer reviewer of another RPA reaches an event,
its draw, its sample and its files only through the object grants the peer review gives while it is open. The rules
live in moderation.services and moderation.selectors."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse

from assessments.file_selectors import file_standards
from assessments.models import FileState
from hnap.access import holds_role, memberships_of, role_allows
from hnap.forms import add_service_errors
from hnap.models import User
from hnap.roles import Action, Role
from hnap.tenant_views import TenantCreateView, TenantDetailView, TenantListView, TenantRecordFormView
from moderation import selectors, services
from moderation.forms import events as forms
from moderation.models import (
    DecisionState,
    EventState,
    JointReport,
    ModerationDecision,
    ModerationEvent,
    ReviewPending,
    ReviewState,
    SampleDraw,
    SampleEntry,
    SampleOrigin,
    SampleReason,
    StandardSource,
)

EVENT_RELATED = ("rpa", "lead_moderator__user", "peer_reviewer", "peer_deputy", "peer_rpa", "opened_by", "closed_by")


def event_page(event: ModerationEvent) -> str:
    return reverse("moderation-event-detail", args=[event.pk])


def runs_event(user: Any, event: ModerationEvent) -> bool:
    """The RPA's own administrators and moderators run its event (open, add files, close); a peer reviewer of another
    RPA, who holds a grant on the event to draw, does not."""
    return holds_role(user, event.rpa_id, Role.RPA_ADMIN, Role.MODERATOR)


def is_peer_reviewer(user: Any, event: ModerationEvent) -> bool:
    """The nominated peer reviewer or deputy of the event (PEER-1)."""
    return user.pk is not None and user.pk in (event.peer_reviewer_id, event.peer_deputy_id)


def reason_labels(codes: list[str]) -> list[str]:
    """The labels of a sample entry's reasons (MOD-3, MOD-4), in its order."""
    return [SampleReason(code).label if code in SampleReason.values else code for code in codes]


def standard_rows(entry: SampleEntry, titles: dict[int, str]) -> list[dict[str, Any]]:
    """The standards to moderate in a file and why each (MOD-5)."""
    return [
        {
            "number": number,
            "title": titles.get(number, ""),
            "sources": [
                StandardSource(code).label if code in StandardSource.values else code
                for code in entry.standard_sources.get(str(number), [])
            ],
        }
        for number in entry.standards
    ]


def visible_sample(*, event: ModerationEvent, user: Any) -> list[SampleEntry]:
    """The event's sample (the selector's order and prefetching), narrowed to the entries the user may see."""
    visible = set(SampleEntry.objects.restrict(user, Action.VIEW).filter(event=event).values_list("pk", flat=True))
    entries = [entry for entry in selectors.event_sample(event=event) if entry.pk in visible]
    for entry in entries:
        entry.decision_or_none = getattr(entry, "decision", None)  # type: ignore[attr-defined]
    return entries


class EventPageMixin:
    """What every page of one event shows at its top: the event with its people (select_related once)."""

    model = ModerationEvent

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related(*EVENT_RELATED)  # type: ignore[misc]


# --- the events ------------------------------------------------------------------------------------------


class EventListView(TenantListView):
    """MOD-1: the RPA's monthly moderation events, newest cycle first, with their state, who moderates and the peer
    reviewer; for a peer reviewer of another RPA also the events whose review they are in while it is open."""

    model = ModerationEvent
    template_name = "moderation/events/event_list.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # A peer reviewer of another RPA may hold no role that sees events: their open reviews are their way in.
        user = request.user
        if user.is_authenticated and not role_allows(user, ModerationEvent, Action.VIEW):
            if not selectors.peer_review_events(user=user).exists():
                raise PermissionDenied
            return super(TenantListView, self).dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return (
            self.scoped()
            .select_related(*EVENT_RELATED)
            .annotate(
                sampled=Count("entries", distinct=True),
                decided=Count(
                    "entries__decision",
                    filter=Q(entries__decision__state=DecisionState.CONFIRMED),
                    distinct=True,
                ),
            )
            .order_by("-month", "rpa__name", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            may_plan=any(m.role == Role.RPA_ADMIN for m in memberships_of(user)),
        )
        return context


class EventPlanView(TenantCreateView):
    """MOD-1: an RPA administrator plans the event of a cycle: the day it is held and the lead moderator."""

    model = ModerationEvent
    form_class = forms.EventPlanForm  # type: ignore[assignment]
    template_name = "moderation/events/event_plan.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)  # a plain form: the service writes the event
        return kwargs

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields["lead_moderator"].queryset = form.fields["lead_moderator"].queryset.filter(rpa=self.acting_rpa())
        return form

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"rpa": self.acting_rpa()}

    def save_form(self, form: Any) -> HttpResponse:
        data = form.cleaned_data
        try:
            self.object = services.event_plan(
                rpa=self.acting_rpa(),
                month=data["month"],
                held_on=data["held_on"],
                lead_moderator=data["lead_moderator"],
                acting_user=cast(User, self.request.user),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)  # type: ignore[arg-type]
        messages.success(self.request, f"The moderation of {self.object.month:%B %Y} is planned.")
        return HttpResponseRedirect(event_page(self.object))


class EventDetailView(EventPageMixin, TenantDetailView):
    """MOD-1, PEER-4: one event: its cohort with counts, its state, who moderates, the peer reviewer and whether the
    review is open, what blocks closing, and the actions the viewer may take."""

    template_name = "moderation/events/event_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        event: ModerationEvent = self.object
        user = self.request.user
        runs = runs_event(user, event)
        context.update(
            event=event,
            summary=selectors.event_summary(event=event) if event.state != EventState.PLANNED else None,
            runs=runs,
            peer=is_peer_reviewer(user, event),
            may_open=runs and event.state == EventState.PLANNED,
            may_open_review=runs and event.state == EventState.OPEN and not event.review_opened_at,
            may_close_review=runs and event.state == EventState.OPEN and event.review_open,
            may_close=runs and event.state == EventState.OPEN,
            national=sorted(event.national_standards),
            rpa_standards=sorted(event.rpa_standards),
            joint_report=JointReport.objects.restrict(user, Action.VIEW).filter(event=event).first(),
        )
        return context


class EventActionView(EventPageMixin, TenantRecordFormView):
    """A button on the event page that moves the event on; only its RPA's administrators and moderators."""

    action = Action.CHANGE
    form_class = forms.ConfirmForm
    template_name = "moderation/events/event_action.html"
    object: ModerationEvent
    explanation: str = ""

    def allowed(self, user: Any, obj: Any) -> bool:
        return runs_event(user, obj)

    def back_url(self) -> str:
        return event_page(self.object)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"event": self.object, "explanation": self.explanation}


class EventOpenView(EventActionView):
    """MOD-1, MOD-3: open the event once its month has ended: the cohort is fixed and every file that must be moderated
    joins the sample with its reasons."""

    title = "Open the event"
    submit_label = "Open the event"
    explanation = (
        "Opening fixes the cohort: the files accepted for moderation in the cycle. Every file that must be moderated "
        "joins the sample with its reasons (not met, partial or full reassessment, resubmitted, flagged at scrutiny, "
        "a new assessor's first solo). The nationally agreed standards of the month and the peer reviewer nominated "
        "for it are copied to the event."
    )

    def perform(self, data: dict[str, Any]) -> str:
        event = services.event_open(event=self.object, acting_user=cast(User, self.request.user))
        return f"The event is open: {event.cohort_size} files in the cohort."


class PeerReviewOpenView(EventActionView):
    """PEER-4: open the peer review: the peer reviewer and deputy reach the event, its draw, its sample and the sampled
    files, until the review closes."""

    title = "Open the peer review"
    submit_label = "Open the peer review"
    explanation = (
        "The peer reviewer and the deputy of the other RPA will see this event, its draw, its sample and the sampled "
        "files (and nothing else of your RPA) until the peer review closes. The peer reviewer then draws the random "
        "sample."
    )

    def perform(self, data: dict[str, Any]) -> str:
        services.peer_review_open(event=self.object, acting_user=cast(User, self.request.user))
        return "The peer review is open."


class PeerReviewCloseView(EventActionView):
    """PEER-4: close the peer review: the peer reviewer's access to the event and its files ends."""

    title = "Close the peer review"
    submit_label = "Close the peer review"
    explanation = "The peer reviewer and the deputy will no longer see this event or its files."

    def perform(self, data: dict[str, Any]) -> str:
        services.peer_review_close(event=self.object, acting_user=cast(User, self.request.user))
        return "The peer review is closed: the peer reviewer's access has ended."


class SampleRefreshView(EventActionView):
    """MOD-3: add to the sample the files that must be moderated and joined the cohort since the event opened
    (accepted at scrutiny since, or referred by the RPA's review)."""

    title = "Refresh the sample"
    submit_label = "Refresh the sample"
    explanation = (
        "Files accepted at scrutiny since the event opened join the cohort. Those that must be moderated (not met, "
        "partial or full reassessment, resubmitted, flagged, a first solo) are added to the sample with their reasons."
    )

    def perform(self, data: dict[str, Any]) -> str:
        added = services.sample_refresh(event=self.object, acting_user=cast(User, self.request.user))
        if not added:
            return "The sample already holds every file that must be moderated."
        return f"{len(added)} file{'s' if len(added) != 1 else ''} added to the sample."


class EventStandardsView(EventActionView):
    """MOD-5: the standards the RPA chooses to moderate in every sampled file, besides those judged to have
    insufficient evidence and the nationally agreed ones; undecided files are recomputed."""

    form_class = forms.EventStandardsForm  # type: ignore[assignment]
    title = "Standards the RPA moderates"
    submit_label = "Save the standards"
    explanation = (
        "Every sampled file is moderated on the standards judged to have insufficient evidence and on the standards "
        "agreed nationally for the month. Add the standards your RPA also wants moderated, enough to decide on each "
        "assessor's process."
    )

    def get_initial(self) -> dict[str, Any]:
        return {"standards": ", ".join(str(n) for n in sorted(self.object.rpa_standards))}

    def perform(self, data: dict[str, Any]) -> str:
        event = services.event_standards_set(
            event=self.object, standards=data["standards"], acting_user=cast(User, self.request.user)
        )
        chosen = ", ".join(str(n) for n in sorted(event.rpa_standards)) or "none"
        return f"The RPA's standards to moderate are saved ({chosen}); undecided files are updated."


class EventCloseView(EventActionView):
    """MOD-12, MOD-7, PEER-4: before closing, what will be confirmed (sampled files as decided, unsampled files as
    recommended) and what is blocked and why; closing confirms the outcomes, ends the peer reviewer's access and starts
    the joint report's deadline."""

    template_name = "moderation/events/event_close.html"
    title = "Close the event"
    submit_label = "Close the event and confirm the outcomes"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        event = self.object
        context.update(
            summary=selectors.event_summary(event=event),
            preview=selectors.event_close_preview(event=event) if event.state == EventState.OPEN else None,
        )
        return context

    def perform(self, data: dict[str, Any]) -> str:
        event = services.event_close(event=self.object, acting_user=cast(User, self.request.user))
        return (
            f"The moderation of {event.month:%B %Y} is closed: outcomes are confirmed and go to release once paid. "
            "The peer reviewer's access has ended."
        )


# --- the draw (MOD-3) ------------------------------------------------------------------------------------


def draw_context(*, event: ModerationEvent, user: Any, rerun: bool) -> dict[str, Any]:
    """The draw page: seed, time, who drew, the files drawn, and (asked for) the draw re-run from its seed."""
    draw = SampleDraw.objects.restrict(user, Action.VIEW).select_related("drawn_by").filter(event=event).first()
    drawn_entries = [e for e in visible_sample(event=event, user=user) if SampleReason.RANDOM in e.reasons]
    rerun_ids = selectors.draw_reproduce(draw=draw) if (draw is not None and rerun) else None
    return {
        "event": event,
        "draw": draw,
        "drawn_entries": drawn_entries,
        "rerun": rerun_ids,
        "rerun_matches": rerun_ids is not None and draw is not None and rerun_ids == list(draw.drawn),
        "may_draw": draw is None
        and event.state == EventState.OPEN
        and event.review_open
        and is_peer_reviewer(user, event),
        "peer": is_peer_reviewer(user, event),
    }


class DrawView(EventPageMixin, TenantDetailView):
    """MOD-3: the random draw of the met files: its seed, when and by whom it was drawn and the files drawn; anyone who
    may see the event re-runs it from the seed and gets the same files."""

    template_name = "moderation/events/draw.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(draw_context(event=self.object, user=self.request.user, rerun="rerun" in self.request.GET))
        context["form"] = None
        return context


class DrawRunView(EventPageMixin, TenantRecordFormView):
    """MOD-3: the nominated peer reviewer (or deputy) draws at least 5% of the met files at random, while the review
    is open; the service refuses anyone else, and a second draw."""

    form_class = forms.ConfirmForm
    template_name = "moderation/events/draw.html"
    http_method_names = ["post"]
    title = "The random draw"
    submit_label = "Draw the random sample"
    object: ModerationEvent

    def back_url(self) -> str:
        return reverse("moderation-event-draw", args=[self.object.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(draw_context(event=self.object, user=self.request.user, rerun=False))
        return context

    def perform(self, data: dict[str, Any]) -> str:
        draw = services.sample_draw(event=self.object, acting_user=cast(User, self.request.user))
        return (
            f"{len(draw.drawn)} of {len(draw.population)} met files drawn at random (seed {draw.seed}); "
            "they are in the sample."
        )


# --- the sample (MOD-3..MOD-5) ---------------------------------------------------------------------------


class SampleView(EventPageMixin, TenantDetailView):
    """MOD-3, MOD-5, ASR-2, SCR-3: every sampled file with each reason it is in the sample, the standards to moderate
    in it and why, and where its decision stands."""

    template_name = "moderation/events/sample.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        event = self.object
        titles = {s.number: s.short_title for s in file_standards()}
        rows = [
            {
                "entry": entry,
                "reasons": reason_labels(entry.reasons),
                "standards": standard_rows(entry, titles),
                "decision": entry.decision_or_none,  # type: ignore[attr-defined]
            }
            for entry in visible_sample(event=event, user=self.request.user)
        ]
        context.update(
            event=event,
            rows=rows,
            runs=runs_event(self.request.user, event),
            national=sorted(event.national_standards),
            rpa_standards=sorted(event.rpa_standards),
            origins=dict(SampleOrigin.choices),
        )
        return context


# --- yearly coverage (MOD-4) -----------------------------------------------------------------------------


def coverage_context(*, event: ModerationEvent, user: Any) -> dict[str, Any]:
    coverage = selectors.coverage_for_year(rpa_id=event.rpa_id, month=event.month)
    proposals = selectors.event_coverage_proposals(event=event) if event.state == EventState.OPEN else []
    return {
        "event": event,
        "coverage": coverage,
        "proposals": proposals,
        "may_add": bool(proposals) and runs_event(user, event),
    }


class CoverageView(EventPageMixin, TenantDetailView):
    """MOD-4: for the year to date, per assessor and per PoP, who is sampled and who is not yet, how close the year is
    to its end, and the files proposed to close the gap (new assessors and past difficulties weigh more)."""

    template_name = "moderation/events/coverage.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(coverage_context(event=self.object, user=self.request.user))
        context["form"] = forms.CoverageAddForm(proposals=context["proposals"])
        return context


class CoverageAddView(EventPageMixin, TenantRecordFormView):
    """MOD-4: add the chosen proposed files to the sample, each with its coverage reason; all or none."""

    action = Action.ADD
    action_model = SampleEntry
    form_class = forms.CoverageAddForm
    template_name = "moderation/events/coverage.html"
    http_method_names = ["post"]
    title = "Yearly coverage"
    submit_label = "Add the chosen files to the sample"
    object: ModerationEvent

    def allowed(self, user: Any, obj: Any) -> bool:
        return runs_event(user, obj)

    def back_url(self) -> str:
        return reverse("moderation-event-coverage", args=[self.object.pk])

    def proposals(self) -> list[Any]:
        if not hasattr(self, "_proposals"):
            self._proposals = coverage_context(event=self.object, user=self.request.user)["proposals"]
        return self._proposals

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"proposals": self.proposals()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(coverage_context(event=self.object, user=self.request.user))
        return context

    def perform(self, data: dict[str, Any]) -> str:
        reasons = {str(p.file.pk): (p.file, p.reasons[0]) for p in self.proposals()}
        with transaction.atomic():
            for file_id in data["files"]:
                file, reason = reasons[file_id]
                services.sample_add(
                    event=self.object, file=file, reason=reason, acting_user=cast(User, self.request.user)
                )
        count = len(data["files"])
        return f"{count} file{'s' if count != 1 else ''} added to the sample for yearly coverage."


# --- a sampled file and its decision (MOD-2, MOD-6, MOD-8) -------------------------------------------------


ENTRY_RELATED = (
    "event__rpa",
    "event__lead_moderator__user",
    "file__candidate__pop",
    "file__assessor__user",
    "file__assessment",
)


def entry_context(*, entry: SampleEntry, user: Any) -> dict[str, Any]:
    """What a sampled file's pages show: why it is sampled, the standards to moderate and why, and its decision."""
    titles = {s.number: s.short_title for s in file_standards()}
    decision = (
        ModerationDecision.objects.select_related("moderator__user", "second_moderator__user", "result")
        .filter(entry=entry)
        .first()
    )
    judgements = []
    if decision is not None:
        for number in entry.standards:
            judgement = decision.judgements.get(str(number), {})
            judgements.append(
                {
                    "number": number,
                    "title": titles.get(number, ""),
                    "agree": judgement.get("agree"),
                    "note": judgement.get("note", ""),
                }
            )
    event = entry.event
    live = decision is not None and decision.state in (DecisionState.AWAITING_SECOND, DecisionState.CONFIRMED)
    pending = ReviewPending.objects.filter(file=entry.file, state=ReviewState.PENDING).exists()
    moderator = selectors.moderator_for(user=user, rpa_id=entry.rpa_id)
    return {
        "entry": entry,
        "event": event,
        "file": entry.file,
        "reasons": reason_labels(entry.reasons),
        "standards": standard_rows(entry, titles),
        "decision": decision,
        "judgements": judgements,
        "review_pending": pending,
        "returned": entry.file.state == FileState.RETURNED,
        "may_decide": moderator is not None and event.state == EventState.OPEN and not live and not pending,
        "may_second": moderator is not None
        and decision is not None
        and decision.state == DecisionState.AWAITING_SECOND
        and decision.moderator_id != moderator.pk,
    }


class EntryDetailView(TenantDetailView):
    """A sampled file: why it is in the sample, the standards to moderate, and the decision with its second review."""

    model = SampleEntry
    template_name = "moderation/events/entry_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related(*ENTRY_RELATED)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(entry_context(entry=self.object, user=self.request.user))
        return context


class DecisionRecordView(TenantRecordFormView):
    """MOD-6, MOD-8, MOD-2: a moderator of the RPA records, per moderated standard, agree or disagree with the
    evidence, then endorses, proposes an overturn with the new outcome and reasons, or judges the records or the
    process lacking. Found by VIEW on the sampled file, checked as ADD on decisions."""

    model = SampleEntry
    action = Action.ADD
    action_model = ModerationDecision
    form_class = forms.DecisionForm
    template_name = "moderation/events/decision_form.html"
    title = "Decide on the file"
    submit_label = "Record the decision"
    object: SampleEntry

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related(*ENTRY_RELATED)

    def back_url(self) -> str:
        return reverse("moderation-entry-detail", args=[self.object.pk])

    def get_form_kwargs(self) -> dict[str, Any]:
        wanted = set(self.object.standards)
        return super().get_form_kwargs() | {"standards": [s for s in file_standards() if s.number in wanted]}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(entry_context(entry=self.object, user=self.request.user))
        form = context["form"]
        context["judgement_fields"] = [(form[f"agree_{s.number}"], form[f"note_{s.number}"]) for s in form.standards]
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        self.judgements = form.judgements()
        return super().form_valid(form)

    def perform(self, data: dict[str, Any]) -> str:
        decision = services.decision_record(
            entry=self.object,
            acting_user=cast(User, self.request.user),
            verdict=data["verdict"],
            judgements=self.judgements,
            reasons=data["reasons"],
            new_outcome=data["new_outcome"],
            reassess_standards=data["reassess_standards"],
            documentation=data["documentation"],
        )
        name = self.object.file.candidate.full_name
        if decision.state == DecisionState.AWAITING_SECOND:
            return f"Your decision on the file of {name} is recorded. It takes effect once a second moderator agrees."
        return f"Your decision on the file of {name} is recorded and confirmed."


class SecondReviewView(TenantRecordFormView):
    """MOD-6, MOD-2: a second, confirmed moderator (never the first, never the file's assessor) agrees with a proposed
    decision, which then takes effect (an overturn reclassifies the result; to full reassessment the assessor's other
    unconfirmed files become review pending, MOD-7), or does not agree, with a note."""

    model = ModerationDecision
    form_class = forms.SecondReviewForm
    template_name = "moderation/events/second_review.html"
    title = "Review the proposed decision"
    submit_label = "Record your review"
    object: ModerationDecision

    def scoped(self, action: Action | None = None) -> Any:
        return (
            super()
            .scoped(action)
            .select_related(*(f"entry__{path}" for path in ENTRY_RELATED), "moderator__user", "second_moderator__user")
        )

    def back_url(self) -> str:
        return reverse("moderation-entry-detail", args=[self.object.entry_id])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(entry_context(entry=self.object.entry, user=self.request.user))
        return context

    def perform(self, data: dict[str, Any]) -> str:
        decision = services.decision_second_review(
            decision=self.object,
            acting_user=cast(User, self.request.user),
            agrees=data["agrees"] == "yes",
            note=data["note"],
        )
        if decision.state == DecisionState.CONFIRMED:
            cascade = decision.cascade.count()
            flagged = (
                f" {cascade} other file{'s' if cascade != 1 else ''} of the assessor are now review pending."
                if cascade
                else ""
            )
            return f"You agreed: the decision has taken effect.{flagged}"
        return "You did not agree: the first moderator records the decision again."


# --- review pending (MOD-7) ------------------------------------------------------------------------------


class ReviewPendingListView(TenantListView):
    """MOD-7: the files flagged review pending because another file of their assessor was reclassified as full
    reassessment: each blocks its outcome's confirmation until the RPA's separate review."""

    model = ReviewPending
    template_name = "moderation/events/review_pending_list.html"

    def get_queryset(self) -> Any:
        self.show = self.request.GET.get("show", "pending")
        if self.show not in ("pending", "reviewed", "all"):
            self.show = "pending"
        if self.show == "pending":
            rows = selectors.review_pending_list(flags=self.scoped())
        else:
            rows = self.scoped().select_related(
                "file__candidate", "file__assessor__user", "caused_by__file__candidate", "caused_by__entry__event"
            )
            if self.show == "reviewed":
                rows = rows.filter(state=ReviewState.REVIEWED)
            rows = rows.order_by("-flagged_at", "-pk")
        rows = rows.select_related("reviewed_by")
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            show=self.show,
            pending_count=self.scoped().filter(state=ReviewState.PENDING).count(),
            may_review=ReviewPending.objects.restrict(user, Action.CHANGE).exists(),
            query_string=f"show={self.show}",
        )
        return context


class ReviewPendingReviewView(TenantRecordFormView):
    """MOD-7: the RPA's separate review of a review-pending file (an administrator or senior assessor, never the file's
    assessor): the recommended outcome stands, or the file is moderated."""

    model = ReviewPending
    form_class = forms.ReviewPendingForm
    template_name = "moderation/events/review_pending_review.html"
    title = "Review the file"
    submit_label = "Record the review"
    object: ReviewPending

    def scoped(self, action: Action | None = None) -> Any:
        return (
            super()
            .scoped(action)
            .select_related(
                "file__candidate",
                "file__assessor__user",
                "caused_by__file__candidate",
                "caused_by__entry__event",
                "caused_by__moderator__user",
                "reviewed_by",
            )
        )

    def back_url(self) -> str:
        return reverse("moderation-review-pending-list")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(flag=self.object, pending=self.object.state == ReviewState.PENDING)
        return context

    def perform(self, data: dict[str, Any]) -> str:
        flag = services.review_pending_resolve(
            flag=self.object, acting_user=cast(User, self.request.user), outcome=data["outcome"], notes=data["notes"]
        )
        name = flag.file.candidate.full_name
        if flag.outcome == "stands":
            return f"Reviewed: the recommended outcome of {name} stands and is confirmed with its event."
        return f"Reviewed: the file of {name} is to be moderated."
