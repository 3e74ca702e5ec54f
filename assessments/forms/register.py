"""Forms of the assessor register and quality management. They parse input only; assessments.services checks the
rules (its ValidationErrors come back on these forms by field name)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.html import format_html

from assessments.models import (
    COMPETENCY_CRITERIA,
    AssessorStatus,
    QualityActionKind,
    Rating,
    TrainingTopic,
)
from hnap.forms import CHECKBOXES_TEMPLATE, RADIOS_TEMPLATE, GovukCheckboxes, GovukFormMixin, GovukRadios, radios
from hnap.models import RPA, PreparationProvider, School

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A select of people by name and email address."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class AssessorFilterForm(GovukFormMixin, forms.Form):
    """Filters of the register."""

    status = forms.ChoiceField(choices=[("", "Any status"), *AssessorStatus.choices], required=False)
    senior = forms.TypedChoiceField(
        label="Senior assessor", choices=[("", "Any"), *YES_NO], coerce=_yes_no, empty_value=None, required=False
    )
    trained = forms.TypedChoiceField(
        label="Initial training",
        choices=[("", "Any"), ("yes", "Complete"), ("no", "Not complete")],
        coerce=_yes_no,
        empty_value=None,
        required=False,
    )
    q = forms.CharField(required=False, max_length=100, label="Name or email")


class AssessorCreateForm(GovukFormMixin, forms.Form):
    """A person to put on the RPA's register: found by email address, or given an account."""

    email = forms.EmailField(
        label="Email address",
        help_text="If they have no account yet, one is made without a password: they choose one through "
        "'Forgotten your password?' on the sign-in page, which sends a link to this address.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter the assessor's email address."},
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        help_text="Used for a new account; an existing account keeps its name.",
        error_messages={"required": "Enter the assessor's full name."},
    )
    is_senior = forms.BooleanField(
        label="Name them a senior assessor of the RPA (ASR-4)",
        required=False,
        help_text="Senior assessors quality-assure first solo assessments, review assessors and lead investigations.",
    )


class SeniorForm(GovukFormMixin, forms.Form):
    """ASR-4: whether the assessor is a named senior assessor of the RPA."""

    is_senior = forms.TypedChoiceField(
        label="Is this assessor a senior assessor of the RPA?",
        choices=[("yes", "Yes, a named senior assessor"), ("no", "No")],
        coerce=_yes_no,
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
        error_messages={"required": "Choose yes or no."},
    )


