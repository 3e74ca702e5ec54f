"""Pages of moderation's reports: feedback to each moderated assessor (MOD-9, ASR-7, ASR-8), the moderators' report to
the RPA (MOD-10), trends by PoP with their chart and what was sent to each PoP (MOD-11), the joint report of the peer
reviewer and the moderator (PEER-3) and the event report PDF. Every record is reached through hnap.access (the tenant
base views); the rules live in moderation.report_services and moderation.report_selectors."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views import View

from assessments.models import Assessor
from hnap.access import restrict, role_allows, rpa_scope_ids
from hnap.files import private_attachment
from hnap.models import User
from hnap.roles import Action
from hnap.tenant_views import TenantDetailView, TenantListView, TenantRecordFormView, TenantScopedMixin
from moderation import report_selectors as selectors
from moderation import report_services as services
from moderation import services as core
from moderation.documents import event_report_pdf
from moderation.forms import reports as forms
from moderation.models import (
    AssessorFeedback,
    JointReport,
    ModerationEvent,
    ModeratorsReport,
    PoPTrendFeedback,
    Sanction,
)
from moderation.selectors import moderator_for

EVENT_RELATED = ("rpa", "lead_moderator__user", "peer_reviewer", "peer_rpa")


def event_page(event: ModerationEvent) -> str:
    """The event's feedback page, where the reports of an event start."""
    return reverse("moderation-event-feedback", args=[event.pk])


class EventPageMixin:
    """A page on one event (found through access like any record), with the event's links to its reports."""

    model = ModerationEvent
    request: HttpRequest
    object: ModerationEvent

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related(*EVENT_RELATED)  # type: ignore[misc]

    def event_context(self) -> dict[str, Any]:
        return {"event": self.object}


# --- feedback to moderated assessors (MOD-9, ASR-7, ASR-8) --------------------------------------------------------


def event_feedback_context(*, event: ModerationEvent, user: Any) -> dict[str, Any]:
    """The assessors the event moderated, each with their changes of outcome and the feedback written so far."""
    return {
        "event": event,
        "rows": selectors.event_moderated_assessors(event=event),
        # Moderators of the RPA write the feedback (moderation.services.assessor_feedback_save checks it again).
        "may_write": moderator_for(user=user, rpa_id=event.rpa_id) is not None,
    }


class EventFeedbackView(EventPageMixin, TenantDetailView):
    """MOD-9: the assessors moderated at the event, whether their feedback is written and sent, and a start for each."""

    template_name = "moderation/reports/event_feedback.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return context | event_feedback_context(event=self.object, user=self.request.user)


class FeedbackStartView(EventPageMixin, TenantRecordFormView):
    """MOD-9: open the feedback to one moderated assessor, its reasons for each change of outcome prefilled; found by
    VIEW on the event and checked as ADD on the feedback."""

    action = Action.ADD
    action_model = AssessorFeedback
    form_class = forms.StartFeedbackForm
    template_name = "moderation/reports/event_feedback.html"
    http_method_names = ["post"]
    title = "Feedback to assessors"

    def back_url(self) -> str:
        return event_page(self.object)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return context | event_feedback_context(event=self.object, user=self.request.user)

    def perform(self, data: dict[str, Any]) -> str:
        # Any assessor the event moderated, whichever register they are on (ASR-5): the service checks the sample.
        assessor = Assessor.objects.select_related("user").filter(pk=data["assessor"]).first()
        if assessor is None:
            raise ValidationError({"assessor": "None of this assessor's files was moderated at this event."})
        existing = AssessorFeedback.objects.filter(event=self.object, assessor=assessor).first()
        self.feedback = existing or core.assessor_feedback_save(
            event=self.object,
            assessor=assessor,
            acting_user=cast(User, self.request.user),
            strengths="",
            weaknesses="",
            change_reasons=selectors.feedback_change_text(event=self.object, assessor=assessor),
        )
        return f"Feedback to {assessor.user.full_name}: the reasons for each change of outcome are filled in."

    def get_success_url(self) -> str:
        return reverse("moderation-feedback-edit", args=[self.feedback.pk])


