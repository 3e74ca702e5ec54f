"""Forms of the RPA's and the candidate's side of assessment files: scrutiny (SCR-1, SCR-3), the candidate's written
tasks (ASM-2, PREP-3), passing preparation feedback on (PREP-1, PREP-2). They parse input only; the services in
assessments.file_services check the rules and their ValidationErrors come back on these forms by field name."""

from __future__ import annotations

from typing import Any

from django import forms

from assessments.models import DocumentKind, ScrutinyDecisionKind
from hnap.files import upload_size_check
from hnap.forms import RADIOS_TEMPLATE, GovukFormMixin, GovukRadios, radios


class ScrutinyForm(GovukFormMixin, forms.Form):
    """SCR-1, SCR-3: accept the file for moderation or return it with reasons; either may flag it."""

    decision = radios(
        label="Your decision",
        choices=ScrutinyDecisionKind.choices,
        required_message="Choose to accept the file or to return it for revision",
    )
    reasons = forms.CharField(
        required=False,
        label="Reasons for returning the file",
        help_text="Needed to return it: what the records lack (detail, clarity). The assessor revises them from the "
        "candidate's task sheets and the notes taken at the time, without seeking new evidence.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    flag_difficult = forms.BooleanField(required=False, label="Flag the file as difficult to resolve (SCR-3)")
    flag_principle = forms.BooleanField(required=False, label="Flag the file as raising an issue of principle (SCR-3)")
    flag_note = forms.CharField(
        required=False,
        label="Why you flag it",
        help_text="Needed with either flag. A flagged file is always moderated.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TaskUploadForm(GovukFormMixin, forms.Form):
    """ASM-2: one document for the assessor: a task's response sheet (F1-F8) or documentary evidence."""

    kind = forms.ChoiceField(
        label="What are you uploading?",
        choices=DocumentKind.choices,
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
        error_messages={"required": "Choose a response sheet or documentary evidence"},
    )
    task_number = forms.TypedChoiceField(
        required=False,
        label="Task (for a response sheet)",
        choices=[("", "Choose the task"), *[(str(n), f"Task {n} (F{n})") for n in range(1, 9)]],
        coerce=int,
        empty_value=None,
    )
    title = forms.CharField(
        required=False,
        max_length=200,
        label="What the evidence is (for documentary evidence)",
        help_text="For example, 'Lesson plans and pupils' work'",
    )
    upload = forms.FileField(
        label="File",
        help_text="A PDF, JPEG or PNG file, smaller than 10 MB",
        error_messages={"required": "Choose a file to upload", "empty": "The selected file is empty"},
    )

    def clean_upload(self) -> Any:
        upload = self.cleaned_data["upload"]
        upload_size_check(size=upload.size)  # before it is read into memory; the service checks the content itself
        return upload


class ConfirmForm(GovukFormMixin, forms.Form):
    """A button that acts (send the tasks, remove a document): nothing to fill in, refusals shown above the page."""


class PassOnForm(GovukFormMixin, forms.Form):
    """PREP-1, PREP-2: the RPA's covering note to the provider of preparation."""

    rpa_note = forms.CharField(
        required=False,
        label="Covering note to the provider of preparation (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FeedbackFilterForm(GovukFormMixin, forms.Form):
    """Filters of the preparation feedback list."""

    status = forms.ChoiceField(
        required=False,
        label="Show",
        choices=[("", "All feedback"), ("pending", "To pass on"), ("passed", "Passed on")],
    )
