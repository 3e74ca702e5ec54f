"""Dashboards of aggregates (PART-2, APP-5): the Partnership's national one (every RPA, by RPA and month) and each RPA
administrator's for their own RPA with drill-down per assessor and per PoP; charts drawn on the server as SVG, each
beside its table, and CSV. Counts only: no candidate's name, email or id ever reaches these pages."""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView

from candidates.views.review import spreadsheet_safe
from hnap.access import memberships_of
from hnap.charts import BarChart, bar_chart
from hnap.models import RPA
from hnap.roles import Role
from partnership.forms import PeriodForm
from partnership.selectors import Dashboard, DrillRow, Figures, dashboard, drill_down, month_label
from partnership.services import is_partnership_admin

# The CSV's columns: heading and the figure (an attribute of Figures).
CSV_COLUMNS: list[tuple[str, str]] = [
    ("Registrations", "registrations"),
    ("Assessments", "assessments"),
    ("Results confirmed", "results"),
    ("Met", "met"),
    ("Not met", "not_met"),
    ("Partial reassessment", "partial"),
    ("Full reassessment", "full"),
    ("Files entering moderation", "files"),
    ("Files sampled", "sampled"),
    ("Sampled (%)", "sampled_share"),
    ("Moderation decisions confirmed", "decisions"),
    ("Overturned", "overturns"),
    ("Overturn rate (%)", "overturn_rate"),
    ("Enquiries", "enquiries"),
    ("Acknowledged within 3 working days (%)", "ack_share"),
    ("Answered within 10 working days (%)", "answer_share"),
    ("Appeals", "appeals"),
    ("Appeals refused", "appeals_refused"),
    ("Appeals upheld", "appeals_upheld"),
    ("Appeals not upheld", "appeals_not_upheld"),
    ("Appeals referred to the Partnership", "appeals_referred"),
    ("Appeals decided by the date given (%)", "appeals_on_time_share"),
]


def figure_charts(*, prefix: str, rows: list[tuple[str, Figures]], per: str, table: str) -> list[BarChart]:
    """The dashboard's charts over rows labelled by RPA or by month (each drawn from the table `table`)."""

    def chart(name: str, title: str, values: list[float | None], unit: str = "", top: float | None = None) -> BarChart:
        return bar_chart(
            ident=f"{prefix}-{name}",
            title=f"{title}, by {per}",
            rows=[(label, value) for (label, _), value in zip(rows, values, strict=True)],
            unit=unit,
            maximum=top,
            table=table,
        )

    return [
        chart("registrations", "Candidates registered", [f.registrations for _, f in rows]),
        chart("results", "Results confirmed", [f.results for _, f in rows]),
        chart("overturns", "Outcomes overturned at moderation", [f.overturn_rate for _, f in rows], "%", 100),
        chart("sampled", "Files sampled for moderation (share of files)", [f.sampled_share for _, f in rows], "%", 100),
        chart("enquiries", "Enquiries answered within 10 working days", [f.answer_share for _, f in rows], "%", 100),
        chart("appeals", "Appeals decided by the date given", [f.appeals_on_time_share for _, f in rows], "%", 100),
    ]


def csv_response(*, filename: str, data: Dashboard) -> HttpResponse:
    """Every RPA and month of the dashboard as CSV: counts only, cells a spreadsheet would run neutralised."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(["RPA", "Month", *(heading for heading, _ in CSV_COLUMNS)])
    for name, month, figures in data.rows():
        values = [getattr(figures, attr) for _, attr in CSV_COLUMNS]
        cells = [name, f"{month:%Y-%m}", *("" if v is None else v for v in values)]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return response


class PeriodMixin:
    """The period a dashboard covers, from ?start=YYYY-MM&end=YYYY-MM (twelve months to this one by default)."""

    request: HttpRequest

    def period_form(self) -> PeriodForm:
        return PeriodForm(self.request.GET or None)

    def period(self) -> tuple[PeriodForm, date, date]:
        form = self.period_form()
        start, end = form.period()
        return form, start, end

    def query(self, start: date, end: date) -> str:
        return f"start={start:%Y-%m}&end={end:%Y-%m}"


# --- the national dashboard: the Partnership ---------------------------------------------------------------------


class PartnershipOnly(LoginRequiredMixin):
    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not is_partnership_admin(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


class NationalDashboardView(PartnershipOnly, PeriodMixin, TemplateView):
    """PART-2, APP-5: every RPA's figures by RPA and by month (aggregates only), charts and tables, CSV."""

    template_name = "partnership/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, start, end = self.period()
        data = dashboard(rpa_ids=None, start=start, end=end)
        by_rpa = data.by_rpa
        by_month = [(month_label(m), f) for m, f in data.by_month]
        context.update(
            national=True,
            form=form,
            data=data,
            tables=[("by-rpa", "RPA", "RPA", by_rpa), ("by-month", "Month", "month", by_month)],
            charts=figure_charts(prefix="national", rows=by_rpa, per="RPA", table="by-rpa-table"),
            month_charts=figure_charts(prefix="monthly", rows=by_month, per="month", table="by-month-table")[:2],
            query=self.query(start, end),
        )
        return context


