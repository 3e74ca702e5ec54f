"""Pages of the application side: a PoP starts, edits and submits applications, asks the employer for the
declaration, uploads Level 2 evidence, reports changes and imports cohorts; the employer's public declaration
page; courses; and the Partnership's list of accepted Level 2 qualifications."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, ListView
from django.views.generic.detail import SingleObjectMixin

from candidates import services
from candidates.forms import applications as forms
from candidates.models import Candidate, Level2Qualification, PreparationCourse
from candidates.selectors import declaration_current
from hnap.access import memberships_of
from hnap.models import PreparationProvider, User
from hnap.roles import Action, Role
from hnap.tenant_views import (
    TenantCreateView,
    TenantDetailView,
    TenantFormMixin,
    TenantListView,
    TenantUpdateView,
)

# What each column of the cohort CSV holds (the order and the required ones come from candidates.services).
IMPORT_COLUMN_HELP = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "The candidate's own email address (each address once in the file)",
    "phone": "Phone number",
    "date_of_birth": "Date of birth, as 1985-04-12",
    "school_urn": "The school's URN (6 digits, from Get information about schools)",
    "job_title": "The candidate's role in the school",
    "age_range_from": "Youngest age of the children worked with, in years",
    "age_range_to": "Oldest age of the children worked with, in years",
    "funding_source": "Who funds the assessment: school, organisation or self",
    "funder_name": "Name of the funding organisation (needed when funding_source is organisation)",
    "nursery_exception_reason": "Only for a school-run nursery with 2-year-olds: why the setting is suitable",
}


def candidate_page(candidate: Candidate) -> str:
    """The candidate's page, where every action on the application starts and ends."""
    return reverse("candidate-detail", args=[candidate.pk])


def signed_in(request: HttpRequest) -> User:
    """The signed-in user of a view that requires one (LoginRequiredMixin has turned anonymous visitors away)."""
    return cast(User, request.user)


def is_pop_member(user: Any, candidate: Candidate) -> bool:
    """Whether the user works for the PoP that prepares this candidate."""
    return any(m.role == Role.POP_USER and m.pop_id == candidate.pop_id for m in memberships_of(user))


def is_rpa_admin(user: Any, candidate: Candidate) -> bool:
    """Whether the user administers the RPA the candidate is registering with."""
    return any(m.role == Role.RPA_ADMIN and m.rpa_id == candidate.rpa_id for m in memberships_of(user))


class ServiceFormMixin:
    """Shows a service's refusal (a ValidationError raised by `save_form`) on the form, having rolled back."""

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return super().form_valid(form)  # type: ignore[misc, no-any-return]
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)  # type: ignore[attr-defined, no-any-return]


