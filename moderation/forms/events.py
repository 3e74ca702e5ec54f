"""Forms of the moderation day: planning an event, the draw, adding coverage files, the decision on a sampled file,
the second moderator's review, the RPA's review of a review-pending file, and the buttons that open, close and
confirm. They parse input only; moderation.services checks the rules and its ValidationErrors come back on these
forms by field name."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from assessments.models import Outcome
from hnap.forms import CHECKBOXES_TEMPLATE, RADIOS_TEMPLATE, GovukCheckboxes, GovukFormMixin, GovukRadios, radios
from moderation.models import DocumentationQuality, Moderator, ReviewOutcome, Verdict

AGREE_CHOICES = [("agree", "Agree with the evidence summary"), ("disagree", "Disagree")]


class ConfirmForm(GovukFormMixin, forms.Form):
    """A button that acts (open the event, open or close the peer review, draw, close): nothing to fill in; refusals
    are shown above the page."""


class MonthField(forms.CharField):
    """A month typed as YYYY-MM, cleaned to its first day."""

    def to_python(self, value: Any) -> Any:
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            return date(year, month, 1)
        except ValueError as error:
            raise forms.ValidationError("Enter the month as YYYY-MM, for example 2026-11") from error


class EventPlanForm(GovukFormMixin, forms.Form):
    """MOD-1: the monthly event of one cycle, the day it is held and the lead moderator."""

    month = MonthField(
        label="Cycle moderated",
        help_text="The month whose accepted files are moderated, as YYYY-MM, for example 2026-11",
        error_messages={"required": "Enter the cycle as YYYY-MM"},
    )
    held_on = forms.DateField(
        label="Day of the event",
        widget=forms.DateInput(),
        error_messages={"required": "Enter the day of the event", "invalid": "Enter a real date"},
    )
    lead_moderator = forms.ModelChoiceField(
        queryset=Moderator.objects.filter(active=True).select_related("user"),
        required=False,
        label="Lead moderator (optional)",
        empty_label="Not named yet",
    )


class EventStandardsForm(GovukFormMixin, forms.Form):
    """MOD-5: the RPA's own standards to moderate, as numbers separated by commas."""

    standards = forms.CharField(
        required=False,
        label="Standards the RPA adds",
        help_text="Standard numbers separated by commas, for example 3, 12, 27. Leave empty for none.",
    )

    def clean_standards(self) -> list[int]:
        parts = [p.strip() for p in self.cleaned_data["standards"].replace(";", ",").split(",") if p.strip()]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError("Enter standard numbers separated by commas, for example 3, 12, 27")
        return [int(p) for p in parts]


class CoverageAddForm(GovukFormMixin, forms.Form):
    """MOD-4: the proposed files to add to the sample (their reasons come from the proposal)."""

    files = forms.MultipleChoiceField(  # type: ignore[assignment]  # a field, not Form.files (DjangoForm's uploads)
        label="Files to add to the sample",
        widget=GovukCheckboxes,
        template_name=CHECKBOXES_TEMPLATE,  # type: ignore[call-arg]
        error_messages={"required": "Choose at least one proposed file to add"},
    )

    def __init__(self, *args: Any, proposals: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].choices = [  # type: ignore[attr-defined]
            (
                str(p.file.pk),
                f"{p.file.candidate.full_name}, assessed by {p.file.assessor.user.full_name}: {'; '.join(p.why)}",
            )
            for p in proposals or []
        ]


class DecisionForm(GovukFormMixin, forms.Form):
    """MOD-6, MOD-8: per moderated standard agree or disagree (a note when disagreeing), then the verdict: endorse,
    overturn with the new outcome and reasons, records lacking or process lacking."""

    verdict = radios(
        label="Your verdict",
        choices=Verdict.choices,
        required_message="Choose to endorse, overturn, or judge the records or the process lacking",
        help_text="An overturn, and a process judged lacking, take effect only once a second moderator agrees.",
    )
    new_outcome = forms.ChoiceField(
        required=False,
        label="New outcome (for an overturn)",
        choices=[("", "Choose the outcome"), *Outcome.choices],
    )
    reassess_standards = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        label="Standards to reassess (for a partial reassessment)",
        widget=GovukCheckboxes,
        template_name=CHECKBOXES_TEMPLATE,  # type: ignore[call-arg]
    )
    reasons = forms.CharField(
        required=False,
        label="Reasons",
        help_text="Needed for every verdict but an endorsement; kept with the result and given to the assessor.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    documentation = forms.ChoiceField(
        required=False,
        label="How the candidate's documentation was completed (optional, for the PoP's trends)",
        choices=[("", "Not recorded"), *DocumentationQuality.choices],
    )

    def __init__(self, *args: Any, standards: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.standards = standards or []
        judgement_fields: dict[str, forms.Field] = {}
        for standard in self.standards:
            judgement_fields[f"agree_{standard.number}"] = forms.ChoiceField(
                label=f"Standard {standard.number}: {standard.short_title}",
                choices=AGREE_CHOICES,
                widget=GovukRadios,
                template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
                error_messages={"required": f"Standard {standard.number}: choose agree or disagree"},
            )
            judgement_fields[f"note_{standard.number}"] = forms.CharField(
                required=False,
                label=f"Note on standard {standard.number}",
                help_text="Needed when you disagree: what the evidence summary lacks.",
                widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
            )
        # The judgements first, in the order of the standards, then the verdict.
        self.fields = {**judgement_fields, **self.fields}
        self.fields["reassess_standards"].choices = [  # type: ignore[attr-defined]
            (s.number, f"Standard {s.number}") for s in self.standards
        ]

    def judgements(self) -> dict[str, dict[str, Any]]:
        """The judgements as the service takes them: standard number (as text) -> agree, note."""
        data = self.cleaned_data
        return {
            str(s.number): {"agree": data.get(f"agree_{s.number}") == "agree", "note": data.get(f"note_{s.number}", "")}
            for s in self.standards
        }


class SecondReviewForm(GovukFormMixin, forms.Form):
    """MOD-6: the second moderator agrees with the proposed decision, or not (with a note)."""

    agrees = radios(
        label="Do you agree with the decision?",
        choices=[("yes", "Yes, I agree: it takes effect"), ("no", "No, I do not agree")],
        required_message="Choose whether you agree with the decision",
    )
    note = forms.CharField(
        required=False,
        label="Note",
        help_text="Needed when you do not agree: the first moderator then records the decision again.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReviewPendingForm(GovukFormMixin, forms.Form):
    """MOD-7: the RPA's separate review of a file flagged review pending."""

    outcome = radios(
        label="Your review",
        choices=ReviewOutcome.choices,
        required_message="Choose whether the recommended outcome stands or the file is moderated",
    )
    notes = forms.CharField(
        label="Notes of the review",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the notes of your review"},
    )
