"""Serializers of the assessment file API: the file F0-F15 (ASM-4), its versions (ASM-5), the candidate's task
documents (ASM-2), scrutiny (SCR-1, SCR-3), preparation feedback (PREP-1, PREP-2) and results (MOD-12, PAY-1).
Request bodies are parsed here and the rules are checked by assessments.file_services.

As in assessments.api.serializers, nested records carry no `"id"`: a related record is named by its pk under the
field name of its relation (`candidate`, `assessor`, `file`) and by its `url` where it has an endpoint.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.file_parts import PARTS
from assessments.file_selectors import file_what_is_missing, version_diff
from assessments.models import (
    AssessmentFile,
    DocumentIssue,
    DocumentKind,
    FileState,
    FileVersion,
    PreparationFeedback,
    PreparationQuality,
    Result,
    ScrutinyDecision,
    ScrutinyDecisionKind,
    TaskDocument,
)
from hnap.files import MAX_UPLOAD_BYTES

PART_KEYS = ", ".join(PARTS)


def file_url(file_id: int) -> str:
    return reverse("api-assessment-file-detail", args=[file_id])


def task_document_url(document_id: int) -> str:
    return reverse("api-task-document-detail", args=[document_id])


# --- the file ------------------------------------------------------------------------------------------


class FileFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The file list's filters, as query parameters."""

    state = serializers.ChoiceField(choices=FileState.choices, required=False)
    month = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        help_text="The moderation cycle, as YYYY-MM (the month of the first submission).",
        error_messages={"invalid": "Enter a month as YYYY-MM, for example 2025-03."},
    )
    assessor = serializers.IntegerField(required=False, help_text="An assessor's id.")

    def validate_month(self, value: str) -> date:
        year, month = value.split("-")
        if int(year) < 1:  # the pattern allows 0000, which no date has
            raise serializers.ValidationError("Enter a month as YYYY-MM, for example 2025-03.")
        return date(int(year), int(month), 1)


class FileRefFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A list of what hangs off files, narrowed to one file."""

    file = serializers.IntegerField(required=False, help_text="An assessment file's id.")


class AssessmentFileListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A file as the list shows it: whose, where it stands, and whether it can be moderated (SCR-1)."""

    url = serializers.SerializerMethodField()
    candidate_name = serializers.CharField(source="candidate.full_name", read_only=True)
    assessor_name = serializers.CharField(source="assessor.user.full_name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    moderatable = serializers.BooleanField(
        read_only=True, help_text="SCR-1: submitted and not returned, or accepted since it was returned."
    )

    class Meta:
        model = AssessmentFile
        fields = [
            "id",
            "url",
            "assessment",
            "candidate",
            "candidate_name",
            "assessor",
            "assessor_name",
            "state",
            "state_label",
            "version_count",
            "recommended_outcome",
            "cycle_month",
            "resubmitted",
            "was_returned",
            "flagged_difficult",
            "flagged_principle",
            "tasks_sent_at",
            "tasks_on_time",
            "moderatable",
            "draft_saved_at",
        ]
        read_only_fields = fields

    def get_url(self, file: AssessmentFile) -> str:
        return file_url(file.pk)


class AssessmentFileDetailSerializer(AssessmentFileListSerializer):
    """A file with its draft, part by part (see assessments.file_parts), and what it still lacks before it can be
    submitted (ASM-4)."""

    draft = serializers.JSONField(
        read_only=True, help_text=f"The draft as saved, one key per part ({PART_KEYS}); any part may be missing."
    )
    missing = serializers.SerializerMethodField(
        help_text="ASM-4: what the draft lacks, by part; empty when the file can be submitted."
    )

    class Meta(AssessmentFileListSerializer.Meta):
        fields = [*AssessmentFileListSerializer.Meta.fields, "draft", "missing"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=serializers.ListField(child=serializers.CharField())))
    def get_missing(self, file: AssessmentFile) -> Any:
        return file_what_is_missing(file=file)


class DraftSaveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One part of the draft as it stands, complete or not: only malformed data is refused. The grid, the tasks
    and F0 are merged into what is saved (a page of standards at a time); the other parts are replaced."""

    part = serializers.ChoiceField(choices=list(PARTS.items()))
    data = serializers.DictField(  # type: ignore[assignment]  # a field, taken off the class by DRF's metaclass
        help_text='The part\'s fields, e.g. for "grid" {"4": {"judgement": "met", "evidence": "..."}}.'
    )


class ScrutinySerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The scrutineer's decision on the submitted version (SCR-1, SCR-3)."""

    decision = serializers.ChoiceField(choices=ScrutinyDecisionKind.choices)
    reasons = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed to return the file: what the records lack (detail, clarity).",
    )
    flag_difficult = serializers.BooleanField(required=False, default=False, help_text="Difficult to resolve.")
    flag_principle = serializers.BooleanField(required=False, default=False, help_text="Raises an issue of principle.")
    flag_note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed with a flag: why (SCR-3)."
    )


class ScrutinyDecisionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A scrutiny decision on one version, and where the file stands after it."""

    version_number = serializers.IntegerField(source="version.number", read_only=True)
    decision_label = serializers.CharField(source="get_decision_display", read_only=True)
    decided_by_name = serializers.CharField(source="decided_by.full_name", read_only=True, allow_null=True)
    file_state = serializers.ChoiceField(source="file.state", choices=FileState.choices, read_only=True)

    class Meta:
        model = ScrutinyDecision
        fields = [
            "file",
            "version_number",
            "decision",
            "decision_label",
            "reasons",
            "flag_difficult",
            "flag_principle",
            "flag_note",
            "decided_by_name",
            "decided_at",
            "file_state",
        ]
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A response sheet (F1-F8, replacing an earlier one for that task) or documentary evidence, as multipart form
    data."""

    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    task_number = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="1 to 8, for a response sheet."
    )
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="What the evidence is."
    )
    upload = serializers.FileField(
        help_text=f"A PDF, JPEG or PNG of at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB, checked by its content."
    )


class DocumentIssueCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    message = serializers.CharField(help_text="PREP-3: what in the documents will harm the assessment.")


class DocumentIssueSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """An issue sent back to the candidate before the assessment (PREP-3)."""

    raised_by_name = serializers.CharField(source="raised_by.full_name", read_only=True, allow_null=True)

    class Meta:
        model = DocumentIssue
        fields = ["file", "message", "raised_by_name", "raised_at"]
        read_only_fields = fields


class PreparationFeedbackCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The assessor's feedback to the PoP (PREP-1) and whether preparation harmed the assessment (PREP-2)."""

    quality = serializers.ChoiceField(choices=PreparationQuality.choices)
    comments = serializers.CharField()
    harmed = serializers.BooleanField(required=False, default=False)
    harm_details = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed when preparation harmed the assessment."
    )


# --- versions ------------------------------------------------------------------------------------------


class VersionDocumentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A task document as it was when the version was submitted."""

    task_document = serializers.IntegerField(help_text="The task document's id.")
    url = serializers.CharField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    task_number = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    sha256 = serializers.CharField()


class ChangeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One change from the previous version (ASM-5)."""

    part = serializers.CharField()
    field = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class FileVersionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A submitted version, kept unchanged (ASM-5): its content, the documents it named and its outcome."""

    url = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()
    candidate_name = serializers.CharField(source="file.candidate.full_name", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    submitted_by_name = serializers.CharField(source="submitted_by.full_name", read_only=True, allow_null=True)
    content = serializers.JSONField(read_only=True, help_text=f"The file's parts as submitted ({PART_KEYS}).")
    documents = serializers.SerializerMethodField()

    class Meta:
        model = FileVersion
        fields = [
            "id",
            "url",
            "number",
            "file",
            "file_url",
            "candidate_name",
            "outcome",
            "outcome_label",
            "submitted_at",
            "submitted_by_name",
            "content",
            "documents",
        ]
        read_only_fields = fields

    def get_url(self, version: FileVersion) -> str:
        return reverse("api-file-version-detail", args=[version.pk])

    def get_file_url(self, version: FileVersion) -> str:
        return file_url(version.file_id)

    @extend_schema_field(VersionDocumentSerializer(many=True))
    def get_documents(self, version: FileVersion) -> Any:
        # Stored with the document's "id": named here by the relation, like every nested record.
        return [
            {
                "task_document": doc["id"],
                "url": task_document_url(doc["id"]),
                "kind": doc["kind"],
                "task_number": doc["task_number"],
                "name": doc["name"],
                "sha256": doc["sha256"],
            }
            for doc in version.documents
        ]


class FileVersionDetailSerializer(FileVersionSerializer):
    """A version with what changed from the previous one (ASM-5; empty for the first)."""

    diff = serializers.SerializerMethodField()

    class Meta(FileVersionSerializer.Meta):
        fields = [*FileVersionSerializer.Meta.fields, "diff"]
        read_only_fields = fields

    @extend_schema_field(ChangeSerializer(many=True))
    def get_diff(self, version: FileVersion) -> Any:
        return [
            {"part": part, "field": field, "before": before, "after": after}
            for part, field, before, after in version_diff(version=version)
        ]


# --- task documents ----------------------------------------------------------------------------------


class TaskDocumentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A task document's metadata (never its bytes), with links to its file and its download."""

    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = TaskDocument
        fields = [
            "id",
            "url",
            "download_url",
            "file",
            "kind",
            "kind_label",
            "task_number",
            "title",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "replaced_at",
        ]
        read_only_fields = fields

    def get_url(self, document: TaskDocument) -> str:
        return task_document_url(document.pk)

    def get_download_url(self, document: TaskDocument) -> str:
        return reverse("api-task-document-download", args=[document.pk])


# --- preparation feedback ------------------------------------------------------------------------------


class PreparationFeedbackSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """The assessor's feedback on the candidate's preparation (PREP-1, PREP-2) and whether the RPA passed it on."""

    url = serializers.SerializerMethodField()
    candidate_name = serializers.CharField(source="file.candidate.full_name", read_only=True)
    quality_label = serializers.CharField(source="get_quality_display", read_only=True)

    class Meta:
        model = PreparationFeedback
        fields = [
            "id",
            "url",
            "file",
            "candidate_name",
            "quality",
            "quality_label",
            "comments",
            "harmed",
            "harm_details",
            "recorded_at",
            "passed_on_at",
            "rpa_note",
            "candidate_told_at",
        ]
        read_only_fields = fields

    def get_url(self, feedback: PreparationFeedback) -> str:
        return reverse("api-preparation-feedback-detail", args=[feedback.pk])


class PassOnSerializer(serializers.Serializer):  # type: ignore[type-arg]
    rpa_note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The RPA's covering note to the PoP."
    )


# --- results -------------------------------------------------------------------------------------------


class ResultSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A confirmed outcome (MOD-12) and when it was released (PAY-1: only once paid). A candidate sees only their
    released results."""

    url = serializers.SerializerMethodField()
    candidate_name = serializers.CharField(source="candidate.full_name", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = Result
        fields = [
            "id",
            "url",
            "file",
            "candidate",
            "candidate_name",
            "outcome",
            "outcome_label",
            "reassess_standards",
            "confirmed_via",
            "confirmed_at",
            "released_at",
        ]
        read_only_fields = fields

    def get_url(self, result: Result) -> str:
        return reverse("api-result-detail", args=[result.pk])