def feedback_context(*, feedback: AssessorFeedback, user: Any) -> dict[str, Any]:
    """What the feedback page shows: the feedback, the changes it must give reasons for, and what the viewer may do."""
    staff = bool(rpa_scope_ids(user, AssessorFeedback, Action.VIEW) & {feedback.rpa_id})
    may_change = (
        feedback.sent_at is None
        and moderator_for(user=user, rpa_id=feedback.rpa_id) is not None
        and AssessorFeedback.objects.restrict(user, Action.CHANGE).filter(pk=feedback.pk).exists()
    )
    return {
        "feedback": feedback,
        "is_recipient": feedback.recipient_id == user.pk,
        "changes": selectors.feedback_changes(event=feedback.event, assessor=feedback.assessor) if staff else [],
        "may_change": may_change,
        "send_form": forms.ConfirmForm(),
    }


class FeedbackListView(TenantListView):
    """MOD-9, ASR-7: feedback to assessors: the RPA's staff see all of it; an assessor only their own, once sent."""

    model = AssessorFeedback
    template_name = "moderation/reports/feedback_list.html"

    def get_queryset(self) -> Any:
        rows = self.scoped().select_related("event", "assessor__user")
        return rows.order_by("-event__month", "assessor__user__full_name", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rpa_staff"] = bool(rpa_scope_ids(self.request.user, AssessorFeedback, Action.VIEW))
        return context


class FeedbackDetailView(TenantDetailView):
    """One assessor's feedback after an event: strengths, weaknesses, reasons for each change, any sanction."""

    model = AssessorFeedback
    template_name = "moderation/reports/feedback_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("event__rpa", "assessor__user", "written_by", "quality_action")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return context | feedback_context(feedback=self.object, user=self.request.user)


class FeedbackFormView(TenantRecordFormView):
    """A write on one assessor's feedback: the RPA's moderators, until it is sent."""

    model = AssessorFeedback
    object: AssessorFeedback

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("event__rpa", "assessor__user", "written_by", "quality_action")

    def allowed(self, user: Any, obj: Any) -> bool:
        return moderator_for(user=user, rpa_id=obj.rpa_id) is not None

    def back_url(self) -> str:
        return reverse("moderation-feedback-detail", args=[self.object.pk])


class FeedbackEditView(FeedbackFormView):
    """MOD-9, ASR-7: write the feedback (it can be changed until it is sent)."""

    form_class = forms.FeedbackForm
    template_name = "moderation/reports/feedback_form.html"
    title = "Write the feedback"
    submit_label = "Save the feedback"

    def get_initial(self) -> dict[str, Any]:
        f = self.object
        return {
            "strengths": f.strengths,
            "weaknesses": f.weaknesses,
            "change_reasons": f.change_reasons,
            "sanction": f.sanction,
            "sanction_justification": f.sanction_justification,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return context | {"feedback": self.object, "sent": self.object.sent_at is not None}

    def perform(self, data: dict[str, Any]) -> str:
        core.assessor_feedback_save(
            event=self.object.event,
            assessor=self.object.assessor,
            acting_user=cast(User, self.request.user),
            strengths=data["strengths"],
            weaknesses=data["weaknesses"],
            change_reasons=data["change_reasons"],
            sanction=data["sanction"],
            sanction_justification=data["sanction_justification"],
        )
        return "Feedback saved. Check it, then send it to the assessor."


class FeedbackSendView(FeedbackFormView):
    """MOD-9, ASR-8: send the feedback to the assessor; a sanction opens its quality action."""

    form_class = forms.ConfirmForm
    template_name = "moderation/reports/feedback_detail.html"
    http_method_names = ["post"]
    title = "Feedback"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return context | feedback_context(feedback=self.object, user=self.request.user) | {"send_form": context["form"]}

    def perform(self, data: dict[str, Any]) -> str:
        feedback = core.assessor_feedback_send(feedback=self.object, acting_user=cast(User, self.request.user))
        message = f"Feedback sent to {feedback.assessor.user.full_name}."
        if feedback.quality_action is not None:
            message += f" {feedback.quality_action.get_kind_display()} opened (ASR-8)."
            if feedback.sanction in (Sanction.SUSPEND, Sanction.REMOVAL):
                message += " They can no longer be allocated."
        return message


# --- the moderators' report (MOD-10) ------------------------------------------------------------------------------


class ModeratorsReportView(EventPageMixin, TenantDetailView):
    """MOD-10: the moderators' report on the RPA's training, quality assurance and support; the RPA's administrators
    read it once submitted, the moderators also while they write it."""

    template_name = "moderation/reports/moderators_report.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        report = ModeratorsReport.objects.restrict(user, Action.VIEW).filter(event=self.object).first()
        writer = role_allows(user, ModeratorsReport, Action.CHANGE)
        if report is not None and report.submitted_at is None and not writer:
            report = None  # a draft is the moderators' until they submit it
        context.update(
            event=self.object,
            report=report,
            may_write=writer and (report is None or report.submitted_at is None),
        )
        return context


class ModeratorsReportEditView(EventPageMixin, TenantRecordFormView):
    """MOD-10: the moderators write their report, save it and submit it; found by VIEW on the event, checked as
    CHANGE on the report."""

    action = Action.CHANGE
    action_model = ModeratorsReport
    form_class = forms.ModeratorsReportForm
    template_name = "moderation/reports/moderators_report_form.html"
    title = "The moderators' report to the RPA"
    submit_label = "Save"

    def back_url(self) -> str:
        return reverse("moderation-moderators-report", args=[self.object.pk])

    def get_initial(self) -> dict[str, Any]:
        report = ModeratorsReport.objects.filter(event=self.object).first()
        if report is None:
            return {"submit": "no"}
        return {
            "training": report.training,
            "quality_assurance": report.quality_assurance,
            "support": report.support,
            "submit": "no",
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"event": self.object}

    def perform(self, data: dict[str, Any]) -> str:
        report = services.moderators_report_save(
            event=self.object,
            training=data["training"],
            quality_assurance=data["quality_assurance"],
            support=data["support"],
            submit=data["submit"],
            acting_user=cast(User, self.request.user),
        )
        if report.submitted_at:
            return "The moderators' report is submitted: the RPA's administrators have been told."
        return "The moderators' report is saved. Submit it when it is finished."


# --- trends by PoP (MOD-11) ---------------------------------------------------------------------------------------


def trends_context(*, event: ModerationEvent, user: Any, period: str) -> dict[str, Any]:
    """The event's (or the year's) trends by PoP, a chart for each, and what has been sent to PoPs."""
    trends = selectors.event_trends(event=event, whole_year=period == "year")
    return {
        "event": event,
        "period": period,
        "trends": trends,
        "charts": [(trend, selectors.trend_chart(trend=trend)) for trend in trends.pops],
        "sent": PoPTrendFeedback.objects.restrict(user, Action.VIEW)
        .filter(event=event)
        .select_related("pop", "sent_by")
        .order_by("-sent_at", "-pk"),
        "may_send": event.rpa_id in rpa_scope_ids(user, PoPTrendFeedback, Action.ADD),
    }


class TrendsView(EventPageMixin, TenantDetailView):
    """MOD-11: trends by PoP for the event or the year to date: a table, and a bar chart drawn on the server for each
    PoP with its table; the RPA sends each PoP its own."""

    template_name = "moderation/reports/trends.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        period_form = forms.TrendsPeriodForm(self.request.GET or None)
        period = period_form.cleaned_data.get("period", "") if period_form.is_valid() else ""
        context.update(trends_context(event=self.object, user=self.request.user, period=period or "event"))
        context["send_form"] = forms.TrendsSendForm(pops=selectors.event_pops(event=self.object))
        context["period_form"] = period_form
        return context


class TrendsSendView(EventPageMixin, TenantRecordFormView):
    """MOD-11: send one PoP the trends of its own candidates (found by VIEW on the event, checked as ADD on what is
    sent)."""

    action = Action.ADD
    action_model = PoPTrendFeedback
    form_class = forms.TrendsSendForm
    template_name = "moderation/reports/trends_send.html"
    title = "Send trends to a PoP"
    submit_label = "Send the trends"

    def back_url(self) -> str:
        return reverse("moderation-trends", args=[self.object.pk])

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"pops": selectors.event_pops(event=self.object)}

    def get_initial(self) -> dict[str, Any]:
        return {"period": "event"}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"event": self.object}

    def perform(self, data: dict[str, Any]) -> str:
        sent = services.pop_trends_send(
            event=self.object,
            pop=data["pop"],
            whole_year=data["period"] == "year",
            message=data["message"],
            acting_user=cast(User, self.request.user),
        )
        return f"Trends sent to {sent.pop.name}: its users have been told. It sees only its own candidates' trends."