class WillingForm(GovukFormMixin, forms.Form):
    """ASR-5: the other RPAs of the Partnership the assessor will assess for."""

    rpas = forms.ModelMultipleChoiceField(
        queryset=RPA.objects.none(),
        required=False,
        label="RPAs this assessor will also assess for",
        help_text="Only RPAs of the Partnership. Leave all unticked to assess only for their own RPA.",
        widget=GovukCheckboxes,
        template_name=CHECKBOXES_TEMPLATE,  # type: ignore[call-arg]
    )

    def __init__(self, *args: Any, rpas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rpas"].queryset = rpas  # type: ignore[attr-defined]


class TrainingForm(GovukFormMixin, forms.Form):
    """ASR-1: one topic of initial training completed."""

    topic = radios(
        label="Which topic was completed?", choices=TrainingTopic.choices, required_message="Choose a topic."
    )
    completed_on = forms.DateField(
        label="Date completed",
        widget=forms.DateInput,
        help_text="For example, 2025-03-14.",
        error_messages={"required": "Enter the date the topic was completed.", "invalid": "Enter a real date."},
    )
    trainer = forms.CharField(label="Trainer (optional)", max_length=200, required=False)


class FirstSoloQAForm(GovukFormMixin, forms.Form):
    """ASR-2: the senior assessor's quality assurance of a first solo assessment."""

    note = forms.CharField(
        label="Outcome of the quality assurance",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you checked and what you found. The assessment is still scrutinised at moderation.",
        error_messages={"required": "Record the outcome of the quality assurance."},
    )


class ReviewForm(GovukFormMixin, forms.Form):
    """ASR-7: a rating on each of the six competency criteria and the summary written feedback."""

    feedback = forms.CharField(
        label="Summary written feedback",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The assessor is told of the review and reads this feedback on their register entry.",
        error_messages={"required": "Write the summary feedback the assessor will receive."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        criteria = {
            name: radios(label=label, choices=Rating.choices, required_message=f"Choose a rating for {label.lower()}.")
            for name, label in COMPETENCY_CRITERIA.items()
        }
        # The criteria first, then the feedback that sums them up.
        self.fields = {**criteria, "feedback": self.fields["feedback"]}


class QualityActionForm(GovukFormMixin, forms.Form):
    """ASR-8: what the RPA does about a quality issue, why, who owns it and by when."""

    kind = radios(label="What action?", choices=QualityActionKind.choices, required_message="Choose an action.")
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say why the action is taken."},
    )
    owner = PersonChoiceField(
        queryset=None,
        required=False,
        label="Owner (optional)",
        empty_label="You",
        help_text="An administrator or senior assessor of the RPA who sees the action through.",
    )
    due_on = forms.DateField(
        label="Due by (optional)",
        required=False,
        widget=forms.DateInput,
        help_text="For example, 2025-06-30.",
        error_messages={"invalid": "Enter a real date."},
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class QualityActionCloseForm(GovukFormMixin, forms.Form):
    """ASR-8: the outcome of a quality action; closing a suspension may reinstate the assessor."""

    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Record the outcome."},
    )
    reinstate = forms.BooleanField(
        label="Reinstate the assessor: they can be allocated again",
        required=False,
        help_text="Leave unticked to keep them suspended (for example, while a removal is considered).",
    )

    def __init__(self, *args: Any, suspension: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not suspension:
            del self.fields["reinstate"]


class CPDForm(GovukFormMixin, forms.Form):
    """ASR-3: continuing professional development mapped to the codes of the assessor standard ST1380."""

    done_on = forms.DateField(
        label="Date",
        widget=forms.DateInput,
        help_text="For example, 2025-03-14.",
        error_messages={"required": "Enter the date of the CPD.", "invalid": "Enter a real date."},
    )
    title = forms.CharField(
        label="What was it?", max_length=200, error_messages={"required": "Enter what the CPD was."}
    )
    hours = forms.DecimalField(
        label="Hours",
        max_digits=5,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        help_text="For example, 2.5.",
        error_messages={"required": "Enter the hours spent.", "invalid": "Enter the hours as a number, like 2.5."},
    )
    ksbs = forms.CharField(
        label="ST1380 knowledge, skills and behaviours (optional)",
        required=False,
        max_length=200,
        help_text="Codes separated by commas, for example K4, S4, B2. The codes are listed below the form.",
    )
    reflection = forms.CharField(
        label="Reflection (optional)", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def clean_ksbs(self) -> list[str]:
        """The codes as a list; the service says which are not codes of the standard."""
        return [code for code in re.split(r"[\s,;]+", self.cleaned_data["ksbs"]) if code]


class ConflictForm(GovukFormMixin, forms.Form):
    """ASR-9: a declared connection with a school (by URN) or a Provider of Preparation."""

    school_urn = forms.IntegerField(
        label="School URN",
        required=False,
        min_value=1,
        help_text=format_html(
            "For a school: its 6-digit unique reference number, from "
            '<a class="govuk-link" href="{}" rel="noreferrer noopener" target="_blank">Get information about '
            "schools (opens in new tab)</a>.",
            "https://get-information-schools.service.gov.uk/",
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}),
        error_messages={"invalid": "Enter the URN as a number, like 100000.", "min_value": "Enter a real URN."},
    )
    pop = forms.ModelChoiceField(
        queryset=PreparationProvider.objects.none(),
        required=False,
        label="Or a Provider of Preparation",
        empty_label="None",
        help_text="The PoPs that prepare candidates for this RPA.",
    )
    reason = forms.CharField(
        label="What is the connection?",
        max_length=250,
        help_text="For example, worked there until 2023; a relative is the headteacher.",
        error_messages={"required": "Say what the connection is."},
    )

    def __init__(self, *args: Any, pops: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pop"].queryset = pops  # type: ignore[attr-defined]

    def clean_school_urn(self) -> School | None:
        """The school with that URN (the field keeps its name so the page shows the URN typed)."""
        urn = self.cleaned_data["school_urn"]
        if urn is None:
            return None
        school = School.objects.filter(urn=urn).first()
        if school is None:
            raise forms.ValidationError(f"No school has the URN {urn}.")
        return school


class UnavailabilityForm(GovukFormMixin, forms.Form):
    """A week the assessor cannot assess, given by any day in it."""

    day = forms.DateField(
        label="A day in the week",
        widget=forms.DateInput,
        help_text="Any day: the whole week, Monday to Sunday, is marked. For example, 2025-07-16.",
        error_messages={"required": "Enter a day in the week.", "invalid": "Enter a real date."},
    )
    reason = forms.CharField(label="Reason (optional)", max_length=200, required=False)
