"""Pages of the review side: the candidate list (and its CSV), a candidate's page, the RPA's decisions on
candidates and Level 2 evidence, the encrypted evidence download, change reports, disability disclosures,
invoices, payments and regional charges. Every record is reached through hnap.access (the tenant base views)."""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any, ClassVar, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.generic import View

from assessments.file_selectors import candidate_result
from candidates import services
from candidates.forms import review as forms
from candidates.models import (
    Candidate,
    CandidateStatus,
    ChangeReport,
    DisabilityDisclosure,
    EvidenceState,
    FundingSource,
    Invoice,
    Level2Evidence,
    Payment,
    PreparationCourse,
    RegionalCharge,
)
from candidates.selectors import (
    candidate_checklist,
    candidate_for_page,
    candidate_is_paid,
    candidates_annotated,
    candidates_filtered,
    declaration_current,
    next_step,
)
from hnap.access import holds_role, memberships_of, role_allows
from hnap.files import file_read_decrypted, private_attachment
from hnap.forms import add_service_errors
from hnap.models import PreparationProvider, User
from hnap.paging import IdsFirstPaginator
from hnap.roles import Action, Role
from hnap.selectors import national_fee_on
from hnap.tenant_views import (
    TenantCreateView,
    TenantDetailView,
    TenantListView,
    TenantRecordFormView,
    TenantScopedMixin,
    TenantUpdateView,
)

# Spreadsheets run a cell that starts with one of these as a formula: such cells get a leading apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# The list's sortable columns: (label, ascending sort, descending sort or None).
SORTABLE_COLUMNS = [
    ("Name", "name", "-name"),
    ("School", "school", None),
    ("Course", "course", None),
    ("Status", "status", None),
    ("Started", "created", "-created"),
]


def pounds(pence: int) -> str:
    """An amount of money as people read it: £450.00."""
    return f"£{Decimal(pence) / 100:,.2f}"


def is_rpa_admin_of(user: Any, rpa_id: int) -> bool:
    """Whether the user administers that RPA (the finer check where ROLE_GRANTS also lets a PoP change)."""
    return holds_role(user, rpa_id, Role.RPA_ADMIN)


def is_pop_user_of(user: Any, pop_id: int) -> bool:
    """Whether the user works for that Provider of Preparation."""
    return any(m.role == Role.POP_USER and m.pop_id == pop_id for m in memberships_of(user))


