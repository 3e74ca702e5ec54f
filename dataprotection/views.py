"""Pages of data protection for an RPA's administrators: subject-access exports (ask, watch the progress, download
once), retention (periods, runs, a dry run) and the breach register. Records are reached through hnap.access (the
tenant base views): another RPA's answers 404; the rules live in dataprotection.services."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidate
from dataprotection import forms
from dataprotection.models import Breach, RetentionPolicy, RetentionRun, SubjectAccessExport
from dataprotection.services import (
    breach_record,
    export_download,
    export_request,
    retention_apply,
    retention_policy_for,
)
from hnap.access import acting_rpa, restrict
from hnap.files import private_attachment
from hnap.forms import add_service_errors
from hnap.models import User
from hnap.roles import Action
from hnap.tenant_views import (
    TenantCreateView,
    TenantDetailView,
    TenantListView,
    TenantRecordFormView,
    TenantUpdateView,
)

# --- subject access (DATA-1) -----------------------------------------------------------------------------------


class ExportListView(TenantListView):
    """DATA-1: the RPA's subject-access exports, newest first."""

    model = SubjectAccessExport
    template_name = "dataprotection/export_list.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("candidate", "requested_by")


class ExportCreateView(TenantCreateView):
    """DATA-1: ask for everything held on a candidate; a worker builds the archive."""

    model = SubjectAccessExport
    form_class = forms.ExportRequestForm  # type: ignore[assignment]
    template_name = "dataprotection/export_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def save_form(self, form: Any) -> HttpResponse:
        rpa = self.acting_rpa()
        reference = form.cleaned_data["candidate_reference"].strip()
        candidate = (
            restrict(Candidate.objects.filter(rpa=rpa), self.request.user, Action.VIEW)
            .filter(reference__iexact=reference)
            .first()
        )
        if candidate is None:
            add_service_errors(
                form,
                ValidationError({"candidate_reference": f"No candidate of {rpa} has the reference {reference}."}),
            )
            return self.form_invalid(form)
        self.object = export_request(candidate=candidate, acting_user=cast(User, self.request.user))
        messages.success(self.request, f"The export of {candidate.reference} is being prepared.")
        return HttpResponseRedirect(reverse("export-detail", args=[self.object.pk]))


class ExportDetailView(TenantDetailView):
    """DATA-1: an export's progress (the page refreshes its bar while a worker builds it), then its one download."""

    model = SubjectAccessExport
    template_name = "dataprotection/export_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("candidate", "requested_by", "downloaded_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        export = self.object
        context.update(
            running=export.state in ("queued", "running"),
            mine=export.requested_by_id == self.request.user.pk,
            contents=sorted(export.contents.items()),
        )
        return context


class ExportDownloadView(TenantRecordFormView):
    """DATA-1: the archive, downloaded once by the administrator who asked for it, until it expires; then gone."""

    model = SubjectAccessExport
    form_class = forms.ConfirmForm
    template_name = "dataprotection/export_download.html"
    title = "Download the archive"
    submit_label = "Download the archive"
    object: SubjectAccessExport

    def allowed(self, user: Any, obj: Any) -> bool:
        return bool(obj.requested_by_id == user.pk)

    def back_url(self) -> str:
        return reverse("export-detail", args=[self.object.pk])

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.object.available:
            return render(request, "dataprotection/export_gone.html", {"object": self.object}, status=410)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            content, filename = export_download(export=self.object, acting_user=cast(User, self.request.user))
        except PermissionDenied:
            raise
        except ValidationError:
            self.object.refresh_from_db()
            return render(self.request, "dataprotection/export_gone.html", {"object": self.object}, status=410)
        return private_attachment(content=content, content_type="application/zip", filename=filename)


# --- retention (DATA-1, S11-4) ---------------------------------------------------------------------------------


class RetentionRunListView(TenantListView):
    """DATA-1, S11-4: the RPA's retention periods and what each run did (or, dry, would do)."""

    model = RetentionRun
    template_name = "dataprotection/retention_list.html"
    paginate_by = 30

    def get_queryset(self) -> Any:
        return self.scoped().select_related("started_by", "rpa")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rpa = acting_rpa(self.request.user, RetentionPolicy, Action.CHANGE)
        if rpa is not None:
            retention_policy_for(rpa=rpa)  # the defaults, shown (and changeable) until the RPA sets its own
        policies = restrict(RetentionPolicy.objects.select_related("rpa"), self.request.user, Action.VIEW)
        context["policies"] = policies.order_by("rpa__name")
        return context


class RetentionRunDetailView(TenantDetailView):
    """DATA-1, S11-4: one run: its cut-offs, its counts and the candidates it touched (by reference)."""

    model = RetentionRun
    template_name = "dataprotection/retention_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("started_by", "rpa")


class RetentionDryRunView(TenantCreateView):
    """DATA-1, S11-4: record what the retention periods would do now, without doing it."""

    model = RetentionRun
    form_class = forms.ConfirmForm  # type: ignore[assignment]
    template_name = "dataprotection/retention_dry_run.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def save_form(self, form: Any) -> HttpResponse:
        self.object = retention_apply(
            rpa=self.acting_rpa(), dry_run=True, acting_user=cast(User, self.request.user), now=timezone.now()
        )
        messages.success(self.request, "Dry run recorded: nothing was deleted or anonymised.")
        return HttpResponseRedirect(reverse("retention-run-detail", args=[self.object.pk]))


class RetentionPolicyUpdateView(TenantUpdateView):
    """DATA-1, S11-4: change the RPA's retention periods."""

    model = RetentionPolicy
    form_class = forms.RetentionPolicyForm
    template_name = "dataprotection/retention_policy_form.html"

    def get_success_url(self) -> str:
        messages.success(self.request, "Retention periods saved.")
        return reverse("retention-run-list")


# --- breach register -------------------------------------------------------------------------------------------


class BreachListView(TenantListView):
    """The RPA's personal-data breach register, with the 72-hour check of each."""

    model = Breach
    template_name = "dataprotection/breach_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "now": timezone.now()}


class BreachCreateView(TenantCreateView):
    """Record a breach: what happened, when found and contained, who was told, the ICO and why."""

    model = Breach
    form_class = forms.BreachForm
    template_name = "dataprotection/breach_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def save_form(self, form: Any) -> HttpResponse:
        try:
            self.object = breach_record(
                rpa=self.acting_rpa(), acting_user=cast(User, self.request.user), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Breach {self.object.reference} recorded.")
        return HttpResponseRedirect(reverse("breach-detail", args=[self.object.pk]))


class BreachDetailView(TenantDetailView):
    """One breach, its 72-hour check and its history."""

    model = Breach
    template_name = "dataprotection/breach_detail.html"