def stored_trend_chart(sent: PoPTrendFeedback) -> Any:
    """The chart of the trends as they were sent (from the stored table)."""
    trend = selectors.trend_from_json(sent.trends)
    return trend, selectors.trend_chart(trend=trend)


class PoPTrendListView(TenantListView):
    """MOD-11: trends sent to PoPs: a PoP's users see only what was sent to their PoP; the RPA sees all it sent."""

    model = PoPTrendFeedback
    template_name = "moderation/reports/poptrend_list.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("pop", "rpa", "event").order_by("-sent_at", "-pk")


class PoPTrendDetailView(TenantDetailView):
    """MOD-11: one sending of trends: the RPA's message, the table and its chart, as sent."""

    model = PoPTrendFeedback
    template_name = "moderation/reports/poptrend_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("pop", "rpa", "event", "sent_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        trend, chart = stored_trend_chart(self.object)
        context.update(trend=trend, chart=chart)
        return context


# --- the joint report (PEER-3) ------------------------------------------------------------------------------------


class JointReportListView(TenantListView):
    """PEER-3: joint reports with their due times, submitted on time, late, or overdue (chased by the deadline
    engine)."""

    model = JointReport
    template_name = "moderation/reports/jointreport_list.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("event__rpa", "peer_reviewer", "moderator__user").order_by("-due_at", "-pk")


