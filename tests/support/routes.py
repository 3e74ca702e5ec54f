"""The registry the tenant-isolation matrix reads: every URL pattern of the project, and how to exercise it.

A route is either
- a tenant route, found by itself: its view is an HTML view subclassing hnap.tenant_views.TenantScopedMixin
  or a DRF viewset subclassing hnap.api.base.TenantViewSetMixin, and its `model` has an entry in
  TENANT_MODELS below (how to build one record in a given RPA, and a valid body to write one); or
- a non-tenant route, listed in EXEMPT_ROUTES below with a one-line reason.
Anything else is unregistered, and tests/test_tenant_isolation.py fails until it is registered here.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from hnap.api.base import TenantViewSetMixin
from hnap.factories import ClosureDayFactory, DeadlineFactory
from hnap.models import ClosureDay, Deadline
from hnap.tenant_views import TenantScopedMixin
from tests.support.appeal_routes import APPEAL_EXEMPT_ROUTES, APPEAL_MODELS, APPEAL_ROUTE_PAYLOADS
from tests.support.assessment_routes import ASSESSMENT_EXEMPT_ROUTES, ASSESSMENT_MODELS, ASSESSMENT_ROUTE_PAYLOADS
from tests.support.candidate_routes import CANDIDATE_EXEMPT_ROUTES, CANDIDATE_MODELS, CANDIDATE_ROUTE_PAYLOADS
from tests.support.dataprotection_routes import (
    DATAPROTECTION_EXEMPT_ROUTES,
    DATAPROTECTION_MODELS,
    DATAPROTECTION_ROUTE_PAYLOADS,
)
from tests.support.matrix_types import Setting, TenantModel
from tests.support.moderation_report_routes import REPORT_EXEMPT_ROUTES, REPORT_MODELS, REPORT_ROUTE_PAYLOADS
from tests.support.moderation_routes import (
    MODERATION_EXEMPT_ROUTES,
    MODERATION_MODELS,
    MODERATION_ROUTE_PAYLOADS,
)
from tests.support.partnership_routes import (
    PARTNERSHIP_EXEMPT_ROUTES,
    PARTNERSHIP_MODELS,
    PARTNERSHIP_ROUTE_PAYLOADS,
)
from tests.support.transfers_routes import TRANSFER_EXEMPT_ROUTES, TRANSFER_MODELS, TRANSFER_ROUTE_PAYLOADS

HOW_TO_REGISTER = (
    "Register it in tests/support/routes.py: make its view a tenant view (subclass "
    "hnap.tenant_views.TenantScopedMixin or hnap.api.base.TenantViewSetMixin, with `model`) and add the "
    "model to TENANT_MODELS, or, if it shows no tenant's records, add its URL name to EXEMPT_ROUTES with "
    "a one-line reason."
)


_fresh_days = itertools.count(400)


def _fresh_day() -> str:
    return (timezone.localdate() + timedelta(days=next(_fresh_days))).isoformat()


TENANT_MODELS: dict[type[models.Model], TenantModel] = {
    Deadline: TenantModel(
        make=lambda rpa, marker: DeadlineFactory(rpa=rpa, title=marker),
        payload=lambda setting: {
            "kind": "test.deadline",
            "title": "Written by the matrix",
            "starts_on": timezone.localdate().isoformat(),
            "due_at": timezone.now().isoformat(),
            "remind_at": timezone.now().isoformat(),
        },
    ),
    ClosureDay: TenantModel(
        make=lambda rpa, marker: ClosureDayFactory(rpa=rpa, reason=marker),
        payload=lambda setting: {"day": _fresh_day(), "reason": "Written by the matrix"},
    ),
    **CANDIDATE_MODELS,
    **ASSESSMENT_MODELS,
    **APPEAL_MODELS,
    **REPORT_MODELS,
    **MODERATION_MODELS,
    **PARTNERSHIP_MODELS,
    **DATAPROTECTION_MODELS,
    **TRANSFER_MODELS,
}

# URL name -> a body for that route when the model's payload does not fit it (an import takes a file).
ROUTE_PAYLOADS: dict[str, Callable[[Setting], dict[str, Any]]] = {
    **CANDIDATE_ROUTE_PAYLOADS,
    **ASSESSMENT_ROUTE_PAYLOADS,
    **APPEAL_ROUTE_PAYLOADS,
    **REPORT_ROUTE_PAYLOADS,
    **MODERATION_ROUTE_PAYLOADS,
    **PARTNERSHIP_ROUTE_PAYLOADS,
    **DATAPROTECTION_ROUTE_PAYLOADS,
    **TRANSFER_ROUTE_PAYLOADS,
}

# URL name (or "namespace:" for a whole namespace) -> why it is not a tenant route.
EXEMPT_ROUTES: dict[str, str] = {
    "home": "the signed-in person's own start page: their memberships, no tenant records",
    "healthz": "anonymous JSON health of the services; no records",
    "login": "sign-in form; no records",
    "logout": "sign-out (POST); no records",
    "two-factor-verify": "second sign-in step for the pending user in the session; no records",
    "two-factor-setup": "the signed-in person's own authenticator set-up; no records",
    "password_reset": "anonymous password-reset request form; no records",
    "password_reset_done": "static 'email sent' page",
    "password_reset_confirm": "password reset by signed token from the email; no records",
    "password_reset_complete": "static 'password changed' page",
    "notification-list": "per-user, not per-tenant: filtered by request.user directly",
    "api-root": "DRF router index: links to the list endpoints, no records",
    "api-schema": "OpenAPI schema of the API: describes endpoints, no records",
    "api-docs": "ReDoc page rendering the schema; no records",
    "admin:": "technical admin for is_staff superusers only (reference data); no role reaches it",
    "static": "static files (served only in development); no records",
    **CANDIDATE_EXEMPT_ROUTES,
    **ASSESSMENT_EXEMPT_ROUTES,
    **APPEAL_EXEMPT_ROUTES,
    **REPORT_EXEMPT_ROUTES,
    **MODERATION_EXEMPT_ROUTES,
    **PARTNERSHIP_EXEMPT_ROUTES,
    **DATAPROTECTION_EXEMPT_ROUTES,
    **TRANSFER_EXEMPT_ROUTES,
}


@dataclass(frozen=True)
class Route:
    """One URL pattern of the project, with its full pattern text and the view behind it."""

    pattern: str
    name: str | None  # qualified with its namespace, e.g. "admin:index"
    callback: Callable[..., Any]
    namespace: str = ""  # e.g. "admin:", also for unnamed patterns inside a namespaced include

    @property
    def view(self) -> Any:
        """The view class (HTML view_class or DRF viewset cls), or None for a function view."""
        return getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)

    @property
    def is_api(self) -> bool:
        return getattr(self.callback, "cls", None) is not None

    @property
    def kwargs(self) -> list[str]:
        return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", self.pattern)]

    @property
    def object_kwargs(self) -> set[str]:
        """The kwargs that pick a record (everything but DRF's format suffix)."""
        return set(self.kwargs) - {"format"}

    @property
    def methods(self) -> list[str]:
        """The HTTP methods the route answers (besides HEAD and OPTIONS)."""
        actions = getattr(self.callback, "actions", None)
        if actions is not None:
            return [m for m in ("get", "post", "put", "patch", "delete") if m in actions]
        view = self.view
        if view is None:
            return ["get"]
        return [
            m
            for m in ("get", "post", "put", "patch", "delete")
            if m in getattr(view, "http_method_names", []) and hasattr(view, m)
        ]

    def url(self, **kwargs: Any) -> str:
        """The concrete path of this pattern with `kwargs` filled in (format defaults to json)."""
        values = {"format": "json", **kwargs}
        path = "/" + self.pattern
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1]]), path)
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), path)
        path = path.replace("^", "").replace("/?$", "").replace("$", "").replace("\\.", ".")
        assert resolve(path.split("?")[0]).func is self.callback, f"{self}: built {path}, which resolves elsewhere"
        return path

    def __str__(self) -> str:
        return f"/{self.pattern} ({self.name or 'unnamed'})"


