"""PDF documents (WeasyPrint) rendered from templates, offline: nothing outside the product is ever fetched."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # Templates carry their styles inline; a URL in a document (even one typed by a user) is never fetched.
    raise ValueError(f"PDF documents load nothing from outside: {url}")


def pdf_render(*, template: str, context: dict[str, Any]) -> bytes:
    """The PDF of an HTML template."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=_no_fetch, base_url=None).write_pdf()  # type: ignore[no-any-return]
