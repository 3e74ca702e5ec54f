"""Forms of transfers (RISK-1): proposing one, carrying it out (a confirmation), declining it, withdrawing it."""

from __future__ import annotations

from django import forms

from candidates.models import Candidate, PreparationCourse
from hnap.forms import GovukFormMixin, radios
from hnap.models import RPA
from transfers.models import TransferScope
from transfers.selectors import open_work


class CandidateChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Candidate) -> str:  # type: ignore[override]
        return f"{obj.last_name}, {obj.first_name} ({obj.reference})"


class ProposeForm(GovukFormMixin, forms.Form):
    """What moves (one candidate, a cohort, all open work), to which RPA, and why."""

    scope = radios(label="What do you want to transfer?", choices=TransferScope.choices,
                   required_message="Choose what to transfer")  # fmt: skip
    candidate = CandidateChoice(
        label="The candidate (if one candidate)",
        queryset=Candidate.objects.filter(open_work()).order_by("last_name", "first_name"),
        required=False,
    )
    course = forms.ModelChoiceField(
        label="The preparation course (if a cohort)",
        queryset=PreparationCourse.objects.select_related("pop"),
        required=False,
    )
    to_rpa = forms.ModelChoiceField(
        label="The receiving RPA",
        queryset=RPA.objects.filter(active=True),
        error_messages={"required": "Choose the RPA that receives the candidates"},
    )
    reason = forms.CharField(
        label="Why the candidates move",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: the RPA can no longer carry out its functions (RISK-1). The Partnership decides.",
        error_messages={"required": "Say why the candidates move"},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("scope") == TransferScope.CANDIDATE and not data.get("candidate"):
            self.add_error("candidate", "Choose the candidate")
        if data.get("scope") == TransferScope.COURSE and not data.get("course"):
            self.add_error("course", "Choose the course")
        return data


class ExecuteForm(GovukFormMixin, forms.Form):
    """The Partnership's confirmation, after reading what will move."""

    confirm = forms.BooleanField(
        label="I have read what will move and approve the transfer",
        error_messages={"required": "Confirm that you approve the transfer"},
    )


class DeclineForm(GovukFormMixin, forms.Form):
    note = forms.CharField(label="Why the transfer is declined", widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "Say why the transfer is declined"})  # fmt: skip


class WithdrawForm(GovukFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label="Withdraw this proposal", error_messages={"required": "Confirm that you withdraw the proposal"}
    )