def spreadsheet_safe(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


# --- the candidate list ---------------------------------------------------------------------------


class CandidateListView(TenantListView):
    """Every candidate the user may see, filtered, sorted and paginated, with what happens next and who acts."""

    model = Candidate
    template_name = "candidates/candidate_list.html"
    paginate_by = 50
    paginator_class = IdsFirstPaginator

    def get_queryset(self) -> Any:
        candidates = self.scoped()
        self.filters = forms.CandidateFilterForm(
            self.request.GET or None,
            pops=PreparationProvider.objects.filter(pk__in=candidates.values("pop_id")).order_by("name"),
            courses=PreparationCourse.objects.restrict(self.request.user, Action.VIEW)
            .select_related("pop")
            .order_by("-first_session", "name"),
        )
        # Filters that are valid apply even when another one is not (its error shows by the field).
        self.filters.is_valid()
        values = getattr(self.filters, "cleaned_data", {})
        self.sort = values.get("sort") or "name"
        return candidates_filtered(
            candidates=candidates,
            status=values.get("status", ""),
            pop=values.get("pop"),
            school_text=values.get("school", ""),
            course=values.get("course"),
            late=values.get("late", False),
            unpaid=values.get("unpaid", False),
            q=values.get("q", ""),
            sort=self.sort,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for candidate in context["object_list"]:
            candidate.next_action, candidate.next_owner = next_step(status=candidate.status)
        params = self.request.GET.copy()
        params.pop("page", None)
        context["query_string"] = params.urlencode()
        context["sort_headers"] = self._sort_headers(params.copy())
        context["filters"] = self.filters
        context["status_counts"] = self._status_counts()
        context["staff_view"] = any(m.role != Role.CANDIDATE for m in memberships_of(self.request.user))
        return context

    def _sort_headers(self, params: Any) -> list[dict[str, Any]]:
        headers = []
        for label, ascending, descending in SORTABLE_COLUMNS:
            active = self.sort in (ascending, descending)
            params["sort"] = descending if (self.sort == ascending and descending) else ascending
            headers.append(
                {
                    "label": label,
                    "url": f"?{params.urlencode()}",
                    "aria_sort": ("descending" if self.sort == descending else "ascending") if active else "none",
                }
            )
        return headers

    def _status_counts(self) -> list[tuple[str, str, int]]:
        rows = self.scoped().order_by().values("status").annotate(n=Count("pk"))
        counts = {row["status"]: row["n"] for row in rows}
        return [(value, label, counts[value]) for value, label in CandidateStatus.choices if counts.get(value)]


class CandidateExportView(CandidateListView):
    """The candidate list as CSV, with the same filters and columns, every row (no pages)."""

    paginate_by = None  # type: ignore[assignment]
    columns = [
        "Reference",
        "Name",
        "School",
        "School URN",
        "Provider of Preparation",
        "Course",
        "First session",
        "Status",
        "Next action",
        "Who acts next",
        "Late registration (REG-6)",
        "Paid (PAY-1)",
        "Started",
    ]
    export_fields = [
        "reference",
        "first_name",
        "last_name",
        "status",
        "created_at",
        "school__name",
        "school__urn",
        "pop__name",
        "course__name",
        "course__first_session",
    ]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # A plain response written row by row (not a streaming one): the test client and the isolation
        # matrix read `.content`, and one RPA's list is a few thousand rows at most.
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"candidates-{timezone.localdate():%Y-%m-%d}.csv"
        )
        response["Cache-Control"] = "private, no-store"
        writer = csv.writer(response)
        writer.writerow(self.columns)
        # Only the columns written: a national RPA's export is ten thousand rows, and building its five full
        # model instances a row (candidate, school, PoP, course, RPA) took most of a second more.
        rows = (
            self.get_queryset().select_related(None).select_related("school", "pop", "course").only(*self.export_fields)
        )
        for c in rows.iterator(chunk_size=2000):
            action, owner = next_step(status=c.status)
            row = [
                c.reference,
                c.full_name,
                c.school.name,
                c.school.urn,
                c.pop.name,
                c.course.name,
                c.course.first_session.isoformat(),
                c.get_status_display(),
                action,
                owner,
                "yes" if c.is_late else "no",
                "yes" if c.is_paid else "no",
                c.created_at.date().isoformat(),
            ]
            writer.writerow([spreadsheet_safe(cell) for cell in row])
        return response


# --- a candidate's page ----------------------------------------------------------------------------


class CandidateDetailView(TenantDetailView):
    """A candidate's one clear state, what is missing, and everything recorded about them; actions by role."""

    model = Candidate
    template_name = "candidates/candidate_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return candidate_for_page(candidates=candidates_annotated(candidates=super().scoped(action)))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        candidate, user = self.object, self.request.user
        checklist = candidate_checklist(candidate=candidate)
        evidence_ids = set(
            Level2Evidence.objects.restrict(user, Action.VIEW).filter(candidate=candidate).values_list("pk", flat=True)
        )
        invoice_ids = set(
            Invoice.objects.restrict(user, Action.VIEW).filter(candidate=candidate).values_list("pk", flat=True)
        )
        as_admin = is_rpa_admin_of(user, candidate.rpa_id)
        evidence = sorted(candidate.level2_evidence.all(), key=lambda e: (e.subject, -e.uploaded_at.timestamp()))
        for item in evidence:
            item.viewable = item.pk in evidence_ids
            item.decidable = as_admin and item.state == EvidenceState.SUBMITTED
        invoices = [i for i in candidate.invoices.all() if i.pk in invoice_ids]
        for invoice in invoices:
            invoice.total = pounds(sum(line.amount_pence for line in invoice.lines.all()))
            invoice.received = pounds(sum(p.amount_pence for p in invoice.payments.all()))
        next_action, next_owner = next_step(status=candidate.status)
        live = candidate.withdrawn_at is None
        # MOD-12, PAY-1: the candidate themself sees where their result stands, and the way to their assessment.
        own_result = candidate_result(candidate=candidate) if candidate.user_id == user.pk else None
        context.update(
            own_result=own_result,
            checklist=checklist,
            checklist_complete=all(check.ok for check in checklist),
            next_action=next_action,
            next_owner=next_owner,
            declaration=declaration_current(candidate=candidate),
            evidence=evidence,
            change_reports=ChangeReport.objects.restrict(user, Action.VIEW)
            .filter(candidate=candidate)
            .select_related("reported_by", "resolved_by"),
            invoices=invoices,
            # REG-8: special-category data, only for the roles that may see it (never a PoP or senior assessor).
            disclosure=DisabilityDisclosure.objects.restrict(user, Action.VIEW).filter(candidate=candidate).first(),
            as_admin=as_admin and live,
            as_pop=is_pop_user_of(user, candidate.pop_id) and live,
            is_draft=candidate.submitted_at is None,
            is_registered=candidate.registered_at is not None,
            can_decide_readiness=candidate.submitted_at is not None and candidate.registered_at is None,
            nursery_exception_pending=candidate.needs_nursery_exception
            and candidate.nursery_exception_approved_at is None,
            has_live_invoice=any(i.cancelled_at is None for i in candidate.invoices.all()),
            late_if_registered_today=candidate.registered_at is None
            and timezone.localdate() > candidate.course.second_session,
        )
        return context


# --- decisions and records written through a form --------------------------------------------------


class RecordFormView(TenantRecordFormView):
    """A form acting on a candidate or one of their records; only the RPA's administrators, unless said."""

    template_name = "candidates/review_form.html"
    rpa_admin_only: ClassVar[bool] = True

    def allowed(self, user: Any, obj: Any) -> bool:
        return not self.rpa_admin_only or is_rpa_admin_of(user, obj.rpa_id)

    def acting_user(self) -> User:
        return cast(User, self.request.user)

    def candidate(self) -> Candidate:
        """The candidate the record is about (named on the page)."""
        return self.object if isinstance(self.object, Candidate) else self.object.candidate

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"candidate": self.candidate()}

    def back_url(self) -> str:
        return reverse("candidate-detail", args=[self.candidate().pk])


