"""Forms of allocation, booking and the calendar. They parse input only; assessments.services checks the rules (its
ValidationErrors come back on these forms by field name: assessor, starts_at, cap_override_reason,
unpaid_exception_reason, reason)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from assessments.models import AssessmentMode, AssessmentState, Assessor
from candidates.models import Candidate
from hnap.forms import RADIOS_TEMPLATE, GovukCheckboxes, GovukFormMixin, GovukRadios, QuickSelect

DATE_HINT = "For example, 2027-03-15"
TIME_HINT = "24-hour clock, for example 09:30"


class TimeInput(forms.TimeInput):
    """A browser time picker (HH:MM)."""

    input_type = "time"


def _radios(label: str, *, required_message: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
        error_messages={
            "required": required_message,
            "invalid_choice": "Choose one of the assessors proposed for the week of that date",
        },
    )


class AssessorChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A select of assessors by name and register."""

    widget = QuickSelect

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.full_name} ({obj.rpa.name})"


class AssessmentFilterForm(GovukFormMixin, forms.Form):
    """Filters of the RPA's bookings."""

    week = forms.DateField(
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d"),
        label="Week of",
        help_text="Any day: the list shows its Monday-Sunday",
    )
    assessor = AssessorChoiceField(queryset=Assessor.objects.none(), required=False, empty_label="Any")
    state = forms.ChoiceField(choices=[("", "Any state"), *AssessmentState.choices], required=False)
    cross_rpa = forms.ChoiceField(
        label="Cross-RPA (ASR-5)",
        choices=[("", "Either"), ("yes", "Assessor from another RPA"), ("no", "Assessor of this RPA")],
        required=False,
    )

    def __init__(self, *args: Any, assessors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors  # type: ignore[attr-defined]


class StartsAtMixin(forms.Form):
    """A date and a time typed separately, cleaned into `starts_at` (London time)."""

    starts_at_date = forms.DateField(
        label="Date of the assessment",
        widget=forms.DateInput(format="%Y-%m-%d"),
        help_text=DATE_HINT,
        error_messages={"required": "Enter the date of the assessment", "invalid": "Enter a real date"},
    )
    starts_at_time = forms.TimeField(
        label="Start time",
        widget=TimeInput(format="%H:%M"),
        help_text=TIME_HINT,
        error_messages={"required": "Enter the start time", "invalid": "Enter a time like 09:30"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, time = cleaned.get("starts_at_date"), cleaned.get("starts_at_time")
        if day and time:
            cleaned["starts_at"] = timezone.make_aware(datetime.combine(day, time))
        return cleaned


class AllocateForm(GovukFormMixin, StartsAtMixin):
    """Allocate a candidate: one of the proposed assessors, the date and time, the mode and the interviewees (ASM-3);
    the override and exception reasons and the window confirmation only when they apply."""

    assessor = _radios("Assessor", required_message="Choose an assessor")
    mode = forms.ChoiceField(
        choices=AssessmentMode.choices,
        initial=AssessmentMode.REMOTE,
        widget=GovukRadios,
        template_name=RADIOS_TEMPLATE,  # type: ignore[call-arg]
        error_messages={"required": "Choose remote or on site"},
    )
    teacher_name = forms.CharField(
        required=False, max_length=200, label="Teacher to interview", help_text="ASM-3: a teacher who knows their work"
    )
    senior_leader_name = forms.CharField(required=False, max_length=200, label="Senior leader to interview")
    cap_override_reason = forms.CharField(
        required=False,
        label="Reason to book beyond the weekly limit (ASR-6)",
        help_text="Needed only when the assessor already has 5 assessments that week; it is recorded.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    unpaid_exception_reason = forms.CharField(
        required=False,
        label="Reason to book before payment (PAY-1)",
        help_text="Payment has not been received. The assessment is booked only with a recorded exception.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_outside_window = forms.BooleanField(
        required=False, label="Book on this date although it is outside the RPA's window (ASM-1)"
    )

    field_order = [
        "assessor",
        "starts_at_date",
        "starts_at_time",
        "mode",
        "teacher_name",
        "senior_leader_name",
        "cap_override_reason",
        "unpaid_exception_reason",
        "confirm_outside_window",
    ]

    def __init__(
        self,
        *args: Any,
        assessors: list[tuple[str, str]],
        show_cap: bool,
        show_unpaid: bool,
        show_confirm: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].choices = assessors  # type: ignore[attr-defined]
        for name, shown in (
            ("cap_override_reason", show_cap),
            ("unpaid_exception_reason", show_unpaid),
            ("confirm_outside_window", show_confirm),
        ):
            if not shown:
                del self.fields[name]


class AssessmentCreateForm(GovukFormMixin, forms.Form):
    """A booking in one request (for clients that already know the candidate, assessor and date and time)."""

    candidate = forms.ModelChoiceField(queryset=Candidate.objects.none(), empty_label="Choose a candidate")
    assessor = AssessorChoiceField(queryset=Assessor.objects.none(), empty_label="Choose an assessor")
    starts_at = forms.DateTimeField(
        label="Date and start time",
        help_text="For example, 2027-03-15 09:30",
        widget=forms.DateTimeInput(format="%Y-%m-%d %H:%M"),
    )
    mode = forms.ChoiceField(choices=AssessmentMode.choices, initial=AssessmentMode.REMOTE)
    teacher_name = forms.CharField(required=False, max_length=200, label="Teacher to interview")
    senior_leader_name = forms.CharField(required=False, max_length=200, label="Senior leader to interview")
    cap_override_reason = forms.CharField(
        required=False, label="Reason to book beyond the weekly limit (ASR-6)", widget=forms.Textarea(attrs={"rows": 3})
    )
    unpaid_exception_reason = forms.CharField(
        required=False, label="Reason to book before payment (PAY-1)", widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm_outside_window = forms.BooleanField(
        required=False, label="Book even if the date is outside the RPA's window (ASM-1)"
    )

    def __init__(self, *args: Any, candidates: Any, assessors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["assessor"].queryset = assessors  # type: ignore[attr-defined]


class MoveForm(GovukFormMixin, StartsAtMixin):
    """A new date and time for a booked assessment (ASR-6: the new week must have room)."""

    cap_override_reason = forms.CharField(
        required=False,
        label="Reason to book beyond the weekly limit (ASR-6)",
        help_text="Needed only when the assessor already has 5 assessments in the new week; it is recorded.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CancelForm(GovukFormMixin, forms.Form):
    """Why the assessment is cancelled."""

    reason = forms.CharField(label="Why is the assessment cancelled?", widget=forms.Textarea(attrs={"rows": 4}))


class ReallocateForm(GovukFormMixin, forms.Form):
    """Another assessor for the same date and time, and why."""

    assessor = _radios("New assessor", required_message="Choose an assessor")
    reason = forms.CharField(label="Why is the assessment reallocated?", widget=forms.Textarea(attrs={"rows": 3}))
    cap_override_reason = forms.CharField(
        required=False,
        label="Reason to book beyond the weekly limit (ASR-6)",
        help_text="Needed only when the new assessor already has 5 assessments that week; it is recorded.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, assessors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].choices = assessors  # type: ignore[attr-defined]


class BulkAllocateForm(GovukFormMixin, StartsAtMixin):
    """A cohort on one date: each candidate gets the best-ranked assessor with room."""

    candidates = forms.ModelMultipleChoiceField(
        queryset=Candidate.objects.none(),
        error_messages={"required": "Choose the candidates to allocate"},
        widget=GovukCheckboxes,
    )
    unpaid_exception_reason = forms.CharField(
        required=False,
        label="Reason to book unpaid candidates (PAY-1)",
        help_text="Optional. Without it, candidates whose payment has not been received are not booked.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = candidates  # type: ignore[attr-defined]


class CalendarAssessorForm(GovukFormMixin, forms.Form):
    """Whose calendar to show (RPA administrators and senior assessors choose among their RPA's assessors)."""

    assessor = AssessorChoiceField(queryset=Assessor.objects.none(), required=False, empty_label="All assessors")

    def __init__(self, *args: Any, assessors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors  # type: ignore[attr-defined]
