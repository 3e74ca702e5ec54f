"""Pages of the assessor's side of the assessment file: the list of files, a file's overview with its parts, the
candidate's documents (ASM-2) and what happened to it, editing the draft part by part with autosave, submitting a
version (ASM-4, ASM-5), a version with its diff and its PDF, the document download, uploading documents on the
candidate's behalf, raising an issue with the candidate's documents (PREP-3) and the feedback to the PoP (PREP-1,
PREP-2). Every record is reached through hnap.access (the tenant base views); the rules live in
assessments.file_services and assessments.file_selectors."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import View

from assessments.file_documents import file_version_pdf
from assessments.file_parts import MEETING_KEYS, PARTS
from assessments.file_selectors import (
    file_current_documents,
    file_scrutineer,
    file_standards,
    file_tasks_late,
    file_what_is_missing,
    tasks_due_at,
    version_diff,
    version_sections,
)
from assessments.file_services import (
    document_issue_raise,
    file_draft_save,
    file_submit,
    preparation_feedback_record,
    task_document_upload,
)
from assessments.forms import files as forms
from assessments.models import (
    AssessmentFile,
    AssessmentState,
    Assessor,
    DocumentIssue,
    DocumentKind,
    FileState,
    FileVersion,
    Outcome,
    PreparationFeedback,
    ScrutinyDecision,
    ScrutinyDecisionKind,
    TaskDocument,
)
from candidates.views.review import is_rpa_admin_of
from hnap.access import restrict
from hnap.files import file_read_decrypted, private_attachment
from hnap.forms import add_service_errors
from hnap.paging import IdsFirstPaginator
from hnap.roles import Action
from hnap.tenant_views import TenantDetailView, TenantListView, TenantRecordFormView, TenantScopedMixin

EDITABLE_STATES = (FileState.DRAFT, FileState.RETURNED)
PART_KEYS = list(PARTS)
# Fields of the file whose every change is a draft save: the overview's history leaves those out (they are many).
DRAFT_FIELDS = {"draft", "draft_saved_at"}


def is_editable(file: AssessmentFile) -> bool:
    """Whether the draft can change: being completed, or returned for revision (SCR-1)."""
    return file.state in EDITABLE_STATES


def edit_url(file: AssessmentFile, part: str) -> str:
    """The edit page of one part of the file."""
    return f"{reverse('file-edit', args=[file.pk])}?part={part}"


def tasks_status(file: AssessmentFile) -> dict[str, Any]:
    """ASM-2: when the written tasks were due, whether they arrived, and whether on time."""
    return {
        "due_at": tasks_due_at(starts_at=file.assessment.starts_at),
        "sent_at": file.tasks_sent_at,
        "late": file_tasks_late(file=file),
    }


# --- the list and the overview ----------------------------------------------------------------------


class FileListView(TenantListView):
    """The files the user may see (an assessor: their own; the RPA's staff: the RPA's), filtered by state, cycle and
    assessor, with the written tasks' timeliness (ASM-2) and the scrutiny flags (SCR-3); a fixed number of queries."""

    model = AssessmentFile
    template_name = "assessments/files/file_list.html"
    paginator_class = IdsFirstPaginator

    def get_queryset(self) -> Any:
        files = self.scoped()
        # The assessors to filter by are those of the files the user may see (a moderator reads no register).
        assessors = (
            Assessor.objects.filter(pk__in=files.values("assessor_id"))
            .select_related("user", "rpa")
            .order_by("user__full_name", "pk")
        )
        self.filters = forms.FileFilterForm(self.request.GET or None, assessors=assessors)
        self.filters.is_valid()
        values = getattr(self.filters, "cleaned_data", {})
        if values.get("state"):
            files = files.filter(state=values["state"])
        if values.get("month"):
            files = files.filter(cycle_month=values["month"])
        if values.get("assessor"):
            files = files.filter(assessor=values["assessor"])
        return files.select_related("candidate", "assessor__user", "assessment").order_by(
            "-assessment__starts_at", "-pk"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        for file in context["object_list"]:
            file.tasks_late = file_tasks_late(file=file, now=now)
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(filters=self.filters, query_string=params.urlencode())
        return context


class FileDetailView(TenantDetailView):
    """A file's overview: its state, the parts and what each still lacks (ASM-4), the candidate's documents and
    whether they arrived on time (ASM-2), issues raised with the candidate (PREP-3), versions (ASM-5), scrutiny
    decisions (SCR-1, SCR-3) and the preparation feedback (PREP-1, PREP-2); the actions the user may take."""

    model = AssessmentFile
    template_name = "assessments/files/file_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate", "assessor__user", "assessment", "rpa")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        file, user = self.object, self.request.user
        owner = file.owner_id == user.pk
        editable = owner and is_editable(file)
        missing = file_what_is_missing(file=file)
        booked = file.assessment.state == AssessmentState.BOOKED and file.state != FileState.CLOSED
        scrutinies = list(
            ScrutinyDecision.objects.restrict(user, Action.VIEW).filter(file=file).select_related("decided_by")
        )
        context.update(
            owner=owner,
            editable=editable,
            parts=[
                {"key": key, "title": title, "missing": missing.get(key, []), "url": edit_url(file, key)}
                for key, title in PARTS.items()
            ],
            complete=not missing,
            documents=restrict(file_current_documents(file=file), user, Action.VIEW),
            tasks=tasks_status(file),
            issues=DocumentIssue.objects.restrict(user, Action.VIEW).filter(file=file).select_related("raised_by"),
            versions=FileVersion.objects.restrict(user, Action.VIEW)
            .filter(file=file)
            .select_related("submitted_by")
            .order_by("-number"),
            scrutinies=scrutinies,
            returned=next((s for s in scrutinies if s.decision == ScrutinyDecisionKind.RETURN), None)
            if file.state == FileState.RETURNED
            else None,
            feedback=PreparationFeedback.objects.restrict(user, Action.VIEW).filter(file=file).first(),
            may_scrutinise=file.state == FileState.SUBMITTED and file_scrutineer(user=user, file=file),
            may_upload=owner and booked and not file.version_count and file.tasks_sent_at is None,
            may_raise_issue=(owner or is_rpa_admin_of(user, file.rpa_id))
            and booked
            and not file.version_count
            and file.assessment.starts_at > timezone.now(),
            # The draft is saved every few seconds while the assessor types: the history shows everything else.
            history=[row for row in context["history"] if set(row["diff"]) - DRAFT_FIELDS or not row["diff"]],
        )
        return context


