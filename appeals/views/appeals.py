"""Pages of appeals: making one against a released result (the candidate, or staff logging it: APP-1, APP-3), the
RPA's list and an appeal's page, acknowledging it with a letter (APP-4), deciding it, the candidate's referral to the
Partnership (APP-6), the review panel's page and decision for its members (APP-6, APP-7), and monitoring with its
CSV export and sharing with the Partnership (APP-5). Records are reached through hnap.access (the tenant base
views); the rules live in appeals.services and appeals.selectors."""

from __future__ import annotations

import csv
from datetime import timedelta
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.generic import TemplateView, View

from appeals.forms import appeals as forms
from appeals.models import Appeal, AppealState, Enquiry, MonitoringShare, PanelState, Referral, ReviewPanel
from appeals.selectors import appeal_referral, monitoring_figures, panel_for_member
from appeals.services import (
    appeal_acknowledge,
    appeal_consider_by,
    appeal_decide,
    appeal_make,
    appeal_outcome_text,
    appeal_refer,
    monitoring_share,
    panel_decide,
)
from assessments.models import Result
from candidates.views.review import spreadsheet_safe
from hnap.access import holds_role, rpa_scope_ids
from hnap.files import file_read_decrypted, private_attachment
from hnap.forms import add_service_errors
from hnap.models import User
from hnap.roles import Action, Role
from hnap.tenant_views import (
    TenantCreateView,
    TenantDetailView,
    TenantListView,
    TenantRecordFormView,
    TenantScopedMixin,
)

# The results an administrator is offered to log an appeal against: released in the last 90 days, newest first.
RECENT_RESULTS = timedelta(days=90)
RECENT_RESULTS_SHOWN = 30


def is_candidate_of(user: Any, appeal: Appeal) -> bool:
    return bool(appeal.candidate.user_id) and appeal.candidate.user_id == user.pk


# --- making an appeal (APP-1, APP-3) ------------------------------------------------------------------------------


