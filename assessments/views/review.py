"""Pages of the RPA's and the candidate's side of assessment files: the scrutiny queue of a cycle and the scrutiny of
one file (SCR-1..SCR-3), the candidate's assessment page with their written tasks, issues raised and result status
(ASM-2, PREP-3, MOD-12, PAY-1, APP-2), preparation feedback passed on to the PoP (PREP-1, PREP-2), and a released
result with its letter. Every record is reached through hnap.access (the tenant base views); the rules live in
assessments.file_services and assessments.file_selectors."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from assessments.file_selectors import (
    candidate_result,
    file_scrutineer,
    file_standards,
    file_tasks_late,
    month_start,
    result_outcome_visible,
    scrutiny_queue,
    tasks_due_at,
)
from assessments.file_services import (
    file_scrutinise,
    preparation_feedback_pass_on,
    task_document_remove,
    task_document_upload,
    tasks_send,
)
from assessments.forms import review as forms
from assessments.models import (
    Assessment,
    AssessmentFile,
    AssessmentState,
    DocumentIssue,
    DocumentKind,
    FileState,
    PreparationFeedback,
    Result,
    ScrutinyDecisionKind,
    TaskDocument,
)
from candidates.selectors import candidate_is_paid
from candidates.views.review import is_rpa_admin_of
from hnap.access import rpa_scope_ids
from hnap.files import file_read_decrypted, private_attachment
from hnap.models import User
from hnap.roles import Action
from hnap.tenant_views import TenantDetailView, TenantListView, TenantRecordFormView, TenantScopedMixin


def parse_month(text: str) -> date:
    """The first day of a ?month=YYYY-MM, or of the current month when it is missing or not a month."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        return month_start(timezone.localdate())


# --- pre-upload scrutiny (SCR-1..SCR-3) -----------------------------------------------------------------


class ScrutinyQueueView(TenantListView):
    """SCR-2: a cycle's queue: every assessor who submitted, whether a file of theirs has been scrutinised, the
    weight of their experience and past difficulties and the file proposed; then resubmitted files to look at again
    (SCR-1). The queue is the RPA's: a role that sees only its own files gets an explanation instead."""

    model = AssessmentFile
    template_name = "assessments/review/scrutiny_queue.html"
    paginate_by = None  # type: ignore[assignment]

    def get_queryset(self) -> Any:
        return self.scoped().filter(rpa_id__in=rpa_scope_ids(self.request.user, AssessmentFile, Action.VIEW))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        month = parse_month(self.request.GET.get("month", ""))
        rpa_wide = bool(rpa_scope_ids(user, AssessmentFile, Action.VIEW))
        queue = scrutiny_queue(files=self.get_queryset(), month=month) if rpa_wide else None
        if queue is not None:
            for row in queue.rows:
                row.may_scrutinise = row.proposal is not None and file_scrutineer(user=user, file=row.proposal)  # type: ignore[attr-defined]
            for file in queue.awaiting_rescrutiny:
                file.may_scrutinise = file_scrutineer(user=user, file=file)  # type: ignore[attr-defined]
        context.update(
            month=month,
            previous_month=month_start(month - timedelta(days=1)),
            next_month=month_start(month + timedelta(days=32)),
            queue=queue,
            rpa_wide=rpa_wide,
        )
        return context


class FileScrutiniseView(TenantRecordFormView):
    """SCR-1, SCR-3: accept the latest version for moderation or return it for revision with reasons, and flag it
    difficult or as raising an issue of principle; an administrator or senior assessor of the RPA, never its
    assessor."""

    model = AssessmentFile
    form_class = forms.ScrutinyForm
    template_name = "assessments/review/file_scrutinise.html"
    title = "Scrutinise the file"
    submit_label = "Record the decision"
    object: AssessmentFile

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate", "assessor__user", "assessment", "rpa")

    def allowed(self, user: Any, obj: Any) -> bool:
        return file_scrutineer(user=user, file=obj)

    def back_url(self) -> str:
        month = self.object.cycle_month or month_start(timezone.localdate())
        return f"{reverse('scrutiny-queue')}?month={month:%Y-%m}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        file = self.object
        context.update(
            file=file,
            version=file.versions.order_by("-number").first(),
            scrutinies=file.scrutinies.select_related("decided_by", "version"),
            awaiting=file.state == FileState.SUBMITTED,
        )
        return context

    def perform(self, data: dict[str, Any]) -> str:
        decision = file_scrutinise(
            file=self.object,
            decision=data["decision"],
            acting_user=cast(User, self.request.user),
            reasons=data["reasons"],
            flag_difficult=data["flag_difficult"],
            flag_principle=data["flag_principle"],
            flag_note=data["flag_note"],
        )
        name = self.object.candidate.full_name
        if decision.decision == ScrutinyDecisionKind.RETURN:
            return f"The file of {name} is returned to {self.object.assessor.user.full_name} for revision."
        return f"The file of {name} is accepted for moderation."


