"""Base API viewsets over tenant-owned records: the access chokepoint applied once for every app.

Reads are narrowed with `restrict(user, "view")`; writes check the action on the object; another
RPA's record answers 404 like a missing one; a record of the user's own RPA that the role may not
act on answers 403; a created record takes the RPA from the user's membership, never the body.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pghistory
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request

from hnap.access import acting_rpa, restrict, role_allows, tenant_rpa_ids
from hnap.roles import Action

_METHOD_ACTIONS = {
    "GET": Action.VIEW,
    "HEAD": Action.VIEW,
    "OPTIONS": Action.VIEW,
    "POST": Action.ADD,
    "PUT": Action.CHANGE,
    "PATCH": Action.CHANGE,
    "DELETE": Action.DELETE,
}


class TenantViewSetMixin:
    """Applies hnap.access to every queryset and object of the viewset."""

    model: ClassVar[type[models.Model]]
    # What a write through an extra action does to the record, when its HTTP method would say otherwise: a
    # POST action that changes a record (or adds a child to it) is `@action(..., tenant_action=Action.CHANGE)`.
    tenant_action: Action | None = None
    request: Request
    kwargs: dict[str, Any]

    def request_action(self) -> Action:
        """The Action this request performs on the viewset's model."""
        method = self.request.method or "GET"
        if self.tenant_action is not None and method not in ("GET", "HEAD", "OPTIONS"):
            return self.tenant_action
        return _METHOD_ACTIONS.get(method, Action.VIEW)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        # Token authentication happens here, after the middleware: tag the audit context with the user.
        pghistory.context(user=request.user.pk, source="api")
        action = self.request_action()
        if self.kwargs.get("pk") is None and not role_allows(request.user, self.model, action):
            raise PermissionDenied("Your role does not include this.")
        if self.kwargs.get("pk") is not None:
            # The router takes any text as an id: one that cannot be an id names no record (404), not a crash.
            try:
                self.model._meta.pk.to_python(self.kwargs["pk"])  # type: ignore[union-attr]
            except ValidationError:
                raise NotFound from None

    def get_queryset(self) -> Any:
        return restrict(self.model._default_manager.all(), self.request.user, Action.VIEW)

    def get_object(self) -> Any:
        pk = self.kwargs.get("pk")
        obj = self.get_queryset().filter(pk=pk).first()
        if obj is None:
            if self.model._default_manager.filter(pk=pk, rpa_id__in=tenant_rpa_ids(self.request.user)).exists():
                raise PermissionDenied("Your role does not include this.")
            raise Http404
        action = self.request_action()
        if (
            action is not Action.VIEW
            and not restrict(self.model._default_manager.filter(pk=obj.pk), self.request.user, action).exists()
        ):
            raise PermissionDenied("Your role does not include this.")
        return obj

    def acting_rpa(self) -> Any:
        """The RPA a new record belongs to: the user's (with several, `?rpa=<slug>` picks one of them)."""
        chosen = acting_rpa(self.request.user, self.model, Action.ADD, self.request.query_params.get("rpa"))
        if chosen is None:
            raise PermissionDenied("Your role does not include this.")
        return chosen

    def ensure_in_scope(self, obj: models.Model, action: Action) -> None:
        """After a write the record (or a child record it added) must be within the writer's scope, or the write
        rolls back."""
        if not restrict(type(obj)._default_manager.filter(pk=obj.pk), self.request.user, action).exists():
            transaction.set_rollback(True)
            raise PermissionDenied("The change would put the record outside your RPA.")


class TenantReadOnlyViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """List and retrieve records the user may see."""


class TenantViewSet(TenantViewSetMixin, viewsets.ModelViewSet):  # type: ignore[type-arg]
    """List, retrieve and write records through services; subclasses implement `perform_create`."""
