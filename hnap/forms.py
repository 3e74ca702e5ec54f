"""Forms of the Partnership layer, and the GOV.UK styling every form of the product shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

_WIDGET_CLASSES = {
    "text": "govuk-input",
    "email": "govuk-input",
    "password": "govuk-input",
    "number": "govuk-input govuk-input--width-10",
    "url": "govuk-input",
    "date": "govuk-input govuk-input--width-10",
    "datetime": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "quickselect": "govuk-select",
    "selectmultiple": "govuk-select",
    "checkbox": "govuk-checkboxes__input",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


class QuickSelect(forms.Select):
    """A select drawn in Python, option by option, instead of through a template per option: a filter offering
    hundreds of records (a national RPA's courses or assessors) spent most of its list page's time in the template
    engine. The markup is Django's own select.html and select_option.html."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group, options, _ in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            for option in options:
                parts.append(
                    format_html(
                        '<option value="{}"{}>{}</option>', option["value"], flatatt(option["attrs"]), option["label"]
                    )
                )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped by format_html/flatatt


class GovukFormMixin:
    """Gives each widget its GOV.UK class and ties error messages to fields for screen readers.

    Forms render through templates/govuk/form.html (set as the form renderer's default), which draws
    the error summary and each field with its label, hint and error message.
    """

    template_name = "govuk/form.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            widget_type = type(widget).__name__.lower().replace("input", "").replace("widget", "")
            css = _WIDGET_CLASSES.get(widget_type, "govuk-input")
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} govuk-input--error".strip()
                widget.attrs["aria-describedby"] = f"id_{name}-error"


class SignInForm(GovukFormMixin, auth_forms.AuthenticationForm):
    """Email and password."""

    username = auth_forms.UsernameField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive.",
        "inactive": "This account is not active.",
    }


class TokenForm(GovukFormMixin, forms.Form):
    """A six-digit code from an authenticator app."""

    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("Enter the 6-digit code shown in your authenticator app.")
        return token


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    """Asks for the email address to send a reset link to."""


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    """Chooses a new password from a reset link."""


class ClosureDayForm(GovukFormMixin, forms.ModelForm):
    """A day the RPA is closed."""

    class Meta:
        from hnap.models import ClosureDay

        model = ClosureDay
        fields = ["day", "reason"]
        widgets = {"day": forms.DateInput()}
        help_texts = {"day": "For example, 2027-01-04. Deadlines that cross it move on by a working day."}


class DeadlineFilterForm(GovukFormMixin, forms.Form):
    """Filters of the deadline dashboard."""

    STATES = [
        ("", "Open and breached"),
        ("open", "Open"),
        ("breached", "Breached"),
        ("met", "Met"),
        ("cancelled", "Cancelled"),
    ]
    WINDOWS = [
        ("", "Any time"),
        ("today", "Due today"),
        ("at_risk", "At risk (due within 2 days)"),
        ("overdue", "Overdue"),
    ]

    state = forms.ChoiceField(choices=STATES, required=False)
    window = forms.ChoiceField(choices=WINDOWS, required=False, label="Due")
    q = forms.CharField(required=False, label="Title contains", max_length=100)


def add_service_errors(form: forms.Form, error: ValidationError, renamed: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: by field where the form has it, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        name = (renamed or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


# Field templates drawing a choice as a GOV.UK radios or checkboxes group in a fieldset whose legend is the question.
RADIOS_TEMPLATE = "govuk/radios.html"
CHECKBOXES_TEMPLATE = "govuk/checkboxes.html"


class GovukRadios(forms.RadioSelect):
    """Radios whose error-summary link points at the first radio, as the GOV.UK pattern does."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, index)


class GovukCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose error-summary link points at the first box."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, index)


def radios(*, label: str, choices: Any, required_message: str, help_text: str = "") -> forms.ChoiceField:
    """A required choice drawn as GOV.UK radios in a fieldset whose legend is the question."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        help_text=help_text,
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
        error_messages={"required": required_message},
    )