# --- the candidate's assessment page (ASM-2, PREP-3, MOD-12, PAY-1, APP-2) ---------------------------------


class CandidateAssessmentView(LoginRequiredMixin, TemplateView):
    """The signed-in candidate's own latest booked assessment: redirects to its page, or says there is none."""

    template_name = "assessments/review/candidate_assessment_none.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assessment = (
            Assessment.objects.restrict(request.user, Action.VIEW)
            .filter(candidate__user=request.user, state=AssessmentState.BOOKED)
            .order_by("-starts_at", "-pk")
            .first()
        )
        if assessment is not None:
            return redirect("assessment-tasks", assessment.pk)
        return super().get(request, *args, **kwargs)


def tasks_context(*, assessment: Assessment, user: Any) -> dict[str, Any]:
    """What the assessment's page shows: the booking, the written tasks and their deadline (ASM-2), issues raised
    (PREP-3), the result status (MOD-12, PAY-1) and the appeals procedure (APP-2); forms only for the candidate."""
    file = AssessmentFile.objects.filter(assessment=assessment).first()
    documents: list[TaskDocument] = []
    issues: QuerySet[DocumentIssue] = DocumentIssue.objects.none()
    if file is not None:
        file.assessment = assessment
        documents = list(
            TaskDocument.objects.restrict(user, Action.VIEW)
            .filter(file=file, replaced_at__isnull=True)
            .order_by("kind", "task_number", "uploaded_at", "pk")
        )
        issues = DocumentIssue.objects.restrict(user, Action.VIEW).filter(file=file).order_by("-raised_at", "-pk")
    sheets = {d.task_number: d for d in documents if d.kind == DocumentKind.TASK}
    is_candidate = assessment.candidate.user_id == user.pk
    documents_open = (
        assessment.state == AssessmentState.BOOKED
        and file is not None
        and file.state != FileState.CLOSED
        and not file.version_count
    )
    may_change = is_candidate and documents_open and file is not None and file.tasks_sent_at is None
    status = candidate_result(candidate=assessment.candidate)
    return {
        "assessment": assessment,
        "file": file,
        "is_candidate": is_candidate,
        "booked": assessment.state == AssessmentState.BOOKED,
        "tasks_due_at": tasks_due_at(starts_at=assessment.starts_at),
        "tasks_late": file is not None and file_tasks_late(file=file),
        "slots": [(n, sheets.get(n)) for n in range(1, 9)],
        "evidence": [d for d in documents if d.kind == DocumentKind.EVIDENCE],
        "issues": issues,
        "may_change": may_change,
        "upload_form": forms.TaskUploadForm(),
        "result_status": status,
        "result_visible": status.result is not None
        and Result.objects.restrict(user, Action.VIEW).filter(pk=status.result.pk).exists(),
        "rpa": assessment.rpa,
    }


class AssessmentTasksView(TenantDetailView):
    """The candidate's assessment page: date, mode and assessor, the written tasks F1-F8 and the evidence sent,
    issues raised, the result status and the right to appeal; read-only for staff who may see the assessment."""

    model = Assessment
    template_name = "assessments/review/assessment_tasks.html"

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate", "assessor__user", "rpa")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(tasks_context(assessment=self.object, user=self.request.user))
        return context


