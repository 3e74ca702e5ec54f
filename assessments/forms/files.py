"""Forms of the assessor's file (ASM-4): one form per part of the draft, the candidate's documents, an issue raised
with the candidate (PREP-3) and the feedback to the PoP (PREP-1, PREP-2). They parse input only and hand the part
to assessments.file_services, whose refusals come back by field name (standard_<n>, evidence_<n>, task_<n>,
held_on, with_name, record, outcome, rationale, reassess_standards, upload, kind, task_number, title, message,
quality, comments, harm_details)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from assessments.file_parts import F0_FIELDS, JUDGEMENTS, TASK_NUMBERS, Meeting
from assessments.forms.allocation import AssessorChoiceField
from assessments.models import Assessor, DocumentKind, FileState, Outcome, PreparationQuality
from hnap.files import upload_size_check
from hnap.forms import CHECKBOXES_TEMPLATE, RADIOS_TEMPLATE, GovukCheckboxes, GovukFormMixin, GovukRadios
from hnap.models import HLTAStandard

DATE_HINT = "For example, 2027-03-15"
NOTES_ROWS = 5


def _date_field(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d"),
        help_text=DATE_HINT,
        error_messages={"invalid": "Enter a real date"},
        **kwargs,
    )


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _text(label: str, rows: int = NOTES_ROWS, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, strip=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class FileFilterForm(GovukFormMixin, forms.Form):
    """Filters of the file list: state, moderation cycle (a month) and assessor."""

    state = forms.ChoiceField(choices=[("", "Any state"), *FileState.choices], required=False)
    month = forms.CharField(
        label="Moderation cycle",
        required=False,
        help_text="A month, for example 2027-03",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    assessor = AssessorChoiceField(queryset=Assessor.objects.none(), required=False, empty_label="Any")

    def __init__(self, *args: Any, assessors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors  # type: ignore[attr-defined]

    def clean_month(self) -> date | None:
        text = self.cleaned_data["month"].strip()
        if not text:
            return None
        try:
            return date.fromisoformat(f"{text}-01")
        except ValueError as error:
            raise forms.ValidationError("Enter a month like 2027-03") from error


class _PartFields(forms.Form):
    """Adds the fields a part builds at run time (the standards, the tasks) before GovukFormMixin styles them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_fields()

    def add_fields(self) -> None:
        """Fields that depend on the file (none by default)."""


class PartForm(GovukFormMixin, _PartFields):
    """One part of the draft: every field optional (a draft may be half done), turned into the part's JSON."""

    @classmethod
    def initial_from(cls, data: dict[str, Any]) -> dict[str, Any]:
        """The form's initial values from the part as the draft holds it."""
        return dict(data)

    def to_part(self) -> dict[str, Any]:
        """The part as file_draft_save takes it."""
        raise NotImplementedError


class F0Form(PartForm):
    """F0: the candidate's personal details, prefilled from registration, confirmed by the assessor."""

    full_name = forms.CharField(label=F0_FIELDS["full_name"], required=False)
    date_of_birth = _date_field(F0_FIELDS["date_of_birth"])
    email = forms.CharField(label=F0_FIELDS["email"], required=False, widget=forms.EmailInput)
    school = forms.CharField(label=F0_FIELDS["school"], required=False)
    job_title = forms.CharField(label=F0_FIELDS["job_title"], required=False)
    pop = forms.CharField(label=F0_FIELDS["pop"], required=False)
    assessment_date = _date_field(F0_FIELDS["assessment_date"])
    confirmed = forms.BooleanField(
        label="I have checked these details with the candidate and they are correct", required=False
    )

    def to_part(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **{key: data[key] for key in F0_FIELDS if key not in ("date_of_birth", "assessment_date")},
            "date_of_birth": _iso(data["date_of_birth"]),
            "assessment_date": _iso(data["assessment_date"]),
            "confirmed": data["confirmed"],
        }


class TasksForm(PartForm):
    """F1-F8: the assessor's notes on each of the candidate's response sheets."""

    def __init__(self, *args: Any, sheets: dict[int, str], **kwargs: Any) -> None:
        self.sheets = sheets
        super().__init__(*args, **kwargs)

    def add_fields(self) -> None:
        for n in TASK_NUMBERS:
            sheet = self.sheets.get(n)
            self.fields[f"task_{n}"] = _text(
                f"F{n} Task {n}: your notes",
                help_text=f"Response sheet: {sheet}" if sheet else "No response sheet attached yet",
            )

    @classmethod
    def initial_from(cls, data: dict[str, Any]) -> dict[str, Any]:
        return {f"task_{n}": (entry or {}).get("notes", "") for n, entry in data.items()}

    def to_part(self) -> dict[str, Any]:
        # Only the tasks sent: the service merges them into the draft, so a partial post blanks nothing.
        return {str(n): {"notes": self.cleaned_data[f"task_{n}"]} for n in TASK_NUMBERS if f"task_{n}" in self.data}


