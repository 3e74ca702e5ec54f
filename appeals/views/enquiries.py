"""Pages of enquiries on the RPA's side: the queue by state and due time, an enquiry with every message in and out
and its deadlines, acknowledging, answering, keeping further messages, logging an email or phone enquiry (ENQ-1),
and the SLA dashboard with its chart and table (ENQ-3). Every record is reached through hnap.access (the tenant
base views); the rules live in appeals.services and appeals.selectors."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from appeals.forms import enquiries as forms
from appeals.models import Enquiry, EnquiryState, MessageDirection
from appeals.selectors import SlaMonth, enquiry_queue, enquiry_sla_by_month, enquiry_state_counts
from appeals.services import enquiry_acknowledge, enquiry_answer, enquiry_note, enquiry_receive
from hnap.access import rpa_scope_ids
from hnap.forms import add_service_errors
from hnap.models import Deadline, User
from hnap.roles import Action
from hnap.tenant_views import TenantCreateView, TenantDetailView, TenantListView, TenantRecordFormView

# The SLA dashboard's window: this month and the eleven before it; and how many of the replies owed next it lists.
SLA_MONTHS = 12
NEXT_DUE_SHOWN = 10


def query_string(request: Any) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return str(params.urlencode())


class EnquiryQueueView(TenantListView):
    """ENQ-3: the queue: enquiries still owed a reply, the next due first (or one state), with counts by state; a
    person who raised enquiries sees their own."""

    model = Enquiry
    template_name = "appeals/enquiry_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.filters = forms.EnquiryFilterForm(self.request.GET or None)
        values = self.filters.cleaned_data if self.filters.is_valid() else {}
        return enquiry_queue(
            enquiries=self.scoped(), state=values.get("state", ""), overdue=values.get("overdue", False)
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            filters=self.filters,
            counts=enquiry_state_counts(enquiries=self.scoped()),
            query_string=query_string(self.request),
            now=timezone.now(),
            rpa_staff=bool(rpa_scope_ids(self.request.user, Enquiry, Action.CHANGE)),
        )
        return context


class EnquiryCreateView(TenantCreateView):
    """ENQ-1: log an enquiry received by email or phone; it gets its reference and deadlines at once."""

    model = Enquiry
    form_class = forms.StaffEnquiryForm  # type: ignore[assignment]  # a plain form: the service writes
    template_name = "appeals/enquiry_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)  # a plain form: the service makes the enquiry
        return kwargs

    def save_form(self, form: Any) -> HttpResponse:
        data = form.cleaned_data
        try:
            self.object = enquiry_receive(
                rpa=self.acting_rpa(),
                channel=data["channel"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                organisation=data["organisation"],
                nature=data["nature"],
                subject=data["subject"],
                message=data["message"],
                logged_by=cast(User, self.request.user),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Enquiry {self.object.reference} logged. Acknowledge it within 3 working days.")
        return HttpResponseRedirect(reverse("enquiry-detail", args=[self.object.pk]))


class EnquiryDetailView(TenantDetailView):
    """One enquiry: who, what, its deadlines, every message in and out, and its history."""

    model = Enquiry
    template_name = "appeals/enquiry_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        enquiry = self.object
        staff = self.scoped(Action.CHANGE).filter(pk=enquiry.pk).exists()
        thread = enquiry.messages.select_related("written_by")
        deadlines = Deadline.objects.none()
        if staff:
            deadlines = Deadline.objects.filter(
                content_type=ContentType.objects.get_for_model(Enquiry), object_id=enquiry.pk
            ).order_by("due_at")
        else:
            # The enquirer reads what was said to them, not the RPA's internal notes.
            thread = thread.exclude(direction=MessageDirection.NOTE)
        context.update(enquiry=enquiry, staff=staff, thread=thread, deadlines=deadlines, now=timezone.now())
        return context


class _EnquiryReplyView(TenantRecordFormView):
    model = Enquiry
    form_class = forms.ReplyForm
    template_name = "appeals/enquiry_reply.html"
    object: Enquiry

    def back_url(self) -> str:
        return reverse("enquiry-detail", args=[self.object.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["enquiry"] = self.object
        context["thread"] = self.object.messages.select_related("written_by")
        return context


class EnquiryAcknowledgeView(_EnquiryReplyView):
    """ENQ-1: acknowledge within 3 working days (sent to the enquirer, kept on the enquiry)."""

    title = "Acknowledge the enquiry"
    submit_label = "Send the acknowledgement"

    def get_initial(self) -> dict[str, Any]:
        return {
            "message": f"Thank you for your enquiry ({self.object.reference}). We have received it and will reply "
            f"by {timezone.localtime(self.object.answer_due_at):%A %-d %B %Y}."
        }

    def perform(self, data: dict[str, Any]) -> str:
        enquiry_acknowledge(enquiry=self.object, message=data["message"], acting_user=cast(User, self.request.user))
        return f"Enquiry {self.object.reference} acknowledged."


class EnquiryAnswerView(_EnquiryReplyView):
    """ENQ-1: the substantive response within 10 working days."""

    title = "Answer the enquiry"
    submit_label = "Send the answer"

    def perform(self, data: dict[str, Any]) -> str:
        enquiry_answer(enquiry=self.object, message=data["message"], acting_user=cast(User, self.request.user))
        return f"Enquiry {self.object.reference} answered."


class EnquiryNoteView(TenantRecordFormView):
    """ENQ-1: keep a further message received from the enquirer, or an internal note, on the enquiry."""

    model = Enquiry
    form_class = forms.NoteForm
    template_name = "appeals/enquiry_reply.html"
    title = "Add a message to the enquiry"
    submit_label = "Keep the message"
    object: Enquiry

    def back_url(self) -> str:
        return reverse("enquiry-detail", args=[self.object.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["enquiry"] = self.object
        context["thread"] = self.object.messages.all()
        return context

    def perform(self, data: dict[str, Any]) -> str:
        enquiry_note(enquiry=self.object, body=data["body"], direction=data["direction"],
                     acting_user=cast(User, self.request.user))  # fmt: skip
        return "Message kept on the enquiry."


# --- the SLA dashboard (ENQ-3) ----------------------------------------------------------------------------------

# The chart's geometry (SVG user units): one group of two bars per month.
CHART_HEIGHT = 200
BAR_WIDTH = 18
GROUP_WIDTH = 56
CHART_LEFT = 40


def sla_chart(rows: list[SlaMonth]) -> dict[str, Any]:
    """Bars of the SLA chart: per month, the share acknowledged on time and answered on time (0-100 %)."""
    bars = []
    for index, row in enumerate(rows):
        x = CHART_LEFT + index * GROUP_WIDTH
        for offset, share, css in (
            (0, row.acknowledged_share, "hnap-chart__bar--ack"),
            (BAR_WIDTH + 2, row.answered_share, "hnap-chart__bar--answer"),
        ):
            height = round(CHART_HEIGHT * (share or 0) / 100)
            bars.append({"x": x + offset, "y": CHART_HEIGHT - height, "height": height, "css": css})
    labels = [
        {"x": CHART_LEFT + i * GROUP_WIDTH + BAR_WIDTH, "text": f"{row.month:%b %y}"} for i, row in enumerate(rows)
    ]
    return {
        "bars": bars,
        "labels": labels,
        "width": CHART_LEFT + max(len(rows), 1) * GROUP_WIDTH + 10,
        "height": CHART_HEIGHT,
        "gridlines": [{"y": CHART_HEIGHT - CHART_HEIGHT * p // 100, "label": f"{p}%"} for p in (0, 25, 50, 75, 100)],
    }


def month_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


class EnquirySlaView(TenantListView):
    """ENQ-3: compliance by month: the share of enquiries acknowledged within 3 working days and answered within 10,
    as a chart (an SVG image described by its title) and the table it is drawn from, and the replies owed next; the
    RPA's staff only."""

    model = Enquiry
    template_name = "appeals/enquiry_sla.html"
    paginate_by = None  # type: ignore[assignment]

    def get_queryset(self) -> Any:
        return self.scoped().filter(rpa_id__in=rpa_scope_ids(self.request.user, Enquiry, Action.VIEW))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # The list itself is never read: only its grouped counts.
        kwargs["object_list"] = Enquiry.objects.none()
        context = super().get_context_data(**kwargs)
        since = month_back(timezone.localdate(), SLA_MONTHS - 1)
        rows = enquiry_sla_by_month(enquiries=self.get_queryset(), since=since)
        context.update(
            rows=rows,
            since=since,
            chart=sla_chart(rows),
            counts=enquiry_state_counts(enquiries=self.get_queryset()),
            next_due=enquiry_queue(enquiries=self.get_queryset())[:NEXT_DUE_SHOWN],
            now=timezone.now(),
            open_states=[EnquiryState.RECEIVED, EnquiryState.ACKNOWLEDGED],
        )
        return context
