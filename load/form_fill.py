"""Reading a page's form as a browser would submit it unchanged: every field with the value the page shows."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """Collects the fields of the first POST form whose action matches, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form" and not self.done and attr.get("method", "").lower() == "post":
            # The page's main form: sign-out is a small POST form too, so a form with only a button is skipped later.
            self.in_form = True
            self.fields = []
            return
        if not self.in_form:
            return
        name = attr.get("name")
        if tag == "input" and name and "disabled" not in attr:
            kind = attr.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attr:
                return
            self.fields.append((name, attr.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = attr.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attr and not self._select_chosen:
                self.fields.append((self._select, value))
                self._select_chosen = True

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "form" and self.in_form:
            self.in_form = False
            # A form with more than its CSRF token is the page's form (sign-out has only the token).
            if len(self.fields) > 1:
                self.done = True


def form_fields(html: str) -> list[tuple[str, str]]:
    """The fields of the page's main POST form with their shown values (empty if the page has none)."""
    reader = _FormReader()
    reader.feed(html)
    return reader.fields if reader.done else []