class GridForm(PartForm):
    """F9/F10: a judgement (met, insufficient evidence) and an evidence summary for every standard."""

    def __init__(self, *args: Any, standards: list[HLTAStandard], **kwargs: Any) -> None:
        self.standards = standards
        super().__init__(*args, **kwargs)

    def add_fields(self) -> None:
        for standard in self.standards:
            n = standard.number
            self.fields[f"standard_{n}"] = forms.ChoiceField(
                label=f"Standard {n}: judgement",
                choices=list(JUDGEMENTS.items()),
                required=False,
                widget=GovukRadios,
                error_messages={"invalid_choice": f"Standard {n}: choose met or insufficient evidence"},
            )
            self.fields[f"evidence_{n}"] = _text(f"Standard {n}: evidence summary", rows=3)

    @classmethod
    def initial_from(cls, data: dict[str, Any]) -> dict[str, Any]:
        initial = {}
        for n, entry in data.items():
            initial[f"standard_{n}"] = (entry or {}).get("judgement", "")
            initial[f"evidence_{n}"] = (entry or {}).get("evidence", "")
        return initial

    def rows(self) -> list[tuple[HLTAStandard, forms.BoundField, forms.BoundField]]:
        """Each standard with its two fields, for a lean fieldset per standard."""
        return [(s, self[f"standard_{s.number}"], self[f"evidence_{s.number}"]) for s in self.standards]

    def to_part(self) -> dict[str, Any]:
        # Only the standards sent, each field as sent or else as saved: the service merges them into the draft, so a
        # partial post (a page of standards) blanks nothing.
        def value(name: str) -> str:
            return str(self.cleaned_data[name] if name in self.data else self.initial.get(name, ""))

        return {
            str(s.number): {"judgement": value(f"standard_{s.number}"), "evidence": value(f"evidence_{s.number}")}
            for s in self.standards
            if f"standard_{s.number}" in self.data or f"evidence_{s.number}" in self.data
        }


class MeetingForm(PartForm):
    """F11-F14: when the meeting was, with whom, and its record."""

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        self.meeting = meeting
        super().__init__(*args, **kwargs)

    def add_fields(self) -> None:
        self.fields["held_on"] = _date_field("Date of the meeting")
        if self.meeting.with_label:
            self.fields["with_name"] = forms.CharField(label=self.meeting.with_label, required=False)
        self.fields["record"] = _text("Record of the meeting", rows=12)

    def to_part(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"held_on": _iso(data["held_on"]), "with_name": data.get("with_name", ""), "record": data["record"]}


class F15Form(PartForm):
    """F15: the recommended outcome, its rationale, and the standards to reassess (a partial reassessment)."""

    outcome = forms.ChoiceField(
        label="Recommended outcome",
        choices=Outcome.choices,
        required=False,
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
        help_text="Met only if every standard is met in the grid.",
        error_messages={"invalid_choice": "Choose one of the outcomes"},
    )
    rationale = _text("Reasons for the recommended outcome", rows=8)
    reassess_standards = forms.MultipleChoiceField(
        label="Standards to reassess",
        required=False,
        widget=GovukCheckboxes,
        template_name=CHECKBOXES_TEMPLATE,  # type: ignore[call-arg]
        help_text="Only for a partial reassessment: the standards judged to have insufficient evidence.",
        error_messages={"invalid_choice": "Choose standards of the framework"},
    )

    def __init__(self, *args: Any, standards: list[HLTAStandard], **kwargs: Any) -> None:
        self.standards = standards
        super().__init__(*args, **kwargs)

    def add_fields(self) -> None:
        self.fields["reassess_standards"].choices = [  # type: ignore[attr-defined]
            (str(s.number), f"{s.number}. {s.short_title}") for s in self.standards
        ]

    @classmethod
    def initial_from(cls, data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "reassess_standards": [str(n) for n in data.get("reassess_standards") or []]}

    def to_part(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "rationale": data["rationale"],
            "reassess_standards": [int(n) for n in data["reassess_standards"]],
        }


class SubmitForm(GovukFormMixin, forms.Form):
    """Submitting the file asks for nothing more: the page lists what is missing, the service decides."""


class DocumentUploadForm(GovukFormMixin, forms.Form):
    """A response sheet (F1-F8) or documentary evidence, uploaded by the assessor on the candidate's behalf."""

    kind = forms.ChoiceField(
        label="What is the document?",
        choices=DocumentKind.choices,
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
        error_messages={"required": "Choose a response sheet or documentary evidence"},
    )
    task_number = forms.TypedChoiceField(
        label="Task (for a response sheet)",
        choices=[("", "Choose the task"), *((str(n), f"Task {n} (F{n})") for n in TASK_NUMBERS)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    title = forms.CharField(label="What the evidence is (for documentary evidence)", max_length=200, required=False)
    upload = forms.FileField(
        label="Upload a file",
        help_text="A PDF, JPEG or PNG file, smaller than 10 MB",
        error_messages={"required": "Select a file"},
    )

    def clean_upload(self) -> Any:
        upload = self.cleaned_data["upload"]
        upload_size_check(size=upload.size)  # before it is read into memory; the service checks the content itself
        return upload


class DocumentIssueForm(GovukFormMixin, forms.Form):
    """PREP-3: what in the candidate's documents will harm the assessment, and what to do about it."""

    message = forms.CharField(
        label="What does the candidate need to address?",
        help_text="The candidate is emailed this message; their written tasks open again so they can send them again.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Say what the candidate needs to address"},
    )


class PreparationFeedbackForm(GovukFormMixin, forms.Form):
    """PREP-1, PREP-2: how well the candidate was prepared, and whether the preparation harmed the assessment."""

    quality = forms.ChoiceField(
        label="How well was the candidate prepared?",
        choices=PreparationQuality.choices,
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
        error_messages={"required": "Choose how well the candidate was prepared"},
    )
    comments = forms.CharField(
        label="Your feedback to the provider of preparation",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write your feedback to the provider of preparation"},
    )
    harmed = forms.TypedChoiceField(
        label="Did the preparation harm the assessment?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda value: value == "yes",
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
        error_messages={"required": "Say whether the preparation harmed the assessment"},
    )
    # Always shown rather than revealed by the answer: GOV.UK's conditional reveal sets aria-expanded on a radio,
    # which axe refuses.
    harm_details = forms.CharField(
        label="How did the preparation harm the assessment?",
        help_text="Only if it did: the RPA tells the candidate and reports it to the provider of preparation.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