class NationalDashboardExportView(PartnershipOnly, PeriodMixin, View):
    """PART-2: the national figures as CSV, by RPA and month."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _, start, end = self.period()
        data = dashboard(rpa_ids=None, start=start, end=end)
        return csv_response(filename=f"hlta-national-{start:%Y-%m}-to-{end:%Y-%m}.csv", data=data)


# --- each RPA's own dashboard: its administrators ----------------------------------------------------------------


class RpaAdminOnly(LoginRequiredMixin):
    """The RPA whose dashboard is shown: one where the person is an administrator (with several, ?rpa=<slug> picks
    among them); never an RPA of which they are not (403)."""

    request: HttpRequest
    rpa: RPA

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            ids = {m.rpa_id for m in memberships_of(request.user) if m.role == Role.RPA_ADMIN and m.rpa_id}
            rpas = list(RPA.objects.filter(pk__in=ids).order_by("name"))
            if not rpas:
                raise PermissionDenied
            wanted = request.GET.get("rpa")
            self.rpas = rpas
            self.rpa = next((r for r in rpas if r.slug == wanted), rpas[0])
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


class RpaDashboardView(RpaAdminOnly, PeriodMixin, TemplateView):
    """PART-2, APP-5: the same figures for the administrator's own RPA, by month, with links to the drill-downs."""

    template_name = "partnership/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, start, end = self.period()
        data = dashboard(rpa_ids=[self.rpa.pk], start=start, end=end)
        by_month = [(month_label(m), f) for m, f in data.by_month]
        context.update(
            national=False,
            rpa=self.rpa,
            rpas=self.rpas,
            form=form,
            data=data,
            tables=[("by-month", "Month", "month", by_month)],
            charts=figure_charts(prefix="rpa", rows=by_month, per="month", table="by-month-table"),
            month_charts=[],
            query=f"{self.query(start, end)}&rpa={self.rpa.slug}",
        )
        return context


class RpaDashboardExportView(RpaAdminOnly, PeriodMixin, View):
    """PART-2: the RPA's own figures as CSV, by month."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _, start, end = self.period()
        data = dashboard(rpa_ids=[self.rpa.pk], start=start, end=end)
        return csv_response(filename=f"hlta-{self.rpa.slug}-{start:%Y-%m}-to-{end:%Y-%m}.csv", data=data)


class RpaDrillDownView(RpaAdminOnly, PeriodMixin, TemplateView):
    """PART-2: the RPA's figures over the period per assessor or per PoP (`by` in the URL), with a chart."""

    template_name = "partnership/drill_down.html"
    by: str = "assessor"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, start, end = self.period()
        rows: list[DrillRow] = drill_down(rpa_id=self.rpa.pk, start=start, end=end, by=self.by)
        noun = "assessor" if self.by == "assessor" else "PoP"
        labelled = [(row.name, row.figures) for row in rows]
        charts = figure_charts(prefix=self.by, rows=labelled, per=noun, table=f"{self.by}-table")
        context.update(
            rpa=self.rpa,
            rpas=self.rpas,
            form=form,
            start=start,
            end=end,
            labelled=labelled,
            by=self.by,
            heading="Assessor" if self.by == "assessor" else "PoP",
            noun=noun,
            charts=[charts[1], charts[2], charts[3]],
            query=f"{self.query(start, end)}&rpa={self.rpa.slug}",
        )
        return context
