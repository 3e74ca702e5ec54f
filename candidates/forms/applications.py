"""Forms of the application side: applications, changes, the employer declaration, Level 2 evidence, cohort
imports, courses and the accepted Level 2 list. They parse input only; candidates.services checks the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from candidates.models import (
    Candidate,
    ChangeKind,
    FundingSource,
    Level2Qualification,
    PreparationCourse,
    Subject,
)
from hnap.files import CheckedUpload, upload_check, upload_size_check
from hnap.forms import GovukFormMixin, radios
from hnap.models import RPA, PreparationProvider, School

IMPORT_MAX_BYTES = 1024 * 1024
GIAS_URL = "https://get-information-schools.service.gov.uk/"


class FormErrorsMixin:
    """Errors in plain words: a missing value is named after its field ("Enter the job title."), and a service's
    ValidationError shows on the form, a dict on its fields (renamed where the service's names differ from the
    form's), anything else at the top of the error summary."""

    # service field name -> form field name
    service_field_names: dict[str, str] = {}
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.error_messages.get("required") != forms.Field.default_error_messages["required"]:
                continue
            label = str(field.label or "a value")
            label = label[0].lower() + label[1:]
            the = "" if label.startswith(("your ", "their ", "the ", "a ")) else "the "
            if isinstance(field, forms.FileField):
                field.error_messages["required"] = "Select a file."
            elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
                field.error_messages["required"] = f"Choose {the}{label}."
            else:
                field.error_messages["required"] = f"Enter {the}{label}."

    def add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)  # type: ignore[attr-defined]
            return
        for name, errors in error.error_dict.items():
            name = self.service_field_names.get(name, name)
            self.add_error(name if name in self.fields else None, errors)  # type: ignore[attr-defined]


class CourseChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A select of courses that says when each starts and which RPA it registers with."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}, from {obj.first_session:%d %b %Y} (registers with {obj.rpa.name})"


# --- applications ----------------------------------------------------------------------------------


