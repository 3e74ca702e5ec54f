"""Forms of moderation's people: nominating and confirming moderators (MOD-1, MOD-2), the Partnership's peer-review
pairings (PEER-2) and an RPA's monthly peer reviewer and deputy (PEER-1). They parse input only; moderation.services
checks the rules (its ValidationErrors come back on these forms by field name)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from hnap.forms import GovukFormMixin
from hnap.models import RPA


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A select of people by name and email address."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class MonthField(forms.DateField):
    """A month given as a day in it (a date picker), kept as the month's first day."""

    def to_python(self, value: Any) -> date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class ModeratorNominateForm(GovukFormMixin, forms.Form):
    """MOD-1: an experienced assessor of the RPA nominated as a moderator."""

    user = PersonChoiceField(
        label="Assessor to nominate",
        queryset=None,  # type: ignore[arg-type]
        empty_label="Choose an assessor",
        help_text="Moderators are experienced assessors of the RPA's register.",
        error_messages={"required": "Choose the assessor to nominate.", "invalid_choice": "Choose an assessor."},
    )
    trained_on = forms.DateField(
        label="Trained in moderation on (optional)",
        required=False,
        widget=forms.DateInput,
        error_messages={"invalid": "Enter a real date."},
    )
    is_senior = forms.BooleanField(
        label="A senior moderator (confirms other moderators' competence)",
        required=False,
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people  # type: ignore[attr-defined]


class ModeratorConfirmForm(GovukFormMixin, forms.Form):
    """MOD-2: a senior moderator confirms a moderator's competence, saying what it rests on."""

    note = forms.CharField(
        label="What the confirmation rests on",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example, the trial moderations you reviewed and the experience you checked.",
        error_messages={"required": "Say what the confirmation rests on."},
    )


class PairingForm(GovukFormMixin, forms.Form):
    """PEER-2: which RPA peer-reviews which, for the three months from a month."""

    reviewed = forms.ModelChoiceField(
        label="RPA reviewed",
        queryset=RPA.objects.filter(active=True).order_by("name"),
        empty_label="Choose an RPA",
        error_messages={"required": "Choose the RPA to be reviewed.", "invalid_choice": "Choose an RPA."},
    )
    reviewer = forms.ModelChoiceField(
        label="RPA providing the peer reviewer",
        queryset=RPA.objects.filter(active=True).order_by("name"),
        empty_label="Choose an RPA",
        error_messages={"required": "Choose the reviewing RPA.", "invalid_choice": "Choose an RPA."},
    )
    period_start = MonthField(
        label="First month of the period",
        widget=forms.DateInput,
        help_text="Any day of the month; the pairing lasts three months from it.",
        error_messages={"required": "Enter the first month of the period.", "invalid": "Enter a real date."},
    )
    confirm_repeat = forms.BooleanField(
        label="Repeat the previous period's pairing anyway",
        required=False,
        help_text="Pairings change every period so that ideas and practices are exchanged across the Partnership.",
    )


class NominationForm(GovukFormMixin, forms.Form):
    """PEER-1: the RPA's peer reviewer and deputy for a month."""

    month = MonthField(
        label="Month",
        widget=forms.DateInput,
        help_text="Any day of the month. The RPA you review that month follows from the Partnership's pairing.",
        error_messages={"required": "Enter the month.", "invalid": "Enter a real date."},
    )
    reviewer = PersonChoiceField(
        label="Peer reviewer",
        queryset=None,  # type: ignore[arg-type]
        empty_label="Choose a person",
        error_messages={"required": "Choose the peer reviewer.", "invalid_choice": "Choose a person."},
    )
    deputy = PersonChoiceField(
        label="Deputy (for absence)",
        queryset=None,  # type: ignore[arg-type]
        empty_label="Choose a person",
        error_messages={"required": "Choose the deputy.", "invalid_choice": "Choose a person."},
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = people  # type: ignore[attr-defined]
        self.fields["deputy"].queryset = people  # type: ignore[attr-defined]