class CandidateReadinessView(RecordFormView):
    """REG-4: the RPA judges whether the candidate is ready; who and when are recorded."""

    model = Candidate
    form_class = forms.ReadinessForm
    title = "Decide readiness"
    submit_label = "Record the decision"

    def get_initial(self) -> dict[str, Any]:
        return {"note": self.object.readiness_note}

    def perform(self, data: dict[str, Any]) -> str:
        candidate = services.readiness_decide(
            candidate=self.object, acting_user=self.acting_user(), ready=data["ready"], note=data["note"]
        )
        return f"Readiness recorded for {candidate.full_name}: {candidate.get_readiness_display().lower()}."


class CandidateNurseryExceptionView(RecordFormView):
    """REG-1: the RPA approves a school-run nursery exception for work with 2-year-olds, with its reason."""

    model = Candidate
    form_class = forms.ReasonForm
    template_name = "candidates/candidate_nursery_exception.html"
    title = "Approve the nursery exception"
    submit_label = "Approve the exception"

    def get_initial(self) -> dict[str, Any]:
        return {"reason": self.object.nursery_exception_reason}

    def perform(self, data: dict[str, Any]) -> str:
        services.nursery_exception_approve(candidate=self.object, acting_user=self.acting_user(), reason=data["reason"])
        return f"Nursery exception approved for {self.object.full_name}."