class ApplicationForm(FormErrorsMixin, GovukFormMixin, forms.Form):
    """A candidate's application details, as the PoP enters them (the same names as the API's body)."""

    service_field_names = {"school": "school_urn"}
    # Drawn in their own fieldset (REG-8); only a new application asks for them.
    DISCLOSURE_FIELDS: tuple[str, ...] = ()

    first_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    last_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(
        label="Email address",
        help_text="The candidate's own email address: the RPA writes to the candidate here.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(label="Phone number (optional)", max_length=40, required=False)
    date_of_birth = forms.DateField(
        label="Date of birth (optional)", required=False, widget=forms.DateInput, help_text="For example, 1985-04-12."
    )
    school_urn = forms.IntegerField(
        label="School URN",
        min_value=1,
        help_text=format_html(
            "The school's unique reference number: 6 digits, shown on the school's page on "
            '<a class="govuk-link" href="{}" rel="noreferrer noopener" target="_blank">Get information about '
            "schools (opens in new tab)</a>. The school's area decides which RPA assesses the candidate.",
            GIAS_URL,
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}),
    )
    job_title = forms.CharField(label="Job title", max_length=150, help_text="The candidate's role in the school.")
    age_range_from = forms.IntegerField(
        label="Youngest age of the children worked with",
        min_value=0,
        max_value=25,
        help_text="In years. HLTA status is for work with children and young people aged 3 to 19.",
    )
    age_range_to = forms.IntegerField(label="Oldest age of the children worked with", min_value=0, max_value=25)
    funding_source = radios(
        label="Who funds the assessment?",
        choices=FundingSource.choices,
        required_message="Select who funds the assessment.",
    )
    funder_name = forms.CharField(
        label="Name of the funding organisation (if not the school)", max_length=200, required=False
    )
    course = CourseChoiceField(
        label="Preparation course",
        queryset=PreparationCourse.objects.none(),
        empty_label="Choose a course",
        help_text="The course must register candidates with the RPA that covers the school's area.",
    )
    nursery_exception_reason = forms.CharField(
        label="School-run nursery exception (only if the candidate works with 2-year-olds)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only for a school-run nursery with 2-year-old provision: say why this setting is suitable. "
        "The RPA decides whether to approve the exception (REG-1).",
    )

    def __init__(
        self,
        *args: Any,
        courses: Any = None,
        instance: Candidate | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None:
            kwargs["initial"] = {
                **{name: getattr(instance, name) for name in self.declared_fields if hasattr(instance, name)},
                "school_urn": instance.school.urn,
                "course": instance.course_id,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses if courses is not None else PreparationCourse.objects.none()  # type: ignore[attr-defined]

    def clean_school_urn(self) -> int:
        urn = self.cleaned_data["school_urn"]
        school = School.objects.select_related("rpa").filter(urn=urn).first()
        if school is None:
            raise ValidationError(f"No school has URN {urn}. Check the number on Get information about schools.")
        self.cleaned_data["school"] = school
        return urn

    def application_values(self) -> dict[str, Any]:
        """The cleaned values as the services take them (the school instead of its URN)."""
        values = {name: value for name, value in self.cleaned_data.items() if name != "school_urn"}
        for name in ("phone", "funder_name", "nursery_exception_reason"):
            values[name] = values.get(name) or ""
        return values


class ApplicationCreateForm(ApplicationForm):
    """A new application: the details plus a disability disclosure that is invited, never required (REG-8)."""

    disability_disclosure = forms.CharField(
        label="Disability or health condition (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything the candidate chooses to tell the RPA so the assessment can be adjusted.",
    )
    adjustments_requested = forms.CharField(
        label="Adjustments the candidate would like (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    DISCLOSURE_FIELDS = ("disability_disclosure", "adjustments_requested")


class ConfirmForm(FormErrorsMixin, GovukFormMixin, forms.Form):
    """No fields: the button confirms an action, and a refusal shows in the error summary."""


# --- changes (REG-7) -------------------------------------------------------------------------------


class ChangeReportForm(FormErrorsMixin, GovukFormMixin, forms.Form):
    """A PoP's report of a mistake, a change or anomalous circumstances."""

    kind = radios(
        label="What are you reporting?", choices=ChangeKind.choices, required_message="Select what you are reporting."
    )
    description = forms.CharField(
        label="Describe it",
        error_messages={"required": "Describe the mistake, change or circumstances."},
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Say what is wrong or has changed and what it should be. The RPA sees this and resolves it.",
    )


# --- employer declaration (REG-3, REG-5) -------------------------------------------------------------


class DeclarationRequestForm(FormErrorsMixin, GovukFormMixin, forms.Form):
    """Who receives the single-use declaration link."""

    sent_to_name = forms.CharField(label="Headteacher or senior leader's full name", max_length=200)
    sent_to_email = forms.EmailField(
        label="Their email address",
        help_text="A work address at the school. The link works once and expires.",
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )


class DeclarationForm(FormErrorsMixin, GovukFormMixin, forms.Form):
    """The headteacher's or senior leader's declaration of support."""

    declarer_name = forms.CharField(label="Your full name", max_length=200)
    declarer_role = forms.CharField(
        label="Your role", max_length=150, help_text="For example, Headteacher or Deputy headteacher."
    )
    suitable = forms.BooleanField(label="I confirm the applicant is suitable for HLTA assessment")
    whole_class_twice = forms.BooleanField(
        label="I confirm the applicant has taught a whole class with no teacher present on at least two occasions"
    )
    level2_evidence_seen = forms.BooleanField(
        label="I have seen the applicant's Level 2 English and mathematics evidence"
    )
    opportunities_all_standards = forms.BooleanField(
        label="The applicant's work gives them opportunities to meet all the HLTA standards"
    )

    STATEMENTS = ("suitable", "whole_class_twice", "level2_evidence_seen", "opportunities_all_standards")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.STATEMENTS:
            self.fields[name].error_messages["required"] = (
                "You can only support the application if you can confirm this."
            )


# --- Standard 11: Level 2 evidence -------------------------------------------------------------------


def qualification_choices() -> list[Any]:
    """The active accepted qualifications grouped by subject, for a select with one group per subject."""
    groups: dict[str, list[tuple[int, str]]] = {value: [] for value in Subject.values}
    for row in Level2Qualification.objects.filter(active=True):
        # A name listed at two levels already carries its level.
        label = row.name if f"({row.minimum})" in row.name else f"{row.name} ({row.minimum})"
        groups[row.subject].append((row.pk, label))
    return [("", "Choose a qualification")] + [(label, groups[value]) for value, label in Subject.choices]


class EvidenceForm(FormErrorsMixin, GovukFormMixin, forms.Form):
    """A copy of a Level 2 certificate with the PoP's signed verification (S11-1, S11-5)."""

    subject = radios(
        label="Which subject is this evidence for?",
        choices=Subject.choices,
        required_message="Select English or maths.",
    )
    qualification = forms.TypedChoiceField(
        label="Qualification",
        coerce=int,
        help_text="From the Partnership's list of accepted Level 2 qualifications. Anything else: choose 'Other "
        "qualification accepted by the RPA' and name it below.",
    )
    other_qualification_name = forms.CharField(
        label="Name of the other qualification and who awarded it",
        max_length=200,
        required=False,
        help_text="Only for an 'Other qualification': the RPA decides whether it is accepted.",
    )
    grade = forms.CharField(label="Grade or level achieved", max_length=60)
    achieved_on = forms.DateField(label="Date achieved", widget=forms.DateInput, help_text="For example, 2004-08-26.")
    verified_by_name = forms.CharField(
        label="Name of the person who saw the original", max_length=200, help_text="Usually the course tutor."
    )
    original_seen_on = forms.DateField(label="Date the original was seen", widget=forms.DateInput)
    copy_is_exact = forms.BooleanField(
        label="I saw the original and this copy is an exact replica",
        error_messages={"required": "Confirm that you saw the original and the copy is an exact replica of it."},
    )
    file = forms.FileField(
        label="Copy of the certificate",
        help_text="A PDF, JPEG or PNG, up to 10 MB. It is stored encrypted and only your PoP and the RPA can see it.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["qualification"].choices = qualification_choices()  # type: ignore[attr-defined]

    def clean_qualification(self) -> Level2Qualification:
        row = Level2Qualification.objects.filter(pk=self.cleaned_data["qualification"], active=True).first()
        if row is None:
            raise ValidationError("Choose a qualification from the accepted list.")
        return row

    def clean_file(self) -> CheckedUpload:
        upload = self.cleaned_data["file"]
        upload_size_check(size=upload.size)  # before it is read into memory
        return upload_check(name=upload.name, content=upload.read())


# --- bulk: a cohort from a CSV -----------------------------------------------------------------------


class CohortImportForm(FormErrorsMixin, GovukFormMixin, forms.Form):
    """A cohort CSV for one of the PoP's courses."""

    course = CourseChoiceField(
        label="Preparation course", queryset=PreparationCourse.objects.none(), empty_label="Choose a course"
    )
    file = forms.FileField(
        label="CSV file",
        help_text="A CSV file saved as UTF-8 (in Excel: 'CSV UTF-8'), up to 1 MB and 500 candidates.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, courses: Any = None, instance: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses if courses is not None else PreparationCourse.objects.none()  # type: ignore[attr-defined]

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV file (its name ends in .csv).")
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError("The selected file must be smaller than 1 MB.")
        try:
            return upload.read().decode("utf-8-sig")  # type: ignore[no-any-return]
        except UnicodeDecodeError as error:
            raise ValidationError(
                "The selected file must be saved as UTF-8. In Excel, save it as 'CSV UTF-8 (comma delimited)'."
            ) from error


# --- courses -----------------------------------------------------------------------------------------


class CourseForm(FormErrorsMixin, GovukFormMixin, forms.Form):
    """A preparation course's name and session dates."""

    name = forms.CharField(label="Course name", max_length=200)
    first_session = forms.DateField(
        label="First session",
        widget=forms.DateInput,
        help_text="For example, 2027-01-14. Level 2 originals are checked at this session (S11-1).",
    )
    second_session = forms.DateField(
        label="Second session",
        widget=forms.DateInput,
        help_text="Candidates are expected to be registered by the end of this session (REG-6).",
    )
    final_session = forms.DateField(
        label="Final session",
        widget=forms.DateInput,
        help_text="Level 2 copies must reach the RPA well before this session.",
    )

    def __init__(self, *args: Any, instance: PreparationCourse | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs["initial"] = {
                **{name: getattr(instance, name) for name in self.declared_fields},
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)


class CourseCreateForm(CourseForm):
    """A new course, registering candidates with one of the PoP's RPAs."""

    service_field_names = {"rpa": "registers_with"}
    field_order = ["name", "registers_with"]

    registers_with = forms.ChoiceField(
        label="RPA the course registers candidates with",
        help_text="Candidates on the course must work at schools in this RPA's area.",
        error_messages={"required": "Select the RPA the course registers candidates with."},
    )

    def __init__(self, *args: Any, pop: PreparationProvider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rpas = {rpa.slug: rpa for rpa in pop.rpas.order_by("name")}
        choices = [("", "Choose an RPA")] + [(slug, rpa.name) for slug, rpa in self.rpas.items()]
        cast(forms.ChoiceField, self.fields["registers_with"]).choices = choices

    def clean_registers_with(self) -> RPA:
        return self.rpas[self.cleaned_data["registers_with"]]


# --- the accepted Level 2 list (S11-5) ---------------------------------------------------------------


class QualificationForm(FormErrorsMixin, GovukFormMixin, forms.Form):
    """An accepted Level 2 qualification, as the Partnership maintains it."""

    subject = radios(label="Subject", choices=Subject.choices, required_message="Select the subject.")
    name = forms.CharField(label="Qualification", max_length=200)
    minimum = forms.CharField(
        label="Lowest grade or level accepted", max_length=120, help_text="For example, grade C or 4."
    )
    needs_rpa_decision = forms.BooleanField(
        label="Accepted only with the RPA's recorded decision (an 'other' qualification)", required=False
    )
    active = forms.BooleanField(
        label="Offered to PoPs", required=False, initial=True, help_text="Untick to retire it; its history is kept."
    )

    def __init__(self, *args: Any, instance: Level2Qualification | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs["initial"] = {
                **{name: getattr(instance, name) for name in self.declared_fields},
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