class AppealMakeView(TenantRecordFormView):
    """APP-1, APP-3: appeal against a released result: the candidate through their own sign-in, or the RPA's
    administrator logging it with who made it and how the candidate's identity was confirmed."""

    model = Result
    action = Action.ADD
    action_model = Appeal
    template_name = "appeals/appeal_make.html"
    title = "Appeal against the assessment outcome"
    submit_label = "Send the appeal"
    object: Result

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate__rpa", "file__assessment")

    def by_candidate(self) -> bool:
        return bool(self.object.candidate.user_id) and self.object.candidate.user_id == self.request.user.pk

    def allowed(self, user: Any, obj: Any) -> bool:
        return self.by_candidate() or holds_role(user, obj.rpa_id, Role.RPA_ADMIN)

    def get_form_class(self) -> Any:
        return forms.AppealForm if self.by_candidate() else forms.StaffAppealForm

    def back_url(self) -> str:
        return reverse("result-detail", args=[self.object.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(result=self.object, candidate=self.object.candidate, rpa=self.object.candidate.rpa,
                       by_candidate=self.by_candidate())  # fmt: skip
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        data = form.cleaned_data
        try:
            appeal = appeal_make(
                result=self.object,
                ground=data["ground"],
                statement=data["statement"],
                evidence=data["evidence"],
                acting_user=cast(User, self.request.user),
                made_by=data.get("made_by", "candidate"),
                made_by_name=data.get("made_by_name", ""),
                identity_check=data.get("identity_check", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if appeal.state == AppealState.REFUSED:
            messages.info(self.request, f"Appeal {appeal.reference} is recorded but cannot be considered.")
        else:
            messages.success(self.request, f"Appeal {appeal.reference} received.")
        return HttpResponseRedirect(reverse("appeal-detail", args=[appeal.pk]))


# --- the RPA's list and an appeal's page ---------------------------------------------------------------------------


class AppealListView(TenantListView):
    """Appeals by state, newest first (a candidate: their own)."""

    model = Appeal
    template_name = "appeals/appeal_list.html"

    def get_queryset(self) -> Any:
        rows = self.scoped().select_related("candidate")
        state = self.request.GET.get("state", "")
        if state in AppealState.values:
            rows = rows.filter(state=state)
        return rows.order_by("-received_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        user = self.request.user
        # A candidate's released results they have not appealed yet (a refused appeal can be made again properly).
        appealable = (
            Result.objects.restrict(user, Action.VIEW)
            .filter(candidate__user=user, released_at__isnull=False)
            .exclude(appeals__state__in=[s for s in AppealState.values if s != AppealState.REFUSED])
            .select_related("file__assessment")
            .order_by("-released_at")
        )
        # APP-1: results the RPA's administrators may log an appeal against (one made by email, letter or phone).
        loggable = (
            Result.objects.restrict(user, Action.VIEW)
            .filter(
                rpa_id__in=[r for r in rpa_scope_ids(user, Appeal, Action.ADD) if holds_role(user, r, Role.RPA_ADMIN)],
                released_at__gte=timezone.now() - RECENT_RESULTS,
            )
            .select_related("candidate")
            .order_by("-released_at", "-pk")[:RECENT_RESULTS_SHOWN]
        )
        context.update(
            states=AppealState.choices,
            state=self.request.GET.get("state", ""),
            query_string=params.urlencode(),
            appealable=appealable if user.is_authenticated else [],
            loggable=loggable,
        )
        return context


class AppealDetailView(TenantDetailView):
    """One appeal: the ground and evidence, a refusal with its reason, the acknowledgement and its letter, the
    outcome with how to refer it, the referral and the review panel."""

    model = Appeal
    template_name = "appeals/appeal_detail.html"
    object: Appeal

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("candidate__rpa", "result", "logged_by", "decided_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        appeal, user = self.object, self.request.user
        referral, panel = appeal_referral(appeal=appeal)
        admin = holds_role(user, appeal.rpa_id, Role.RPA_ADMIN)
        context.update(
            appeal=appeal,
            candidate=appeal.candidate,
            rpa=appeal.candidate.rpa,
            is_candidate=is_candidate_of(user, appeal),
            admin=admin,
            referral=referral,
            panel=panel,
            outcome_text=appeal_outcome_text(appeal=appeal) if appeal.decision else "",
        )
        if not admin:
            context["history"] = []  # the history names staff; the candidate and panel members read the case
        return context


class AppealLetterView(TenantScopedMixin, View):
    """APP-4: the acknowledgement letter (PDF, stored encrypted), never cached; a page says when there is none."""

    model = Appeal

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        appeal = self.get_object()
        if not appeal.letter_path:
            return render(request, "appeals/appeal_letter_none.html", {"appeal": appeal})
        return private_attachment(
            content=file_read_decrypted(path=appeal.letter_path),
            content_type="application/pdf",
            filename=f"appeal-{appeal.reference}.pdf",
        )

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate")


class _AppealAdminView(TenantRecordFormView):
    model = Appeal
    template_name = "appeals/appeal_form.html"
    object: Appeal

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate__rpa")

    def allowed(self, user: Any, obj: Any) -> bool:
        return holds_role(user, obj.rpa_id, Role.RPA_ADMIN)

    def back_url(self) -> str:
        return reverse("appeal-detail", args=[self.object.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(appeal=self.object, candidate=self.object.candidate)
        return context


class AppealAcknowledgeView(_AppealAdminView):
    """APP-4: acknowledge with a letter stating the time within which the appeal will be considered."""

    form_class = forms.AcknowledgeAppealForm
    title = "Acknowledge the appeal"
    submit_label = "Acknowledge and send the letter"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["example_date"] = appeal_consider_by(rpa_id=self.object.rpa_id, working_days=20)
        return context

    def perform(self, data: dict[str, Any]) -> str:
        appeal = appeal_acknowledge(appeal=self.object, working_days=data["working_days"],
                                    acting_user=cast(User, self.request.user))  # fmt: skip
        return f"Appeal {appeal.reference} acknowledged: to be considered by {appeal.consider_by:%-d %B %Y}."


class AppealDecideView(_AppealAdminView):
    """APP-4: decide with reasons; the written outcome goes to the candidate with how to refer it."""

    form_class = forms.DecideAppealForm
    title = "Decide the appeal"
    submit_label = "Send the outcome"

    def perform(self, data: dict[str, Any]) -> str:
        appeal = appeal_decide(appeal=self.object, decision=data["decision"], reasons=data["reasons"],
                               acting_user=cast(User, self.request.user))  # fmt: skip
        return f"The outcome of appeal {appeal.reference} is sent to the candidate."


class AppealReferView(TenantRecordFormView):
    """APP-6: the candidate, still dissatisfied with the outcome, refers the case to the Partnership."""

    model = Appeal
    action = Action.ADD
    action_model = Referral
    form_class = forms.ReferForm
    template_name = "appeals/appeal_form.html"
    title = "Refer your appeal to the Partnership"
    submit_label = "Refer to the Partnership"
    object: Appeal

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate")

    def allowed(self, user: Any, obj: Any) -> bool:
        return is_candidate_of(user, obj)

    def back_url(self) -> str:
        return reverse("appeal-detail", args=[self.object.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(appeal=self.object, candidate=self.object.candidate)
        return context

    def perform(self, data: dict[str, Any]) -> str:
        appeal_refer(appeal=self.object, reasons=data["reasons"], acting_user=cast(User, self.request.user))
        return "Your appeal is referred to the HLTA National Assessment Partnership, which will convene a panel."


# --- review panels (APP-6, APP-7) ----------------------------------------------------------------------------------


class MyPanelsView(LoginRequiredMixin, TemplateView):
    """APP-7: the panels the signed-in person sits on now (reached through their object grants only)."""

    template_name = "appeals/panel_mine.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["panels"] = panel_for_member(user=self.request.user).filter(state=PanelState.SITTING)
        return context


class PanelDetailView(TenantDetailView):
    """APP-7: the one case a panel reviews: the appeal, the RPA's outcome and the referral."""

    model = ReviewPanel
    template_name = "appeals/panel_detail.html"
    object: ReviewPanel

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related(
            "referral__appeal__candidate", "referral__appeal__result", "member_one", "member_two",
            "member_one_rpa", "member_two_rpa", "rpa",
        )  # fmt: skip

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        panel = self.object
        context.update(
            panel=panel,
            appeal=panel.referral.appeal,
            referral=panel.referral,
            is_member=self.request.user.pk in panel.members(),
        )
        return context


class PanelDecideView(TenantRecordFormView):
    """APP-6: a member records the panel's decision; the panel closes and its members lose sight of the case."""

    model = ReviewPanel
    form_class = forms.PanelDecideForm
    template_name = "appeals/panel_decide.html"
    title = "Record the panel's decision"
    submit_label = "Record the decision and close the panel"
    object: ReviewPanel

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("referral__appeal__candidate")

    def allowed(self, user: Any, obj: Any) -> bool:
        return user.pk in obj.members()

    def back_url(self) -> str:
        return reverse("panel-detail", args=[self.object.pk])

    def get_success_url(self) -> str:
        return reverse("panel-mine")  # the panel has closed: its page is no longer theirs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(panel=self.object, appeal=self.object.referral.appeal)
        return context

    def perform(self, data: dict[str, Any]) -> str:
        panel_decide(panel=self.object, decision=data["decision"], reasons=data["reasons"],
                     acting_user=cast(User, self.request.user))  # fmt: skip
        return "The panel's decision is recorded and sent; the panel has closed."


# --- monitoring (APP-5) ----------------------------------------------------------------------------------------------


def monitoring_rows(*, user: Any, year: int) -> list[dict[str, Any]]:
    """APP-5: the year's counts of the RPAs where the user sees every enquiry and appeal (through hnap.access)."""
    return monitoring_figures(
        enquiries=Enquiry.objects.restrict(user, Action.VIEW).filter(
            rpa_id__in=rpa_scope_ids(user, Enquiry, Action.VIEW)
        ),
        appeals=Appeal.objects.restrict(user, Action.VIEW).filter(rpa_id__in=rpa_scope_ids(user, Appeal, Action.VIEW)),
        year=year,
    )


class MonitoringView(TenantListView):
    """APP-5: numbers and nature of enquiries and appeals and their outcomes, by month, for a year (the RPA's
    administrators), and the figures shared with the Partnership (which sees every RPA's shares, counts only)."""

    model = MonitoringShare
    template_name = "appeals/monitoring.html"
    paginate_by = None  # type: ignore[assignment]

    def get_queryset(self) -> Any:
        return self.scoped().select_related("shared_by", "rpa").order_by("-shared_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filters = forms.MonitoringFilterForm(self.request.GET or None)
        year = filters.year_or_current()
        rows = monitoring_rows(user=self.request.user, year=year)
        context.update(
            year=year,
            rows=rows,
            filters=filters,
            rpa_wide=bool(rpa_scope_ids(self.request.user, Appeal, Action.VIEW)),
            totals={kind: sum(r["count"] for r in rows if r["kind"] == kind) for kind in ("enquiry", "appeal")},
            may_share=bool(rpa_scope_ids(self.request.user, MonitoringShare, Action.ADD)),
        )
        return context


class MonitoringShareDetailView(TenantDetailView):
    """APP-5: one set of figures shared with the Partnership: counts by month, kind, nature and outcome."""

    model = MonitoringShare
    template_name = "appeals/monitoring_share_detail.html"


class MonitoringExportView(LoginRequiredMixin, View):
    """APP-5: the year's counts as CSV (cells a spreadsheet would run as a formula are neutralised); counts of the
    user's own RPAs only, read through hnap.access; 403 for a role that sees no RPA's appeals."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not rpa_scope_ids(request.user, Appeal, Action.VIEW):
            raise PermissionDenied
        year = forms.MonitoringFilterForm(request.GET or None).year_or_current()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"enquiries-and-appeals-{year}.csv"
        )
        response["Cache-Control"] = "private, no-store"
        writer = csv.writer(response)
        writer.writerow(["RPA", "Month", "Kind", "Nature", "Outcome", "Number"])
        for row in monitoring_rows(user=request.user, year=year):
            cells = [row["rpa"], row["month"], row["kind"], row["nature"], row["outcome"], row["count"]]
            writer.writerow([spreadsheet_safe(cell) for cell in cells])
        return response


class MonitoringShareView(TenantCreateView):
    """APP-5: share a year's figures (counts only) with the Partnership, on its request."""

    model = MonitoringShare
    form_class = forms.MonitoringShareForm  # type: ignore[assignment]  # a plain form: the service writes
    template_name = "appeals/monitoring_share.html"

    def get_initial(self) -> dict[str, Any]:
        return {"year": timezone.localdate().year}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def save_form(self, form: Any) -> HttpResponse:
        try:
            self.object = monitoring_share(rpa=self.acting_rpa(), year=form.cleaned_data["year"],
                                           note=form.cleaned_data["note"],
                                           acting_user=cast(User, self.request.user))  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"The figures of {self.object.year} are shared with the Partnership.")
        return HttpResponseRedirect(reverse("appeal-monitoring"))