# --- the assessor's own forms on the file -----------------------------------------------------------


class OwnFileFormView(TenantRecordFormView):
    """A form on a file that only its assessor (the file's owner) may use; back to the file's overview."""

    model = AssessmentFile
    object: AssessmentFile

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate", "assessment", "assessor__user")

    def allowed(self, user: Any, obj: Any) -> bool:
        return bool(obj.owner_id == user.pk)

    def back_url(self) -> str:
        return reverse("file-detail", args=[self.object.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(file=self.object, candidate=self.object.candidate, editable=is_editable(self.object))
        return context


class FileEditView(OwnFileFormView):
    """ASM-4: one part of the draft (?part=f0|tasks|grid|f11..f14|f15), prefilled from what is saved. "Save draft"
    stays, "Save and continue" goes to the next part; the page's script also saves every 30 seconds (X-Autosave:
    204, or 400 with the errors as JSON). Only malformed data is refused: completeness is checked on submission."""

    template_name = "assessments/files/file_edit.html"
    title = "Complete the file"
    submit_label = "Save draft"
    form_classes: ClassVar[dict[str, type[forms.PartForm]]] = {
        "f0": forms.F0Form,
        "tasks": forms.TasksForm,
        "grid": forms.GridForm,
        **{key: forms.MeetingForm for key in MEETING_KEYS},
        "f15": forms.F15Form,
    }

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.part = request.GET.get("part") or PART_KEYS[0]
        self.autosave = request.headers.get("X-Autosave") == "1"

    def get_form_class(self) -> Any:
        if self.part not in PARTS:
            raise Http404("An assessment file has no such part.")
        return self.form_classes[self.part]

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.part in ("grid", "f15"):
            kwargs["standards"] = self.standards()
        elif self.part == "tasks":
            kwargs["sheets"] = {d.task_number: d.name for d in self.documents() if d.kind == DocumentKind.TASK}
        elif self.part in MEETING_KEYS:
            kwargs["meeting"] = MEETING_KEYS[self.part]
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return self.get_form_class().initial_from(self.object.draft.get(self.part) or {})

    def standards(self) -> list[Any]:
        """The standards the grid judges (read once per request)."""
        if not hasattr(self, "_standards"):
            self._standards = file_standards()
        return self._standards

    def documents(self) -> list[TaskDocument]:
        """The candidate's current documents the user may see (read once per request)."""
        if not hasattr(self, "_documents"):
            self._documents = list(restrict(file_current_documents(file=self.object), self.request.user, Action.VIEW))
        return self._documents

    def next_part(self) -> str | None:
        """The part after this one ("Save and continue"), None after F15."""
        index = PART_KEYS.index(self.part)
        return PART_KEYS[index + 1] if index + 1 < len(PART_KEYS) else None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        file = self.object
        grid = file.draft.get("grid") or {}
        saved_at = file.draft_saved_at
        context.update(
            title=PARTS[self.part],
            part=self.part,
            parts=[(key, title, edit_url(file, key), key == self.part) for key, title in PARTS.items()],
            action_url=edit_url(file, self.part),
            saved_at=saved_at,
            saved_at_ms=int(saved_at.timestamp() * 1000) if saved_at else 0,
            task_documents=[d for d in self.documents() if d.kind == DocumentKind.TASK] if self.part == "tasks" else [],
            insufficient=[n for n, entry in grid.items() if (entry or {}).get("judgement") == "insufficient"]
            if self.part == "f15"
            else [],
        )
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            file_draft_save(file=self.object, part=self.part, data=form.to_part(), acting_user=self.acting_user())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if self.autosave:
            return HttpResponse(status=204)
        messages.success(self.request, f"{PARTS[self.part]}: draft saved.")
        following = self.next_part() if self.request.POST.get("then") == "next" else self.part
        if following is None:
            return HttpResponseRedirect(reverse("file-submit", args=[self.object.pk]))
        return HttpResponseRedirect(edit_url(self.object, following))

    def form_invalid(self, form: Any) -> HttpResponse:
        if self.autosave:
            return JsonResponse({"errors": {name: list(errors) for name, errors in form.errors.items()}}, status=400)
        return super().form_invalid(form)


class FileSubmitView(OwnFileFormView):
    """ASM-4, ASM-5: what is missing, part by part (then nothing to submit), else submit the next version."""

    form_class = forms.SubmitForm
    template_name = "assessments/files/file_submit.html"
    title = "Submit the file"
    missing: dict[str, list[str]] | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        file = self.object
        missing = self.missing if self.missing is not None else file_what_is_missing(file=file)
        context.update(
            missing=[(key, title, missing[key], edit_url(file, key)) for key, title in PARTS.items() if key in missing],
            number=file.version_count + 1,
            submit_label=f"Submit version {file.version_count + 1}",
            outcome=Outcome(str((file.draft.get("f15") or {}).get("outcome"))).label if not missing else "",
            resubmission=file.state == FileState.RETURNED,
        )
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            version = file_submit(file=self.object, acting_user=self.acting_user())
        except ValidationError as error:
            if hasattr(error, "error_dict") and set(error.error_dict) <= set(PARTS):
                # Incomplete: every problem in the summary, under its part's name, in the file's order.
                self.missing = error.message_dict
                for key, title in PARTS.items():
                    for problem in self.missing.get(key, []):
                        form.add_error(None, f"{title}: {problem}")
            else:
                add_service_errors(form, error)
            return self.form_invalid(form)
        resubmitted = " It is marked as a resubmission." if version.number > 1 else ""
        messages.success(self.request, f"Version {version.number} of the file is submitted.{resubmitted}")
        return HttpResponseRedirect(reverse("fileversion-detail", args=[version.pk]))


class FileDocumentsView(OwnFileFormView):
    """ASM-2: the candidate's documents, and uploading a response sheet or evidence on their behalf before the file
    is submitted (checked by content, size and name)."""

    form_class = forms.DocumentUploadForm
    template_name = "assessments/files/file_documents.html"
    title = "The candidate's documents"
    submit_label = "Upload the document"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            documents=restrict(file_current_documents(file=self.object), self.request.user, Action.VIEW),
            tasks=tasks_status(self.object),
        )
        return context

    def perform(self, data: dict[str, Any]) -> str:
        upload = data["upload"]
        document = task_document_upload(
            file=self.object,
            kind=data["kind"],
            task_number=data["task_number"],
            title=data["title"],
            name=upload.name,
            content=upload.read(),
            acting_user=self.acting_user(),
        )
        return f"{document} is uploaded."

    def get_success_url(self) -> str:
        return reverse("file-documents", args=[self.object.pk])


class FileDocumentIssueView(TenantRecordFormView):
    """PREP-3: the file's assessor, or the RPA's administrator, tells the candidate before the assessment what in
    their documents will harm it; the written tasks open again for them."""

    model = AssessmentFile
    form_class = forms.DocumentIssueForm
    template_name = "assessments/files/file_form.html"
    title = "Raise an issue with the candidate's documents"
    submit_label = "Send to the candidate"
    object: AssessmentFile

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate", "assessment")

    def allowed(self, user: Any, obj: Any) -> bool:
        return bool(obj.owner_id == user.pk or is_rpa_admin_of(user, obj.rpa_id))

    def back_url(self) -> str:
        return reverse("file-detail", args=[self.object.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"file": self.object, "candidate": self.object.candidate}

    def perform(self, data: dict[str, Any]) -> str:
        document_issue_raise(file=self.object, message=data["message"], acting_user=self.acting_user())
        return f"{self.object.candidate.full_name} is asked to address the issue and send their written tasks again."


class FilePreparationFeedbackView(OwnFileFormView):
    """PREP-1, PREP-2: the assessor's feedback to the PoP on the candidate's preparation, and whether it harmed the
    assessment; it can be changed until the RPA passes it on."""

    form_class = forms.PreparationFeedbackForm
    template_name = "assessments/files/file_preparation_feedback.html"
    title = "Feedback on the candidate's preparation"
    submit_label = "Save the feedback"

    def feedback(self) -> PreparationFeedback | None:
        """The feedback already recorded on this file, if any (read once per request)."""
        if not hasattr(self, "_feedback"):
            self._feedback = (
                PreparationFeedback.objects.restrict(self.request.user, Action.VIEW).filter(file=self.object).first()
            )
        return self._feedback

    def get_initial(self) -> dict[str, Any]:
        feedback = self.feedback()
        if feedback is None:
            return {}
        return {
            "quality": feedback.quality,
            "comments": feedback.comments,
            "harmed": "yes" if feedback.harmed else "no",
            "harm_details": feedback.harm_details,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"feedback": self.feedback()}

    def perform(self, data: dict[str, Any]) -> str:
        preparation_feedback_record(
            file=self.object,
            quality=data["quality"],
            comments=data["comments"],
            harmed=data["harmed"],
            harm_details=data["harm_details"],
            acting_user=self.acting_user(),
        )
        return "Your feedback is saved. The RPA passes it on to the provider of preparation."


# --- versions and downloads ---------------------------------------------------------------------------


class FileVersionDetailView(TenantDetailView):
    """ASM-5: a submitted version as it was submitted (read-only), who and when, whether it is a resubmission, and
    what changed from the previous version."""

    model = FileVersion
    template_name = "assessments/files/fileversion_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("file__candidate", "file__assessor__user", "submitted_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        version = self.object
        context.update(
            file=version.file,
            candidate=version.file.candidate,
            diff=version_diff(version=version),
            previous=FileVersion.objects.restrict(self.request.user, Action.VIEW)
            .filter(file_id=version.file_id, number=version.number - 1)
            .first(),
            **version_sections(version=version),
        )
        return context


class FileVersionPdfView(TenantScopedMixin, View):
    """The version as one PDF (for moderators and the record), downloaded privately."""

    model = FileVersion

    def scoped(self, action: Action | None = None) -> Any:
        return (
            super()
            .scoped(action)
            .select_related("file__candidate", "file__assessor__user", "file__rpa", "submitted_by")
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        version = self.get_object()
        return private_attachment(
            content=file_version_pdf(version=version),
            content_type="application/pdf",
            filename=f"assessment-file-{version.file.candidate.reference}-v{version.number}.pdf",
        )


class TaskDocumentDownloadView(TenantScopedMixin, View):
    """A candidate's document, decrypted, only through access (the file's assessor and the RPA's staff)."""

    model = TaskDocument

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        document = self.get_object()
        return private_attachment(
            content=file_read_decrypted(path=document.stored_path),
            content_type=document.content_type,
            filename=document.name or f"document-{document.pk}",
        )
