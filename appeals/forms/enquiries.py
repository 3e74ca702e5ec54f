"""Forms of enquiries: the public contact form (with its honeypot), staff logging, replies, the queue's filters."""

from __future__ import annotations

from django import forms

from appeals.models import EnquiryNature, EnquiryState, LoggedChannel, MessageDirection
from hnap.forms import GovukFormMixin, radios


class PublicEnquiryForm(GovukFormMixin, forms.Form):
    """ENQ-1: anyone's enquiry to an RPA. `website` is a honeypot: hidden from people, filled in by robots."""

    name = forms.CharField(label="Your name", max_length=200, error_messages={"required": "Enter your name"},
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))  # fmt: skip
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="We reply to this address. Give a phone number instead if you prefer.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(label="Phone number (optional)", max_length=40, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))  # fmt: skip
    organisation = forms.CharField(label="School or organisation (optional)", max_length=200, required=False)
    nature = forms.ChoiceField(label="What is it about?", choices=EnquiryNature.choices, initial=EnquiryNature.OTHER)
    subject = forms.CharField(label="Subject", max_length=200,
                              error_messages={"required": "Enter what your enquiry is about"})  # fmt: skip
    message = forms.CharField(label="Your enquiry", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
                              error_messages={"required": "Enter your enquiry"})  # fmt: skip
    website = forms.CharField(label="Leave this empty", required=False, max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))  # fmt: skip

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            self.add_error("email", "Enter an email address or a phone number, so that we can reply")
        return data


class StaffEnquiryForm(PublicEnquiryForm):
    """An enquiry received by email or phone, logged by the RPA's staff."""

    channel = radios(
        label="How did it arrive?",
        choices=LoggedChannel.choices,
        required_message="Choose how the enquiry arrived",
    )
    field_order = ["channel", "name", "email", "phone", "organisation", "nature", "subject", "message"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        del self.fields["website"]
        self.fields["name"].label = "Enquirer's name"
        self.fields["message"].label = "The enquiry"
        self.fields["email"].help_text = "Replies go to this address."


class ReplyForm(GovukFormMixin, forms.Form):
    """An acknowledgement or an answer, sent to the enquirer and kept on the enquiry."""

    message = forms.CharField(label="Message to the enquirer", widget=forms.Textarea(attrs={"rows": 8}),
                              error_messages={"required": "Enter the message to send"})  # fmt: skip


class NoteForm(GovukFormMixin, forms.Form):
    """A further message received, or an internal note."""

    direction = radios(
        label="What is it?",
        choices=[
            (MessageDirection.IN, "A further message from the enquirer"),
            (MessageDirection.NOTE, "An internal note"),
        ],
        required_message="Choose what the message is",
    )
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": "Enter the message"})  # fmt: skip


class EnquiryFilterForm(GovukFormMixin, forms.Form):
    """Filters of the enquiry queue."""

    state = forms.ChoiceField(label="State", required=False,
                              choices=[("", "Still owed a reply"), *EnquiryState.choices])  # fmt: skip
    overdue = forms.BooleanField(label="Overdue only", required=False)