class TasksFormView(TenantRecordFormView):
    """A write on the candidate's assessment page: found by VIEW on the assessment, checked as ADD on its documents,
    and only for the candidate themself; a refusal re-displays the page with the error summary."""

    model = Assessment
    action = Action.ADD
    action_model = TaskDocument
    template_name = "assessments/review/assessment_tasks.html"
    http_method_names = ["post"]
    title = "Your assessment"
    object: Assessment

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate", "assessor__user", "rpa")

    def allowed(self, user: Any, obj: Any) -> bool:
        return bool(obj.candidate.user_id == user.pk)

    def back_url(self) -> str:
        return reverse("assessment-tasks", args=[self.object.pk])

    def file(self) -> AssessmentFile:
        """The file the documents go to (every booked assessment has one)."""
        file = AssessmentFile.objects.filter(assessment=self.object).first()
        if file is None:
            raise ValidationError("This assessment has no file to send documents to. Contact your RPA.")
        return file

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(tasks_context(assessment=self.object, user=self.request.user))
        return context


class TaskUploadView(TasksFormView):
    """ASM-2: upload a task's response sheet (replacing the earlier one) or documentary evidence, checked by content,
    size and name and stored encrypted."""

    form_class = forms.TaskUploadForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["upload_form"] = context["form"]  # what was chosen stays chosen, with the errors by the fields
        return context

    def perform(self, data: dict[str, Any]) -> str:
        upload = data["upload"]
        document = task_document_upload(
            file=self.file(),
            kind=data["kind"],
            task_number=data["task_number"],
            title=data["title"],
            name=upload.name,
            content=upload.read(),
            acting_user=cast(User, self.request.user),
        )
        if document.kind == DocumentKind.TASK:
            return f"Response sheet for task {document.task_number} uploaded: {document.name}."
        return f"Evidence uploaded: {document.title}."


class TasksSendView(TasksFormView):
    """ASM-2: send the eight response sheets and the evidence to the assessor; whether on time is recorded."""

    form_class = forms.ConfirmForm

    def perform(self, data: dict[str, Any]) -> str:
        file = tasks_send(file=self.file(), acting_user=cast(User, self.request.user))
        if file.tasks_on_time:
            return "Your written tasks and evidence have been sent to your assessor, on time."
        return (
            "Your written tasks and evidence have been sent to your assessor. They arrived late: less than 10 days "
            "before the assessment."
        )


class TaskDocumentRemoveView(TenantRecordFormView):
    """Take back a document before the tasks are sent (it is kept as replaced); only the candidate themself."""

    model = TaskDocument
    action = Action.DELETE
    form_class = forms.ConfirmForm
    template_name = "assessments/review/assessment_tasks.html"
    http_method_names = ["post"]
    title = "Your assessment"
    object: TaskDocument

    def scoped(self, action: Action | None = None) -> Any:
        return (
            super()
            .scoped(action)
            .select_related("file__candidate", "file__assessment__candidate", "file__assessment__assessor__user")
        )

    def allowed(self, user: Any, obj: Any) -> bool:
        return bool(obj.file.candidate.user_id == user.pk)

    def back_url(self) -> str:
        return reverse("assessment-tasks", args=[self.object.file.assessment_id])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(tasks_context(assessment=self.object.file.assessment, user=self.request.user))
        return context

    def perform(self, data: dict[str, Any]) -> str:
        task_document_remove(document=self.object, acting_user=cast(User, self.request.user))
        return f"Removed: {self.object}."


# --- preparation feedback (PREP-1, PREP-2) ----------------------------------------------------------------


class PreparationFeedbackListView(TenantListView):
    """The assessors' feedback on how well candidates were prepared: the RPA sees all of it and what is still to pass
    on; a provider of preparation sees only what has been passed on to it."""

    model = PreparationFeedback
    template_name = "assessments/review/preparationfeedback_list.html"

    def get_queryset(self) -> Any:
        self.filters = forms.FeedbackFilterForm(self.request.GET or None)
        self.filters.is_valid()
        status = getattr(self.filters, "cleaned_data", {}).get("status", "")
        rows = self.scoped().select_related("file__candidate", "file__assessor__user", "passed_to")
        if status:
            rows = rows.filter(passed_on_at__isnull=status == "pending")
        return rows.order_by("-recorded_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            filters=self.filters,
            query_string=params.urlencode(),
            rpa_staff=bool(rpa_scope_ids(self.request.user, PreparationFeedback, Action.VIEW)),
        )
        return context


