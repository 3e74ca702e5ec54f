"""Forms of appeals: making one (the candidate, or staff logging it), acknowledging, deciding, referring, a
review panel (convening, deciding), and monitoring."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from appeals.models import APPEAL_CONSIDER_DAYS, AppealDecision, AppealGround, AppealMadeBy, PanelDecision
from hnap.forms import GovukFormMixin, radios


class AppealForm(GovukFormMixin, forms.Form):
    """APP-1, APP-3: the ground (only procedural grounds can be accepted), what happened and the evidence."""

    ground = radios(
        label="What is your appeal about?",
        choices=AppealGround.choices,
        required_message="Choose the ground of the appeal",
        help_text="An appeal can only be accepted when the RPA used procedures inconsistent with the Code of "
        "Practice, or used them improperly or unfairly. An appeal against the academic judgement alone cannot be "
        "accepted.",
    )
    statement = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 6}),
                                error_messages={"required": "Say what happened"})  # fmt: skip
    evidence = forms.CharField(
        label="Your evidence",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What shows the procedure was not followed, or not followed fairly: dates, people, documents.",
    )


class StaffAppealForm(AppealForm):
    """APP-1: an appeal logged by staff records who made it and how the candidate's identity was confirmed; one made
    by someone else is recorded and refused."""

    made_by = radios(label="Who is making the appeal?", choices=AppealMadeBy.choices,
                     required_message="Say who is making the appeal")  # fmt: skip
    identity_check = forms.CharField(
        label="How you confirmed the candidate's identity",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: called back on the number we hold and checked their date of birth and reference.",
    )
    made_by_name = forms.CharField(label="Name of the person making it, if not the candidate", required=False,
                                   max_length=200)  # fmt: skip
    field_order = ["made_by", "identity_check", "made_by_name", "ground", "statement", "evidence"]


class AcknowledgeAppealForm(GovukFormMixin, forms.Form):
    """APP-4: the time within which the appeal will be considered."""

    working_days = forms.IntegerField(
        label="Working days within which the appeal will be considered",
        initial=APPEAL_CONSIDER_DAYS,
        min_value=1,
        max_value=60,
        help_text="The acknowledgement letter states the date this gives (weekends, bank holidays and your closure "
        "days are not counted).",
        error_messages={"required": "Enter a number of working days"},
    )


class DecideAppealForm(GovukFormMixin, forms.Form):
    """APP-4: the outcome and its reasons (the written account sent to the candidate)."""

    decision = radios(label="Outcome", choices=AppealDecision.choices, required_message="Choose the outcome")
    reasons = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 8}),
                              error_messages={"required": "Give the reasons for the outcome"})  # fmt: skip


class ReferForm(GovukFormMixin, forms.Form):
    """APP-6: why the candidate is still dissatisfied."""

    reasons = forms.CharField(label="Why are you still dissatisfied?", widget=forms.Textarea(attrs={"rows": 6}),
                              error_messages={"required": "Say why you are still dissatisfied"})  # fmt: skip


class PanelForm(GovukFormMixin, forms.Form):
    """APP-6: two members, offered only among people eligible for this RPA's appeal."""

    member_one = forms.TypedChoiceField(label="First member", coerce=int,
                                        error_messages={"required": "Choose the first member"})  # fmt: skip
    member_two = forms.TypedChoiceField(label="Second member", coerce=int,
                                        error_messages={"required": "Choose the second member"})  # fmt: skip

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("member_one", "member_two"):
            self.fields[name].choices = [("", "Choose a person"), *choices]  # type: ignore[attr-defined]


class PanelDecideForm(GovukFormMixin, forms.Form):
    """APP-6: the review panel's decision and reasons."""

    decision = radios(label="The panel's decision", choices=PanelDecision.choices,
                      required_message="Choose the panel's decision")  # fmt: skip
    reasons = forms.CharField(label="The panel's reasons", widget=forms.Textarea(attrs={"rows": 8}),
                              error_messages={"required": "Give the panel's reasons"})  # fmt: skip


class MonitoringFilterForm(GovukFormMixin, forms.Form):
    """The year the monitoring figures cover."""

    year = forms.IntegerField(label="Year", required=False, min_value=2000, max_value=2100)

    def year_or_current(self) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or timezone.localdate().year


class MonitoringShareForm(GovukFormMixin, forms.Form):
    """APP-5: share a year's figures with the Partnership."""

    year = forms.IntegerField(label="Year", min_value=2000, max_value=2100,
                              error_messages={"required": "Enter the year to share"})  # fmt: skip
    note = forms.CharField(label="The Partnership's request (optional)", required=False, max_length=250)