class CandidateRegisterView(RecordFormView):
    """Register a candidate whose checklist is complete; the page says what is missing and whether it is late."""

    model = Candidate
    form_class = forms.RegisterForm
    template_name = "candidates/candidate_register.html"
    title = "Register the candidate"
    submit_label = "Register the candidate"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        checklist = candidate_checklist(candidate=self.object)
        context.update(
            checklist=checklist,
            checklist_complete=all(check.ok for check in checklist),
            late=timezone.localdate() > self.object.course.second_session,
        )
        return context

    def perform(self, data: dict[str, Any]) -> str:
        candidate = services.candidate_register(candidate=self.object, acting_user=self.acting_user())
        late = " The registration is late: after the second preparation session (REG-6)."
        return f"{candidate.full_name} is registered.{late if candidate.registered_late else ''}"


class CandidateWithdrawView(RecordFormView):
    """Withdraw an application: the RPA, or the candidate's PoP."""

    model = Candidate
    form_class = forms.ReasonForm
    rpa_admin_only = False
    title = "Withdraw the application"
    submit_label = "Withdraw the application"

    def perform(self, data: dict[str, Any]) -> str:
        services.candidate_withdraw(candidate=self.object, acting_user=self.acting_user(), reason=data["reason"])
        return f"The application of {self.object.full_name} is withdrawn."


class InvoiceCreateView(RecordFormView):
    """PAY-2: invoice the national fee in force (not editable) plus any of the RPA's regional charges."""

    model = Candidate
    form_class = forms.InvoiceForm
    template_name = "candidates/invoice_form.html"
    title = "Issue an invoice"
    submit_label = "Issue the invoice"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["charges"] = RegionalCharge.objects.restrict(self.request.user, Action.VIEW).filter(
            rpa_id=self.object.rpa_id, active=True
        )
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        candidate = self.object
        names = {
            FundingSource.SCHOOL: candidate.school.name,
            FundingSource.ORGANISATION: candidate.funder_name,
            FundingSource.SELF: candidate.full_name,
        }
        return {"payer": candidate.funding_source, "payer_name": names.get(candidate.funding_source, "")}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        fee = national_fee_on(day=timezone.localdate())
        context["fee"] = fee
        context["fee_amount"] = pounds(fee.amount_pence) if fee else ""
        return context

    def perform(self, data: dict[str, Any]) -> str:
        self.invoice = services.invoice_issue(
            candidate=self.object,
            acting_user=self.acting_user(),
            payer=data["payer"],
            payer_name=data["payer_name"],
            regional_charges=list(data["regional_charges"]),
        )
        return f"Invoice {self.invoice.number} issued."

    def get_success_url(self) -> str:
        return reverse("invoice-detail", args=[self.invoice.pk])


# --- Level 2 evidence (Standard 11) ----------------------------------------------------------------


class EvidenceDetailView(TenantDetailView):
    """One Level 2 copy: what it is, the PoP's verification, the file and the RPA's decision."""

    model = Level2Evidence
    template_name = "candidates/evidence_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate", "qualification", "uploaded_by", "decided_by", "rpa")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        evidence = self.object
        context["may_decide"] = (
            is_rpa_admin_of(self.request.user, evidence.rpa_id) and evidence.state == EvidenceState.SUBMITTED
        )
        context["file_size_kb"] = f"{evidence.file_size / 1024:,.1f} KB"
        return context


class EvidenceDownloadView(TenantScopedMixin, View):
    """S11-4: the decrypted copy, only through access (the PoP and the RPA), never cached or run by the browser."""

    model = Level2Evidence

    # What hnap.files accepts, recognised by content at upload; anything else is served as bytes.
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        evidence = self.get_object()
        return private_attachment(
            content=file_read_decrypted(path=evidence.file_path),
            content_type=evidence.file_type,
            filename=evidence.file_name or f"level2-evidence-{evidence.pk}",
        )


class EvidenceDecideView(RecordFormView):
    """S11-2, S11-3, S11-5: the RPA accepts or rejects a subject's evidence; a rejection says what is missing."""

    model = Level2Evidence
    form_class = forms.EvidenceDecisionForm
    template_name = "candidates/evidence_decide.html"
    title = "Decide on the Level 2 evidence"
    submit_label = "Record the decision"

    def perform(self, data: dict[str, Any]) -> str:
        evidence = services.evidence_decide(
            evidence=self.object, acting_user=self.acting_user(), accept=data["accept"], note=data["note"]
        )
        return f"{evidence.get_subject_display()} evidence {evidence.get_state_display().lower()}."


