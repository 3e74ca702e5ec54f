"""Forms of moderation's reports: feedback to an assessor (MOD-9), the moderators' report (MOD-10), trends sent to a
PoP (MOD-11) and the joint report (PEER-3). They parse input only; moderation.report_services checks the rules (its
ValidationErrors come back on these forms by field name)."""

from __future__ import annotations

from typing import Any

from django import forms

from hnap.forms import RADIOS_TEMPLATE, GovukFormMixin, GovukRadios, radios
from hnap.models import PreparationProvider
from moderation.models import Sanction


def _text(label: str, *, help_text: str = "", rows: int = 5, required: bool = False, message: str = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message or f"Enter {label.lower()}."},
    )


class ConfirmForm(GovukFormMixin, forms.Form):
    """A button that acts (send the feedback): nothing to fill in, refusals shown above the page."""


class StartFeedbackForm(GovukFormMixin, forms.Form):
    """MOD-9: which moderated assessor the feedback is for."""

    assessor = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": "Choose the assessor."})


class FeedbackForm(GovukFormMixin, forms.Form):
    """MOD-9, ASR-7: strengths, weaknesses, the reasons for every change of outcome, any sanction and why."""

    strengths = _text("Strengths", help_text="What the assessor did well: preparation, conduct, records, outcomes.")
    weaknesses = _text("Weaknesses", help_text="What the assessor should improve.")
    change_reasons = _text(
        "Reasons for every change of outcome",
        rows=8,
        help_text="Prefilled from the moderators' decisions: each changed file by candidate and reference, with the "
        "reasons. Keep every file named; edit the wording if you need to.",
    )
    sanction = forms.ChoiceField(
        label="Sanction",
        choices=[("", "No sanction"), *[(v, label) for v, label in Sanction.choices if v]],
        required=False,
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
        help_text="A sanction opens the quality action of that kind when the feedback is sent (ASR-8): a "
        "suspension or removal takes the assessor out of allocation at once.",
    )
    sanction_justification = _text("Justification of the sanction", help_text="Required with a sanction.", rows=4)


class ModeratorsReportForm(GovukFormMixin, forms.Form):
    """MOD-10: what would improve the RPA's training, quality assurance and support of its assessors."""

    training = _text("Training of assessors")
    quality_assurance = _text("Quality assurance")
    support = _text("Support of assessors")
    submit = forms.TypedChoiceField(
        label="Submit the report to the RPA now?",
        choices=[("no", "No, save it to finish later"), ("yes", "Yes, submit it: it can then no longer be changed")],
        coerce=lambda value: value == "yes",
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
        error_messages={"required": "Choose whether to submit the report now."},
    )


PERIODS = [("event", "This event's month"), ("year", "The year to date")]


class TrendsSendForm(GovukFormMixin, forms.Form):
    """MOD-11: send a PoP its own candidates' trends, for the event or the year to date, with a message."""

    pop = forms.ModelChoiceField(
        label="Provider of preparation",
        queryset=PreparationProvider.objects.none(),
        empty_label="Choose a PoP",
        error_messages={"required": "Choose the PoP to send the trends to.", "invalid_choice": "Choose a PoP."},
    )
    period = radios(label="Which trends?", choices=PERIODS, required_message="Choose the period.")
    message = _text(
        "Message to the PoP",
        required=True,
        message="Write the message to the PoP.",
        help_text="What the RPA asks the PoP to look at. The PoP sees only its own candidates' trends.",
    )

    def __init__(self, *args: Any, pops: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pop"].queryset = pops  # type: ignore[attr-defined]


class TrendsPeriodForm(GovukFormMixin, forms.Form):
    """The period the trends page shows."""

    period = forms.ChoiceField(choices=PERIODS, required=False, label="Period")


class JointReportForm(GovukFormMixin, forms.Form):
    """PEER-3: the issues the peer reviewer and the moderator discussed, or confirming none were raised."""

    issues_raised = forms.TypedChoiceField(
        label="Were any issues raised?",
        choices=[("yes", "Yes, issues were discussed"), ("no", "No issues were raised")],
        coerce=lambda value: value == "yes",
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
        error_messages={"required": "Say whether any issues were raised."},
    )
    issues = _text("The issues discussed", help_text="Required when issues were raised.", rows=6)
    for_partnership = _text(
        "Issues to take forward to the Partnership (optional)", rows=4, help_text="The Partnership reads these."
    )