class ActingPopMixin:
    """The PoP a PoP user acts for: their only PoP, or with several the one named by ?pop=<id> among theirs.

    The PoP comes from the membership, never from the form; the RPA then follows from the school's area
    (applications) or from the course's RPA among the PoP's own (courses), not from an RPA membership.
    """

    request: HttpRequest

    def user_pops(self) -> list[PreparationProvider]:
        if not hasattr(self, "_user_pops"):
            ids = [m.pop_id for m in memberships_of(self.request.user) if m.role == Role.POP_USER and m.pop_id]
            self._user_pops = list(PreparationProvider.objects.filter(pk__in=ids).order_by("name"))
        return self._user_pops

    def acting_pop(self) -> PreparationProvider:
        pops = self.user_pops()
        if not pops:
            raise PermissionDenied
        wanted = self.request.GET.get("pop", "")
        return next((pop for pop in pops if str(pop.pk) == wanted), pops[0])

    def pop_courses(self) -> Any:
        """The acting PoP's courses the user may see, for a course select."""
        return (
            PreparationCourse.objects.filter(pop=self.acting_pop())
            .restrict(self.request.user, Action.VIEW)
            .select_related("rpa")
            .order_by("-first_session", "name")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(acting_pop=self.acting_pop(), user_pops=self.user_pops())
        return context


# --- applications ----------------------------------------------------------------------------------


class CandidateCreateView(ServiceFormMixin, ActingPopMixin, TenantCreateView):
    """A PoP user starts an application; the school's region decides the RPA (REGION-1)."""

    model = Candidate
    form_class = forms.ApplicationCreateForm  # type: ignore[assignment]
    template_name = "candidates/application_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "courses": self.pop_courses()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"creating": True, "has_courses": self.pop_courses().exists()}

    def save_form(self, form: forms.ApplicationCreateForm) -> HttpResponse:
        self.object = services.candidate_apply(
            acting_user=signed_in(self.request), pop=self.acting_pop(), **form.application_values()
        )
        messages.success(
            self.request,
            f"Application started for {self.object.full_name} ({self.object.reference}). Next, ask the "
            "headteacher for the declaration and upload the Level 2 evidence.",
        )
        return HttpResponseRedirect(candidate_page(self.object))


class CandidateFormView(ServiceFormMixin, TenantFormMixin, SingleObjectMixin, FormView):  # type: ignore[type-arg]
    """A form about one candidate the user may change; the candidate is found through the access chokepoint
    (another RPA's: 404; own RPA without the permission: 403) before anything else happens."""

    model = Candidate
    action = Action.CHANGE
    context_object_name = "candidate"
    object: Candidate

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            self.object = self.get_object()
            refusal = self.refusal()
            if refusal is not None:
                return refusal
        return super().dispatch(request, *args, **kwargs)

    def refusal(self) -> HttpResponse | None:
        """A finer check than the role's grant: raise PermissionDenied, or answer with a page that says why."""
        return None

    def get_success_url(self) -> str:
        return candidate_page(self.object)


class CandidateUpdateView(CandidateFormView):
    """Correct an application's details. A PoP edits only until registration; then it reports a change (REG-7)."""

    form_class = forms.ApplicationForm
    template_name = "candidates/application_form.html"

    def refusal(self) -> HttpResponse | None:
        if self.object.registered_at and not is_rpa_admin(self.request.user, self.object):
            return render(self.request, "candidates/application_locked.html", {"candidate": self.object}, status=403)
        return None

    def get_form_kwargs(self) -> dict[str, Any]:
        courses = (
            PreparationCourse.objects.filter(pop=self.object.pop_id)
            .restrict(self.request.user, Action.VIEW)
            .select_related("rpa")
        )
        return {**super().get_form_kwargs(), "instance": self.object, "courses": courses}

    def save_form(self, form: forms.ApplicationForm) -> HttpResponse:
        values = form.application_values()
        services.candidate_update(
            candidate=self.object,
            acting_user=signed_in(self.request),
            **{name: values[name] for name in services.EDITABLE_FIELDS},
        )
        messages.success(self.request, f"The application details of {self.object.full_name} were saved.")
        return HttpResponseRedirect(self.get_success_url())


class ChangeReportCreateView(CandidateFormView):
    """REG-7: a PoP (or the RPA) reports a mistake, a change or anomalous circumstances; the RPA resolves it."""

    form_class = forms.ChangeReportForm
    template_name = "candidates/changereport_form.html"

    def save_form(self, form: forms.ChangeReportForm) -> HttpResponse:
        services.change_report_create(candidate=self.object, acting_user=signed_in(self.request), **form.cleaned_data)
        messages.success(self.request, "The report was sent to the RPA. You can follow it on this page.")
        return HttpResponseRedirect(self.get_success_url())


class CandidateSubmitView(CandidateFormView):
    """Check your answers, then send the application to the RPA (PoP users of the candidate's PoP only)."""

    form_class = forms.ConfirmForm
    template_name = "candidates/application_submit.html"

    def refusal(self) -> HttpResponse | None:
        if not is_pop_member(self.request.user, self.object):
            raise PermissionDenied
        return None

    def save_form(self, form: forms.ConfirmForm) -> HttpResponse:
        if self.object.submitted_at:
            messages.success(self.request, "The application was already submitted.")
            return HttpResponseRedirect(self.get_success_url())
        services.candidate_submit(candidate=self.object, acting_user=signed_in(self.request))
        messages.success(self.request, f"The application of {self.object.full_name} was sent to {self.object.rpa}.")
        return HttpResponseRedirect(self.get_success_url())


# --- employer declaration (REG-3, REG-5) -------------------------------------------------------------


class DeclarationRequestView(CandidateFormView):
    """Send the headteacher or senior leader a single-use declaration link, and see the links sent so far."""

    form_class = forms.DeclarationRequestForm
    template_name = "candidates/declaration_request.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            declarations=self.object.declarations.order_by("-requested_at"),
            current=declaration_current(candidate=self.object),
        )
        return context

    def save_form(self, form: forms.DeclarationRequestForm) -> HttpResponse:
        declaration = services.declaration_request(
            candidate=self.object, acting_user=signed_in(self.request), **form.cleaned_data
        )
        messages.success(
            self.request,
            f"A declaration link was sent to {declaration.sent_to_name} ({declaration.sent_to_email}). It works "
            f"once and expires on {declaration.expires_at:%d %B %Y}.",
        )
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(csrf_exempt, name="dispatch")
class DeclarationPublicView(FormView):  # type: ignore[type-arg]
    """The employer's declaration page, reached from the emailed single-use link, without signing in.

    Exempt from CSRF checks: what authorises a POST is the secret token in the address, not a session or a
    cookie, so a forged cross-site POST would need the token and could do nothing its holder cannot. And the
    page's `Referrer-Policy: no-referrer` makes browsers send `Origin: null` with the form, which the CSRF
    check would refuse.
    """

    form_class = forms.DeclarationForm
    template_name = "candidates/declaration_public.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.declaration = services.declaration_for_token(token=kwargs["token"])
        if self.declaration is None:
            response: HttpResponseBase = render(request, "404.html", status=404)
        elif not self.declaration.is_usable:
            response = self.closed()
        else:
            response = super().dispatch(request, *args, **kwargs)
        # The token is in the address: it must not leak to other sites nor stay in a shared cache.
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store"
        return response

    def closed(self) -> HttpResponse:
        """A completed link says when and by whom; an expired or replaced one says why and what to do."""
        declaration = self.declaration
        assert declaration is not None
        context: dict[str, Any] = {"declaration": declaration, "candidate": declaration.candidate}
        if declaration.is_complete:
            return render(self.request, "candidates/declaration_done.html", context)
        context["replaced"] = declaration.withdrawn_at is not None
        return render(self.request, "candidates/declaration_closed.html", context, status=410)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        assert self.declaration is not None
        context.update(declaration=self.declaration, candidate=self.declaration.candidate)
        return context

    def form_valid(self, form: forms.DeclarationForm) -> HttpResponse:
        assert self.declaration is not None
        try:
            _, recorded = services.declaration_complete(declaration=self.declaration, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        if recorded:
            messages.success(self.request, "Thank you. Your declaration has been recorded and the RPA has been told.")
        return HttpResponseRedirect(self.request.path)


# --- Standard 11: Level 2 evidence -------------------------------------------------------------------


class EvidenceUploadView(CandidateFormView):
    """S11-1, S11-4, S11-5: the PoP (or the RPA) uploads a copy of a Level 2 certificate with its verification;
    the file is checked by size, name and content before anything is stored, and stored encrypted."""

    form_class = forms.EvidenceForm
    template_name = "candidates/evidence_upload.html"

    def save_form(self, form: forms.EvidenceForm) -> HttpResponse:
        values = dict(form.cleaned_data)
        evidence = services.evidence_upload(
            candidate=self.object, acting_user=signed_in(self.request), upload=values.pop("file"), **values
        )
        messages.success(
            self.request,
            f"The {evidence.get_subject_display()} evidence was uploaded. The RPA will verify it.",
        )
        return HttpResponseRedirect(self.get_success_url())


# --- bulk: a cohort from a CSV ----------------------------------------------------------------------


class CandidateImportView(ActingPopMixin, TenantCreateView):
    """A PoP imports a cohort from a CSV: every row is checked, then all are created, or none."""

    model = Candidate
    form_class = forms.CohortImportForm  # type: ignore[assignment]
    template_name = "candidates/import.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "courses": self.pop_courses()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["columns"] = [
            (name, IMPORT_COLUMN_HELP.get(name, ""), name in services.IMPORT_REQUIRED)
            for name in services.IMPORT_COLUMNS
        ]
        return context

    def form_valid(self, form: forms.CohortImportForm) -> HttpResponse:
        with transaction.atomic():
            result = services.candidates_import(
                pop=self.acting_pop(),
                course=form.cleaned_data["course"],
                acting_user=signed_in(self.request),
                csv_text=form.cleaned_data["file"],
            )
            created = [candidate.pk for candidate in result.created]
            if self.scoped().filter(pk__in=created).count() != len(created):
                transaction.set_rollback(True)
                raise PermissionDenied
        if not result.ok:
            rows = len({number for number, _ in result.errors})
            form.add_error(
                "file",
                f"{rows} row{'s' if rows != 1 else ''} of the file "
                f"{'have' if rows != 1 else 'has'} problems, so nothing was imported. "
                "Correct the rows listed below and upload the file again.",
            )
            return self.render_to_response(self.get_context_data(form=form, row_errors=result.errors))
        count = len(result.created)
        messages.success(self.request, f"{count} candidate{'s' if count != 1 else ''} imported.")
        return redirect("candidate-list")


