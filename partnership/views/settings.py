"""Pages of the Partnership's national settings (PART-1, PAY-2, MOD-5): the national fee and the standards every RPA
samples each month. Partnership administrators change them; the RPAs' staff read the same pages, without the forms.
These are national reference data, not a tenant's records, so the pages check the role themselves."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from candidates.views.review import pounds
from hnap.access import memberships_of
from hnap.forms import add_service_errors
from hnap.models import User
from hnap.roles import Role
from partnership import forms
from partnership.selectors import (
    fee_history,
    month_add,
    month_label,
    months_opened,
    national_standards_months,
    national_standards_numbers,
)
from partnership.services import fee_set, is_partnership_admin, national_standards_set

# How far back the standards page lists months.
STANDARDS_MONTHS_SHOWN = 24


def may_read_national_settings(user: Any) -> bool:
    """The Partnership's administrators and every RPA's staff read the national settings (PART-1)."""
    return any(m.role == Role.PARTNERSHIP_ADMIN or m.role in Role.rpa_roles() for m in memberships_of(user))


class NationalSettingsReadMixin(LoginRequiredMixin):
    """Readers of the national settings: Partnership administrators and RPA staff; anyone else 403."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not may_read_national_settings(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


class PartnershipOnlyMixin(LoginRequiredMixin):
    """Writers of the national settings: Partnership administrators only (an RPA cannot change them: 403)."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not is_partnership_admin(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


class FeeView(NationalSettingsReadMixin, TemplateView):
    """PART-1, PAY-2: the national fee in force, any fee scheduled, the review date and every fee set before."""

    template_name = "partnership/fee.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        fees = fee_history()
        context.update(
            fees=fees,
            rows=[{"fee": fee, "amount": pounds(fee.amount_pence)} for fee in fees.history],
            current_amount=pounds(fees.current.amount_pence) if fees.current else "",
            can_edit=is_partnership_admin(self.request.user),
        )
        return context


class FeeSetView(PartnershipOnlyMixin, FormView):  # type: ignore[type-arg]
    """PART-1, PAY-2: set a new national fee from a date, with its annual review date."""

    form_class = forms.FeeForm
    template_name = "partnership/fee_form.html"

    def get_initial(self) -> dict[str, Any]:
        current = fee_history().current
        start = current.review_due if current and current.review_due > timezone.localdate() else timezone.localdate()
        return {"effective_from": start, "review_due": start + timedelta(days=365)}

    def form_valid(self, form: forms.FeeForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            fee = fee_set(
                amount_pence=int(data["amount"] * Decimal(100)),
                effective_from=data["effective_from"],
                review_due=data["review_due"],
                acting_user=cast(User, self.request.user),
            )
        except ValidationError as error:
            add_service_errors(form, error, renamed={"amount_pence": "amount"})
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"The national fee of {pounds(fee.amount_pence)} takes effect on {fee.effective_from:%d %B %Y}, "
            f"for every RPA. Review due {fee.review_due:%d %B %Y}.",
        )
        return HttpResponseRedirect(reverse("partnership-fee"))


class StandardsView(NationalSettingsReadMixin, TemplateView):
    """PART-1, MOD-5: the nationally agreed standards by month, and for each month whose events have opened, which
    RPAs' events copied them."""

    template_name = "partnership/standards.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        this_month = timezone.localdate().replace(day=1)
        context.update(
            months=national_standards_months(since=month_add(this_month, -STANDARDS_MONTHS_SHOWN)),
            can_edit=is_partnership_admin(self.request.user),
            next_month=month_add(this_month, 1),
        )
        return context


class StandardsSetView(PartnershipOnlyMixin, FormView):  # type: ignore[type-arg]
    """PART-1, MOD-5: set the standards every RPA samples in a month (refused once an RPA's event has opened)."""

    form_class = forms.StandardsForm
    template_name = "partnership/standards_form.html"

    def chosen_month(self) -> date:
        return forms.parse_month(self.request.GET.get("month", "")) or month_add(timezone.localdate().replace(day=1), 1)

    def get_initial(self) -> dict[str, Any]:
        month = self.chosen_month()
        return {"month": f"{month:%Y-%m}", "standards": national_standards_numbers(month=month)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        month = self.chosen_month()
        context.update(month=month, opened=months_opened(months=[month]).get(month, []))
        return context

    def form_valid(self, form: forms.StandardsForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            row = national_standards_set(
                month=data["month"], standards=data["standards"], acting_user=cast(User, self.request.user)
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        numbers = ", ".join(str(n) for n in sorted(row.standards.values_list("number", flat=True)))
        messages.success(
            self.request, f"Every RPA moderates standards {numbers} in {month_label(row.month)} (with its own)."
        )
        return HttpResponseRedirect(reverse("partnership-standards"))
