"""Forms of the Partnership's pages: the national fee, the month's nationally agreed standards, the dashboards'
period."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from hnap.forms import CHECKBOXES_TEMPLATE, GovukCheckboxes, GovukFormMixin
from hnap.models import HLTAStandard
from partnership.selectors import month_add

MONTH_PATTERN = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
# The longest period a dashboard covers: ten years of months.
MAX_MONTHS = 120


def parse_month(text: str) -> date | None:
    match = MONTH_PATTERN.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


class MonthField(forms.CharField):
    """A month written as YYYY-MM (the first day of it)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"maxlength": "7", "inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError("Enter a month as year and month, for example 2027-03")
        return month


class FeeForm(GovukFormMixin, forms.Form):
    """PART-1, PAY-2: a new national fee."""

    amount = forms.DecimalField(
        label="Fee in pounds",
        help_text="The national assessment fee, no VAT. For example, 450.00",
        min_value=Decimal("0.01"),
        max_digits=7,
        decimal_places=2,
        error_messages={"required": "Enter the fee in pounds", "invalid": "Enter the fee as a number, like 450.00"},
    )
    effective_from = forms.DateField(
        label="Takes effect from",
        help_text="Today or later. Invoices issued from this date charge it.",
        widget=forms.DateInput(),
        error_messages={"required": "Enter the date the fee takes effect"},
    )
    review_due = forms.DateField(
        label="Annual review date",
        help_text="When the Partnership reviews the fee: within a year of its start.",
        widget=forms.DateInput(),
        error_messages={"required": "Enter the annual review date"},
    )


class StandardsForm(GovukFormMixin, forms.Form):
    """PART-1, MOD-5: the standards every RPA samples in a month."""

    month = MonthField(
        label="Month",
        help_text="The moderation cycle, as year and month. For example, 2027-03",
        error_messages={"required": "Enter the month"},
    )
    standards = forms.TypedMultipleChoiceField(
        label="Standards every RPA moderates in this month",
        coerce=int,
        widget=GovukCheckboxes,
        error_messages={"required": "Choose at least one standard to sample"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        standards = self.fields["standards"]
        standards.template_name = CHECKBOXES_TEMPLATE  # type: ignore[attr-defined]
        standards.choices = [  # type: ignore[attr-defined]
            (s.number, f"{s.number}. {s.short_title}")
            for s in HLTAStandard.objects.filter(framework__is_default=True).order_by("number")
        ]


class PeriodForm(GovukFormMixin, forms.Form):
    """The months a dashboard covers (by default the twelve months to this one)."""

    start = MonthField(label="From (year and month)", required=False, help_text="For example, 2026-01")
    end = MonthField(label="To (year and month)", required=False, help_text="For example, 2026-12")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", "The end must be the same month as the start or later")
            elif month_add(start, MAX_MONTHS) <= end:
                self.add_error("end", f"Choose at most {MAX_MONTHS} months")
        return data

    def period(self) -> tuple[date, date]:
        """The chosen months, or the twelve months to this one when the form is empty or wrong."""
        this_month = timezone.localdate().replace(day=1)
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("end") or this_month
        start = data.get("start") or month_add(end, -11)
        if start > end:
            start = month_add(end, -11)
        return start, end