class ImportTemplateView(LoginRequiredMixin, View):
    """The cohort CSV template: the header row and one example row."""

    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(services.import_template(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="hnap-cohort-template.csv"'
        return response


# --- courses -----------------------------------------------------------------------------------------


class CourseListView(TenantListView):
    """The preparation courses the user may see: a PoP's own, or those registering with the user's RPA."""

    model = PreparationCourse
    template_name = "candidates/course_list.html"

    def get_queryset(self) -> Any:
        return (
            self.scoped()
            .select_related("pop", "rpa")
            .annotate(candidate_count=Count("candidates"))
            .order_by("-first_session", "name", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = any(m.role == Role.POP_USER for m in memberships_of(self.request.user))
        return context


class CourseDetailView(TenantDetailView):
    """One course: its dates and how many candidates it has."""

    model = PreparationCourse
    template_name = "candidates/course_detail.html"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("pop", "rpa")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            candidate_count=Candidate.objects.restrict(self.request.user, Action.VIEW)
            .filter(course=self.object)
            .count(),
            can_change=self.scoped(Action.CHANGE).filter(pk=self.object.pk).exists(),
        )
        return context


class CourseCreateView(ServiceFormMixin, ActingPopMixin, TenantCreateView):
    """A PoP adds a course for one of the RPAs it prepares candidates for."""

    model = PreparationCourse
    form_class = forms.CourseCreateForm  # type: ignore[assignment]
    template_name = "candidates/course_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "pop": self.acting_pop()}

    def save_form(self, form: forms.CourseCreateForm) -> HttpResponse:
        values = dict(form.cleaned_data)
        self.object = services.course_create(pop=self.acting_pop(), rpa=values.pop("registers_with"), **values)
        messages.success(self.request, f"The course {self.object.name} was added.")
        return HttpResponseRedirect(reverse("course-detail", args=[self.object.pk]))


class CourseUpdateView(ServiceFormMixin, TenantUpdateView):
    """A PoP changes its course's name or dates; open Level 2 deadlines follow the final session."""

    model = PreparationCourse
    form_class = forms.CourseForm  # type: ignore[assignment]
    template_name = "candidates/course_form.html"

    def save_form(self, form: forms.CourseForm) -> HttpResponse:
        services.course_update(course=self.object, **form.cleaned_data)
        messages.success(self.request, f"The course {self.object.name} was saved.")
        return HttpResponseRedirect(reverse("course-detail", args=[self.object.pk]))


# --- the accepted Level 2 list (S11-5): Partnership reference data, not a tenant's ---------------------


def is_partnership_admin(user: Any) -> bool:
    return any(m.role == Role.PARTNERSHIP_ADMIN for m in memberships_of(user))


class QualificationListView(LoginRequiredMixin, ListView):  # type: ignore[type-arg]
    """The accepted Level 2 qualifications by subject; Partnership administrators also see retired ones."""

    model = Level2Qualification
    template_name = "candidates/qualification_list.html"

    def get_queryset(self) -> Any:
        rows = Level2Qualification.objects.order_by("subject", "needs_rpa_decision", "name")
        return rows if is_partnership_admin(self.request.user) else rows.filter(active=True)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"can_edit": is_partnership_admin(self.request.user)}


class QualificationFormView(LoginRequiredMixin, FormView):  # type: ignore[type-arg]
    """Add or change an accepted Level 2 qualification: Partnership administrators only."""

    form_class = forms.QualificationForm
    template_name = "candidates/qualification_form.html"
    qualification: Level2Qualification | None = None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            if not is_partnership_admin(request.user):
                raise PermissionDenied
            if "pk" in kwargs:
                self.qualification = get_object_or_404(Level2Qualification, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.qualification}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"qualification": self.qualification}

    def form_valid(self, form: forms.QualificationForm) -> HttpResponse:
        try:
            saved = services.qualification_save(qualification=self.qualification, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        messages.success(self.request, f"{saved.name} ({saved.get_subject_display()}) was saved.")
        return redirect("qualification-list")
