"""QuickSelect draws exactly the markup of Django's Select (it only skips the template per option)."""

from __future__ import annotations

import re

from django import forms

from hnap.forms import GovukFormMixin, QuickSelect

CHOICES = [("", "Any"), ("1", "A & B <script>"), ("2", 'Say "hi"'), ("Group", [("3", "x"), ("4", "y")])]


class _Both(GovukFormMixin, forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    quick = forms.ChoiceField(choices=CHOICES, required=False, widget=QuickSelect)


def _markup(form: forms.Form, name: str) -> str:
    html = re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(form[name].as_widget()))).strip()
    return html.replace(f'"{name}"', '"field"').replace(f"id_{name}", "id_field")


def test_quick_select_draws_the_same_markup_as_select_escaped_and_selected() -> None:
    for value in ("", "1", "4"):
        form = _Both({"plain": value, "quick": value})
        assert _markup(form, "quick") == _markup(form, "plain")
    quick = _markup(_Both({"quick": "4"}), "quick")
    assert "&lt;script&gt;" in quick and '<option value="4" selected>y</option>' in quick
    assert 'class="govuk-select"' in quick