class JointReportDetailView(TenantDetailView):
    """PEER-3: the joint report on an event: due when, submitted when (late or not), issues or none."""

    model = JointReport
    template_name = "moderation/reports/jointreport_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return (
            super()
            .scoped(action)
            .select_related("event__rpa", "event__peer_rpa", "peer_reviewer", "moderator__user", "submitted_by")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = self.object
        context["may_submit"] = (
            selectors.joint_report_may_submit(user=self.request.user, report=report)
            and restrict(JointReport.objects.filter(pk=report.pk), self.request.user, Action.CHANGE).exists()
        )
        return context


class JointReportSubmitView(TenantRecordFormView):
    """PEER-3: the peer reviewer or the moderator submits the joint report: the issues discussed, or none raised."""

    model = JointReport
    form_class = forms.JointReportForm
    template_name = "moderation/reports/jointreport_form.html"
    title = "Submit the joint report"
    submit_label = "Submit the joint report"
    object: JointReport

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("event__rpa", "peer_reviewer", "moderator__user")

    def allowed(self, user: Any, obj: Any) -> bool:
        return selectors.joint_report_may_submit(user=user, report=obj)

    def back_url(self) -> str:
        return reverse("moderation-jointreport-detail", args=[self.object.pk])

    def perform(self, data: dict[str, Any]) -> str:
        report = core.joint_report_submit(
            report=self.object,
            acting_user=cast(User, self.request.user),
            issues_raised=data["issues_raised"],
            issues=data["issues"],
            for_partnership=data["for_partnership"],
        )
        if report.is_late:
            return f"The joint report is submitted. It was late: it was due {report.due_at:%d %B %Y}."
        return "The joint report is submitted, on time."

    def get_success_url(self) -> str:
        # The peer reviewer's access to the report ends with its submission (PEER-4): they go home.
        visible = JointReport.objects.restrict(self.request.user, Action.VIEW).filter(pk=self.object.pk).exists()
        return self.back_url() if visible else reverse("home")


# --- the event report (PDF) ---------------------------------------------------------------------------------------


class EventReportPdfView(EventPageMixin, TenantScopedMixin, View):
    """The event report as a PDF: the sample with its reasons, decisions, overturns, the review-pending cascade and
    coverage to date; never cached."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_object()
        return private_attachment(
            content=event_report_pdf(event=event),
            content_type="application/pdf",
            filename=f"moderation-{event.rpa.slug}-{event.month:%Y-%m}.pdf",
        )
