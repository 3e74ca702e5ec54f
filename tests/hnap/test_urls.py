"""Every page keeps its own URL name: an API route of the same name would take over `{% url %}` and `reverse`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, reverse


def _page_names(patterns: list, prefix: str = "") -> set[str]:
    """The names of the URL patterns outside /api/ (pages), with their namespaces."""
    names: set[str] = set()
    for pattern in patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if text.startswith("api/") or pattern.namespace:
                continue
            names |= _page_names(pattern.url_patterns, text)
        elif isinstance(pattern, URLPattern) and pattern.name and not text.startswith("api/"):
            names.add(pattern.name)
    return names


def _api_names(patterns: list, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            names |= _api_names(pattern.url_patterns, text)
        elif isinstance(pattern, URLPattern) and pattern.name and text.startswith("api/"):
            names.add(pattern.name)
    return names


def test_no_api_route_shares_a_page_name() -> None:
    """The deadline and closure-day pages' links once led to the API, whose router used the same names."""
    resolver = get_resolver()
    shared = _page_names(resolver.url_patterns) & _api_names(resolver.url_patterns)
    assert not shared, f"API routes named like pages: {sorted(shared)}"


def test_the_deadline_and_closure_day_pages_reverse_to_pages() -> None:
    assert reverse("deadline-detail", args=[1]) == "/deadlines/1/"
    assert reverse("closureday-detail", args=[1]) == "/closure-days/1/"
