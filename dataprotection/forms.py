"""Forms of data protection: asking for a subject-access export, the retention periods, a breach, and the two
confirmations (download once, dry run)."""

from __future__ import annotations

from typing import Any

from django import forms

from dataprotection.models import Breach, RetentionPolicy
from hnap.forms import GovukFormMixin

_WHEN_HELP = "For example, 2027-03-15 09:30"


def _when(label: str, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, help_text=_WHEN_HELP, widget=forms.DateTimeInput(format="%Y-%m-%d %H:%M")
    )


class ExportRequestForm(GovukFormMixin, forms.Form):
    """The candidate whose data are exported, by their reference."""

    candidate_reference = forms.CharField(
        label="Candidate reference",
        max_length=30,
        help_text="As on the candidate's record, for example HLTA-2026-000123",
    )


class ConfirmForm(GovukFormMixin, forms.Form):
    """A button and nothing else (the page says what it does)."""


class RetentionPolicyForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The RPA's retention periods."""

    class Meta:
        model = RetentionPolicy
        fields = ["evidence_months", "anonymise_years", "export_link_days", "note"]
        labels = {
            "evidence_months": "Months to keep Level 2 evidence copies after the outcome is released",
            "anonymise_years": "Years to keep candidates' personal data after the outcome is released",
            "export_link_days": "Days a subject-access archive can be downloaded",
            "note": "Why these periods",
        }

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for name, low in (("evidence_months", 1), ("anonymise_years", 1), ("export_link_days", 1)):
            if data.get(name) is not None and data[name] < low:
                self.add_error(name, "Enter a number of at least 1.")
        if data.get("export_link_days") and data["export_link_days"] > 30:
            self.add_error("export_link_days", "An archive may be kept for at most 30 days.")
        months, years = data.get("evidence_months"), data.get("anonymise_years")
        if months and years and months > 12 * years:
            self.add_error("evidence_months", "Evidence copies cannot be kept longer than the candidate's record.")
        return data


class BreachForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A breach for the register."""

    occurred_at = _when("When it happened (if known)", required=False)
    found_at = _when("When it was found")
    contained_at = _when("When it was contained (if it is)", required=False)
    told_at = _when("When they were told", required=False)
    ico_reported_at = _when("When the ICO was told", required=False)

    class Meta:
        model = Breach
        fields = [
            "title",
            "what_happened",
            "data_affected",
            "people_affected",
            "occurred_at",
            "found_at",
            "contained_at",
            "people_told",
            "told_at",
            "ico_reported",
            "ico_reported_at",
            "ico_reason",
        ]
        labels = {
            "title": "Short description",
            "people_affected": "How many people's data",
            "people_told": "Who was told",
            "ico_reported": "The ICO was told",
            "ico_reason": "Why the ICO was, or was not, told",
        }
        widgets = {
            "what_happened": forms.Textarea(attrs={"rows": 4}),
            "data_affected": forms.Textarea(attrs={"rows": 3}),
            "people_told": forms.Textarea(attrs={"rows": 3}),
            "ico_reason": forms.Textarea(attrs={"rows": 3}),
        }
