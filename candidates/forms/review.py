"""Forms of the review side: the candidate list's filters and the RPA's decisions, charges and payments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from candidates.models import CandidateStatus, FundingSource, PreparationCourse, RegionalCharge
from candidates.selectors import SORTS
from hnap.forms import (
    CHECKBOXES_TEMPLATE,
    RADIOS_TEMPLATE,
    GovukCheckboxes,
    GovukFormMixin,
    GovukRadios,
    QuickSelect,
)
from hnap.models import PreparationProvider


def _yes_no(value: Any) -> bool:
    return str(value).lower() in ("true", "yes", "1", "on")


def _pence(pounds: Decimal) -> int:
    return int((pounds * 100).to_integral_value())


class CandidateFilterForm(GovukFormMixin, forms.Form):
    """Filters of the candidate list; the PoP and course choices are only those the user may see."""

    status = forms.ChoiceField(choices=[("", "Any status"), *CandidateStatus.choices], required=False)
    pop = forms.ModelChoiceField(
        queryset=PreparationProvider.objects.none(),
        required=False,
        label="Provider of Preparation",
        empty_label="Any",
        widget=QuickSelect,
    )
    course = forms.ModelChoiceField(
        queryset=PreparationCourse.objects.none(), required=False, empty_label="Any", widget=QuickSelect
    )
    school = forms.CharField(required=False, max_length=100, label="School", help_text="URN or part of the name")
    q = forms.CharField(required=False, max_length=100, label="Name, reference or email")
    late = forms.BooleanField(required=False, label="Late registration only (REG-6)")
    unpaid = forms.BooleanField(required=False, label="Not paid only (PAY-1)")
    sort = forms.ChoiceField(choices=[(key, key) for key in SORTS], required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, pops: Any, courses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pop"].queryset = pops  # type: ignore[attr-defined]
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]


class ChangeReportFilterForm(GovukFormMixin, forms.Form):
    """Filter of the change reports list."""

    state = forms.ChoiceField(
        label="Show",
        choices=[("", "All, unresolved first"), ("unresolved", "Unresolved"), ("resolved", "Resolved")],
        required=False,
    )


class ReadinessForm(GovukFormMixin, forms.Form):
    """REG-4: the RPA's judgement of readiness, with a note (required when not ready)."""

    ready = forms.TypedChoiceField(
        label="Is the candidate ready for assessment?",
        choices=[("yes", "Yes, ready"), ("no", "No, not ready")],
        coerce=_yes_no,
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when the candidate is not ready: the PoP is told why.",
    )


class ReasonForm(GovukFormMixin, forms.Form):
    """A decision that needs only its reason (nursery exception, withdrawal)."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))


class RegisterForm(GovukFormMixin, forms.Form):
    """Confirms a registration; what blocks it comes back from the service as form errors."""


class InvoiceForm(GovukFormMixin, forms.Form):
    """PAY-2: who pays and which regional charges; the national fee is added by the service, never typed."""

    payer = forms.ChoiceField(
        label="Who pays?",
        choices=FundingSource.choices,
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
    )
    payer_name = forms.CharField(label="Name of the payer", max_length=200)
    regional_charges = forms.ModelMultipleChoiceField(
        queryset=RegionalCharge.objects.none(),
        required=False,
        label="Regional charges",
        help_text="Each is a separate, named line on the invoice.",
        widget=GovukCheckboxes,
        template_name=CHECKBOXES_TEMPLATE,  # type: ignore[call-arg]
    )

    def __init__(self, *args: Any, charges: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regional_charges"].queryset = charges  # type: ignore[attr-defined]


class EvidenceDecisionForm(GovukFormMixin, forms.Form):
    """S11-2, S11-3, S11-5: accept or reject a subject's Level 2 evidence, with a note."""

    accept = forms.TypedChoiceField(
        label="Do you accept this Level 2 evidence?",
        choices=[("true", "Yes, accept it"), ("false", "No, reject it")],
        coerce=_yes_no,
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required to reject (say what is wrong or missing: the PoP and the candidate are told), and to "
        "accept a qualification that is not on the accepted list (say why it counts as Level 2).",
    )


class ResolutionForm(GovukFormMixin, forms.Form):
    """REG-7: what the RPA did about a reported change."""

    resolution = forms.CharField(label="What was done", widget=forms.Textarea(attrs={"rows": 5}))


class AdjustmentsForm(GovukFormMixin, forms.Form):
    """REG-8: the reasonable adjustments the RPA will make."""

    adjustments_made = forms.CharField(
        label="Adjustments the RPA will make",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The assessor sees these.",
    )


class _MoneyMixin(forms.Form):
    """An amount typed in pounds (450.00), or given in pence as `amount_pence` (API-style clients)."""

    amount = forms.DecimalField(
        label="Amount in pounds",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        help_text="For example, 450.00",
    )
    amount_pence = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("amount_pence") is None:
            if cleaned.get("amount") is not None:
                cleaned["amount_pence"] = _pence(cleaned["amount"])
            elif "amount" not in self.errors:
                self.add_error("amount", "Enter the amount in pounds, for example 450.00")
        return cleaned


class PaymentForm(GovukFormMixin, _MoneyMixin):
    """PAY-1: money received against an invoice."""

    received_on = forms.DateField(label="Date received", widget=forms.DateInput, help_text="For example, 2027-01-04")
    reference = forms.CharField(required=False, max_length=100, label="Bank or card reference", help_text="Optional")


class RegionalChargeForm(GovukFormMixin, _MoneyMixin, forms.ModelForm):
    """PAY-2: a named regional charge, separate from the national assessment fee."""

    field_order = ["name", "amount", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Shown in pounds; the hidden pence field is only for clients that post pence, so it starts empty.
        pence = self.initial.pop("amount_pence", None)
        if pence is not None:
            self.initial.setdefault("amount", (Decimal(pence) / 100).quantize(Decimal("0.01")))

    class Meta:
        model = RegionalCharge
        fields = ["name", "amount_pence", "description"]