# --- change reports (REG-7) ------------------------------------------------------------------------


class ChangeReportListView(TenantListView):
    """Reports of mistakes, changes and anomalies: unresolved first."""

    model = ChangeReport
    template_name = "candidates/changereport_list.html"

    def get_queryset(self) -> Any:
        self.filters = forms.ChangeReportFilterForm(self.request.GET or None)
        self.filters.is_valid()
        state = getattr(self.filters, "cleaned_data", {}).get("state", "")
        reports = self.scoped().select_related("candidate", "reported_by", "resolved_by")
        if state:
            reports = reports.filter(resolved_at__isnull=state == "unresolved")
        return reports.order_by(F("resolved_at").desc(nulls_first=True), "-reported_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context["query_string"] = params.urlencode()
        context["filters"] = self.filters
        return context


class ChangeReportDetailView(TenantDetailView):
    """One report, how it was resolved, and its history."""

    model = ChangeReport
    template_name = "candidates/changereport_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate", "reported_by", "resolved_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_resolve"] = (
            is_rpa_admin_of(self.request.user, self.object.rpa_id) and self.object.resolved_at is None
        )
        return context


class ChangeReportResolveView(RecordFormView):
    """REG-7: the RPA says what it did about a report."""

    model = ChangeReport
    form_class = forms.ResolutionForm
    template_name = "candidates/changereport_resolve.html"
    title = "Resolve the report"
    submit_label = "Resolve the report"

    def back_url(self) -> str:
        return reverse("changereport-detail", args=[self.object.pk])

    def perform(self, data: dict[str, Any]) -> str:
        services.change_report_resolve(
            report=self.object, acting_user=self.acting_user(), resolution=data["resolution"]
        )
        return "The report is resolved."


# --- disability disclosure (REG-8) -----------------------------------------------------------------


class DisclosureDetailView(TenantDetailView):
    """A disclosed disability and the adjustments: special-category data, for the RPA only."""

    model = DisabilityDisclosure
    template_name = "candidates/disclosure_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate", "adjustments_recorded_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_record"] = is_rpa_admin_of(self.request.user, self.object.rpa_id)
        return context


class DisclosureAdjustmentsView(RecordFormView):
    """REG-8: the RPA records the reasonable adjustments it will make (the assessor sees them)."""

    model = DisabilityDisclosure
    form_class = forms.AdjustmentsForm
    template_name = "candidates/disclosure_adjustments.html"
    title = "Record the adjustments"
    submit_label = "Save the adjustments"

    def get_initial(self) -> dict[str, Any]:
        return {"adjustments_made": self.object.adjustments_made}

    def back_url(self) -> str:
        return reverse("disclosure-detail", args=[self.object.pk])

    def perform(self, data: dict[str, Any]) -> str:
        services.disclosure_record_adjustments(
            disclosure=self.object, acting_user=self.acting_user(), adjustments_made=data["adjustments_made"]
        )
        return "The adjustments are recorded."


# --- invoices, payments and regional charges (PAY-1, PAY-2) ----------------------------------------


def _invoice_amounts(invoice: Invoice) -> tuple[int, int]:
    """(total of the lines, total received) in pence, from prefetched lines and payments."""
    return (
        sum(line.amount_pence for line in invoice.lines.all()),
        sum(payment.amount_pence for payment in invoice.payments.all()),
    )