class PreparationFeedbackDetailView(TenantDetailView):
    """One piece of feedback: how well prepared, comments, any harm to the assessment, and whether passed on."""

    model = PreparationFeedback
    template_name = "assessments/review/preparationfeedback_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return (
            super()
            .scoped(action)
            .select_related("file__candidate__pop", "file__assessor__user", "passed_to", "recorded_by", "passed_on_by")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        feedback = self.object
        context["may_pass_on"] = feedback.passed_on_at is None and is_rpa_admin_of(self.request.user, feedback.rpa_id)
        return context


class PreparationFeedbackPassOnView(TenantRecordFormView):
    """PREP-1, PREP-2: the RPA's administrators pass the feedback on to the candidate's PoP, with a covering note;
    when preparation harmed the assessment, the candidate is told too."""

    model = PreparationFeedback
    form_class = forms.PassOnForm
    template_name = "assessments/review/preparationfeedback_pass_on.html"
    title = "Pass the feedback on"
    submit_label = "Pass it on"
    object: PreparationFeedback

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("file__candidate__pop", "file__assessor__user", "passed_to")

    def allowed(self, user: Any, obj: Any) -> bool:
        return is_rpa_admin_of(user, obj.rpa_id)

    def back_url(self) -> str:
        return reverse("preparationfeedback-detail", args=[self.object.pk])

    def perform(self, data: dict[str, Any]) -> str:
        feedback = preparation_feedback_pass_on(
            feedback=self.object, acting_user=cast(User, self.request.user), rpa_note=data["rpa_note"]
        )
        told = " The candidate has been told that their preparation affected the assessment." if feedback.harmed else ""
        return f"The feedback is passed on to {feedback.passed_to.name}.{told}"  # type: ignore[union-attr]


# --- results (MOD-12, PAY-1, APP-2) ---------------------------------------------------------------------


def held_message(result: Result) -> str:
    """What the candidate is told of a result not released yet (PAY-1: never its outcome)."""
    status = candidate_result(candidate=result.candidate)
    return status.message or "Your result has not been released yet."


class ResultDetailView(TenantDetailView):
    """A confirmed result. The candidate sees it once released (outcome, standards to reassess, the letter and their
    right to appeal), before that only why it is held (PAY-1); the RPA sees the outcome and the release state."""

    model = Result
    template_name = "assessments/review/result_detail.html"

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate__rpa", "file__assessment", "confirmed_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        result = self.object
        is_candidate = result.candidate.user_id == self.request.user.pk
        released = result.released_at is not None
        wanted = set(result.reassess_standards)
        context.update(
            is_candidate=is_candidate,
            released=released,
            shows_outcome=result_outcome_visible(result=result, user=self.request.user),
            held=None if (released or is_candidate) else not candidate_is_paid(candidate=result.candidate),
            held_message="" if (released or not is_candidate) else held_message(result),
            reassess=[s for s in file_standards() if s.number in wanted] if wanted else [],
            rpa=result.candidate.rpa,
            # The record's history names the outcome: never before release for the candidate (PAY-1).
            history=context["history"] if not is_candidate else [],
        )
        return context


class ResultLetterView(TenantScopedMixin, View):
    """The result letter (PDF, stored encrypted at release), never cached. There is none before release: the
    candidate gets 404 (PAY-1), staff a page saying why."""

    model = Result

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        result = self.get_object()
        if result.released_at is None or not result.letter_path:
            if result.candidate.user_id == request.user.pk:
                raise Http404
            context = {
                "result": result,
                "held": not candidate_is_paid(candidate=result.candidate),
            }
            return render(request, "assessments/review/result_letter_pending.html", context)
        return private_attachment(
            content=file_read_decrypted(path=result.letter_path),
            content_type="application/pdf",
            filename=f"hlta-result-{result.candidate.reference}.pdf",
        )

    def scoped(self, action: Action | None = None) -> Any:
        return super().scoped(action).select_related("candidate")
