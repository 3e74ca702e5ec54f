"""The navigation a signed-in person sees, built from their roles (hnap.roles.NAVIGATION)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from hnap.access import memberships_of
from hnap.roles import NAVIGATION


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context: `nav_items` as (label, url, current) for the user's roles, without repeats."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items: list[tuple[str, str, bool]] = [("Home", reverse("home"), request.path == reverse("home"))]
    seen = {reverse("home")}
    for membership in memberships_of(user):
        for label, name in NAVIGATION.get(membership.role, []):
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            if url not in seen:
                seen.add(url)
                items.append((label, url, request.path.startswith(url)))
    items.append(("Notifications", reverse("notification-list"), request.path == reverse("notification-list")))
    return {"nav_items": items}
