"""Request middleware of hnap: mandatory two-factor sign-in, and the audit context of each request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pghistory
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from hnap.twofactor import confirmed_device, two_factor_required

# Paths a privileged person may reach before finishing two-factor set-up or verification.
_OPEN_PREFIXES = ("/static/", "/healthz", "/accounts/", "/favicon")


class TwoFactorRequiredMiddleware:
    """Sends privileged roles to set up (or give) their second factor before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
            and two_factor_required(user=user)
        ):
            if request.path.startswith("/api/"):
                # Session-authenticated API calls need a verified session; API tokens are not affected
                # because token authentication happens in the view, after this middleware.
                return JsonResponse({"detail": "Two-factor sign-in is required for your role."}, status=403)
            if confirmed_device(user=user) is None:
                return redirect(reverse("two-factor-setup"))
            return redirect(f"{reverse('login')}?next={request.path}")
        return self.get_response(request)


class AuditContextMiddleware:
    """Tags every change a request makes with who made it and from where (web or API), for pghistory."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        source = "api" if request.path.startswith("/api/") else "web"
        user = request.user.pk if request.user.is_authenticated else None
        with pghistory.context(source=source, user=user, url=request.path, method=request.method):
            return self.get_response(request)