class InvoiceDetailView(TenantDetailView):
    """An invoice: its lines (the national fee and named regional charges), payments and paid status."""

    model = Invoice
    template_name = "candidates/invoice_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return (
            super()
            .scoped(action)
            .select_related("candidate", "issued_by", "rpa")
            .prefetch_related("lines", "payments__recorded_by")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        invoice, user = self.object, self.request.user
        total, received = _invoice_amounts(invoice)
        payment_ids = set(
            Payment.objects.restrict(user, Action.VIEW).filter(invoice=invoice).values_list("pk", flat=True)
        )
        context.update(
            lines=[(line, pounds(line.amount_pence)) for line in invoice.lines.all()],
            payments=[(p, pounds(p.amount_pence)) for p in invoice.payments.all() if p.pk in payment_ids],
            total=pounds(total),
            received=pounds(received),
            outstanding=pounds(max(total - received, 0)),
            candidate_paid=candidate_is_paid(candidate=invoice.candidate),
            may_record_payment=is_rpa_admin_of(user, invoice.rpa_id) and invoice.cancelled_at is None,
        )
        return context


class PaymentCreateView(RecordFormView):
    """PAY-1: record money received against an invoice."""

    model = Invoice
    form_class = forms.PaymentForm
    template_name = "candidates/payment_form.html"
    title = "Record a payment"
    submit_label = "Record the payment"
    renamed_errors = {"amount_pence": "amount"}

    def get_initial(self) -> dict[str, Any]:
        total, received = _invoice_amounts(self.object)
        outstanding = max(total - received, 0)
        initial: dict[str, Any] = {"received_on": timezone.localdate()}
        if outstanding:
            initial["amount"] = (Decimal(outstanding) / 100).quantize(Decimal("0.01"))
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        total, received = _invoice_amounts(self.object)
        context.update(total=pounds(total), received=pounds(received))
        return context

    def back_url(self) -> str:
        return reverse("invoice-detail", args=[self.object.pk])

    def perform(self, data: dict[str, Any]) -> str:
        payment = services.payment_record(
            invoice=self.object,
            acting_user=self.acting_user(),
            amount_pence=data["amount_pence"],
            received_on=data["received_on"],
            reference=data["reference"],
        )
        return f"{pounds(payment.amount_pence)} received on {payment.received_on:%-d %B %Y} recorded."


class ChargeListView(TenantListView):
    """The RPA's regional charges, beside the national fee they are separate from (PAY-2)."""

    model = RegionalCharge
    template_name = "candidates/charge_list.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("rpa").order_by("rpa__name", "-active", "name")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for charge in context["object_list"]:
            charge.amount = pounds(charge.amount_pence)
        fee = national_fee_on(day=timezone.localdate())
        user = self.request.user
        context.update(
            fee_amount=pounds(fee.amount_pence) if fee else "",
            may_add=role_allows(user, RegionalCharge, Action.ADD),
            may_change=role_allows(user, RegionalCharge, Action.CHANGE),
        )
        return context


class _ChargeFormMixin:
    """Saves a regional charge through the service; its errors re-display the form."""

    form_class = forms.RegionalChargeForm
    template_name = "candidates/charge_form.html"
    request: HttpRequest
    object: Any

    def charge_rpa(self) -> Any:
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        # The service's refusal leaves the tenant base view's transaction (rolled back) before it is shown.
        try:
            return super().form_valid(form)  # type: ignore[misc, no-any-return]
        except ValidationError as error:
            add_service_errors(form, error, {"amount_pence": "amount"})
            return self.form_invalid(form)  # type: ignore[attr-defined, no-any-return]

    def save_form(self, form: Any) -> HttpResponse:
        data = form.cleaned_data
        self.object = services.regional_charge_save(
            rpa=self.charge_rpa(),
            name=data["name"],
            amount_pence=data["amount_pence"],
            description=data["description"],
            charge=self.object,
        )
        messages.success(
            self.request, f"Regional charge saved: {self.object.name}, {pounds(self.object.amount_pence)}."
        )
        return redirect("charge-list")


class ChargeCreateView(_ChargeFormMixin, TenantCreateView):
    """Add a named regional charge to the user's RPA."""

    model = RegionalCharge

    def charge_rpa(self) -> Any:
        return self.acting_rpa()


class ChargeUpdateView(_ChargeFormMixin, TenantUpdateView):
    """Change a regional charge's name, amount or description (invoices already issued keep their lines)."""

    model = RegionalCharge

    def charge_rpa(self) -> Any:
        return self.object.rpa