def all_routes(patterns: list[Any] | None = None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every URL pattern of the project, walking includes (HTML, API router, admin) recursively."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield Route(pattern=prefix + str(entry.pattern), name=name, callback=entry.callback, namespace=namespace)


def _tenant_owned(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, models.Model) and hasattr(model._default_manager, "restrict")


def is_tenant_view(view: Any) -> bool:
    return isinstance(view, type) and issubclass(view, TenantScopedMixin | TenantViewSetMixin)


def exemption_for(route: Route) -> str | None:
    """The registered reason a route is not a tenant route, or None."""
    if route.name in EXEMPT_ROUTES:
        return EXEMPT_ROUTES[route.name]
    return EXEMPT_ROUTES.get(route.namespace) if route.namespace else None


@dataclass(frozen=True)
class Classified:
    route: Route
    kind: str  # "tenant", "exempt" or "unregistered"
    model: type[models.Model] | None = None
    problem: str = ""


def classify(route: Route) -> Classified:
    """Tenant route with a known model, explicitly exempt route, or unregistered (with what to do)."""
    view = route.view
    if is_tenant_view(view):
        model = getattr(view, "model", None)
        if model not in TENANT_MODELS:
            return Classified(
                route,
                "unregistered",
                model,
                (
                    f"{route} is a tenant view of {model!r} but the matrix cannot build one: add the model to "
                    "TENANT_MODELS in tests/support/routes.py."
                ),
            )
        if route.object_kwargs - {"pk"}:
            return Classified(
                route,
                "unregistered",
                model,
                (
                    f"{route} picks records by {sorted(route.object_kwargs)}; the matrix only knows `pk`: "
                    "teach tests/support/routes.py how to fill these in."
                ),
            )
        return Classified(route, "tenant", model)
    reason = exemption_for(route)
    for candidate in (getattr(view, "model", None), getattr(getattr(view, "queryset", None), "model", None)):
        if _tenant_owned(candidate):
            return Classified(
                route,
                "unregistered",
                candidate,
                (
                    f"{route} shows {candidate!r}, a tenant-owned model, without the tenant base view/viewset: "
                    "subclass hnap.tenant_views.TenantScopedMixin or hnap.api.base.TenantViewSetMixin."
                ),
            )
    if reason:
        return Classified(route, "exempt", problem=reason)
    return Classified(route, "unregistered", problem=f"{route} is not a tenant route nor exempt. {HOW_TO_REGISTER}")


def classified_routes() -> list[Classified]:
    return [classify(route) for route in all_routes()]


def unused_exemptions(routes: list[Classified]) -> list[str]:
    """Entries of EXEMPT_ROUTES that no URL pattern uses any more (keep the registry honest)."""
    used = {r.route.name for r in routes if r.kind == "exempt"} | {
        r.route.namespace for r in routes if r.kind == "exempt"
    }
    # Static files are served by a pattern only with DEBUG on (or by WhiteNoise without one).
    return [key for key in EXEMPT_ROUTES if key not in used and key != "static"]
