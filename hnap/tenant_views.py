"""Base views over tenant-owned records: they apply the access chokepoint, so app views only declare
model, form and template.

- Another RPA's record, or one that does not exist, answers 404 alike.
- A record of the user's own RPA that their role may not act on answers 403.
- After a write the record must still be inside the writer's scope, or the write rolls back.
- Related-field choices of forms are restricted the same way.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from hnap.access import acting_rpa, restrict, role_allows, tenant_rpa_ids
from hnap.audit import history_for
from hnap.forms import add_service_errors
from hnap.roles import Action


class TenantScopedMixin(LoginRequiredMixin):
    """Finds records only through `restrict(user, action)`."""

    model: ClassVar[type[models.Model]]
    action: ClassVar[Action] = Action.VIEW
    # A write that adds records of another model under this one (a candidate's documents under their assessment):
    # the record is found by VIEW, and `action` is then checked on this model's grant instead.
    action_model: ClassVar[type[models.Model] | None] = None
    request: HttpRequest
    kwargs: dict[str, Any]
    object: Any

    def scoped(self, action: Action | None = None) -> Any:
        return restrict(self.model._default_manager.all(), self.request.user, action or self.action)

    def get_queryset(self) -> Any:
        return self.scoped()

    def get_object(self, queryset: Any = None) -> Any:
        pk = self.kwargs.get("pk")
        obj = self.scoped(Action.VIEW).filter(pk=pk).first() if pk is not None else None
        if obj is None:
            # Not visible: 403 when it is a record of the user's own RPA, else 404 exactly like a missing id.
            own = self.model._default_manager.filter(pk=pk, rpa_id__in=tenant_rpa_ids(self.request.user))
            if pk is not None and own.exists():
                raise PermissionDenied
            raise Http404
        if self.action_model is not None:
            if not role_allows(self.request.user, self.action_model, self.action):
                raise PermissionDenied
        elif self.action is not Action.VIEW and not self.scoped(self.action).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj


class TenantFormMixin(TenantScopedMixin):
    """Restricts related choices and checks the saved record is still within the writer's scope."""

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)  # type: ignore[misc]
        for field in form.fields.values():
            queryset = getattr(field, "queryset", None)
            if isinstance(field, ModelChoiceField | ModelMultipleChoiceField) and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(self.request.user, Action.VIEW)  # type: ignore[union-attr]
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = self.save_form(form)
            if form.errors:
                # The service refused (save_form re-displayed the form): nothing it wrote may stay.
                transaction.set_rollback(True)
                return response
            if not self.scoped(self.action).filter(pk=self.object.pk).exists():
                transaction.set_rollback(True)
                raise PermissionDenied
        return response

    def save_form(self, form: Any) -> HttpResponse:
        """Save through a service; the default saves the form."""
        return super().form_valid(form)  # type: ignore[misc, no-any-return]


class TenantListView(TenantScopedMixin, ListView):  # type: ignore[type-arg]
    """A list of records the user may see; 403 when no role of theirs may see this kind of record."""

    paginate_by = 50

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not role_allows(request.user, self.model, Action.VIEW):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TenantDetailView(TenantScopedMixin, DetailView):  # type: ignore[type-arg]
    """One record the user may see, with its audit history (DATA-1)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["history"] = history_for(obj=self.object)
        return context


class TenantCreateView(TenantFormMixin, CreateView):  # type: ignore[type-arg]
    """Create a record in the user's RPA (the RPA comes from the membership, never from the form)."""

    action = Action.ADD

    def acting_rpa(self) -> Any:
        """The RPA the user creates in: theirs; with several, the one named by ?rpa=<slug> among them."""
        chosen = acting_rpa(self.request.user, self.model, Action.ADD, self.request.GET.get("rpa"))
        if chosen is None:
            raise PermissionDenied
        return chosen

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not role_allows(request.user, self.model, Action.ADD):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TenantUpdateView(TenantFormMixin, UpdateView):  # type: ignore[type-arg]
    """Change a record the user may change."""

    action = Action.CHANGE


class TenantRecordFormView(TenantScopedMixin, FormView):  # type: ignore[type-arg]
    """A form acting on one record: found through access (another RPA's: 404; own RPA without the action: 403),
    then `allowed` narrows who may use it, then `perform` calls a service whose refusals re-display the form."""

    action = Action.CHANGE
    title: ClassVar[str]
    submit_label: ClassVar[str] = "Save"
    # Service field name -> form field name, where they differ.
    renamed_errors: ClassVar[dict[str, str]] = {}

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if not self.allowed(request.user, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, user: Any, obj: Any) -> bool:
        """Who may use the form beyond the role's grant; by default the grant is enough."""
        return True

    def acting_user(self) -> Any:
        """The signed-in user (dispatch has turned anonymous visitors away)."""
        return self.request.user

    def back_url(self) -> str:
        """Where the page links back to, and goes after success."""
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(object=self.object, title=self.title, submit_label=self.submit_label, back_url=self.back_url())
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            message = self.perform(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, self.renamed_errors)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url())

    def perform(self, data: dict[str, Any]) -> str:
        """Call the service; returns the success message."""
        raise NotImplementedError

    def get_success_url(self) -> str:
        return self.back_url()
