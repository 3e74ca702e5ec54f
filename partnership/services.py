"""Writes of the Partnership's settings (PART-1, PAY-2, MOD-5): the national fee and the standards every RPA samples
each month. Only Partnership administrators may make them; every RPA reads the same rows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from hnap.access import memberships_of
from hnap.models import HLTAStandard, NationalFee, NationalSampledStandards, User
from hnap.roles import Role
from partnership.selectors import month_label, months_opened

# PAY-2: the fee is reviewed every year, so its review date falls within a year (and a day, for a leap year).
REVIEW_WITHIN = timedelta(days=366)


def is_partnership_admin(user: Any) -> bool:
    """Whether the person is a Partnership administrator (the only people who set national settings)."""
    return any(m.role == Role.PARTNERSHIP_ADMIN for m in memberships_of(user))


def _require_partnership(user: User | None) -> None:
    if not is_partnership_admin(user):
        raise PermissionDenied("Only the Partnership sets the national fee and the nationally agreed standards.")


@transaction.atomic
def fee_set(*, amount_pence: int, effective_from: date, review_due: date, acting_user: User | None) -> NationalFee:
    """PART-1, PAY-2: a new national fee from a date (today or later), with its annual review date; earlier fees stay
    as history, and a fee not yet in force can be replaced on the same date."""
    _require_partnership(acting_user)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if amount_pence <= 0:
        errors["amount_pence"] = "Enter a fee of more than £0"
    if effective_from < today:
        errors["effective_from"] = (
            "A new fee takes effect from today or a later date: invoices already issued keep their fee"
        )
    if review_due <= effective_from:
        errors["review_due"] = "The review date must be after the date the fee takes effect"
    elif review_due > effective_from + REVIEW_WITHIN:
        errors["review_due"] = "The fee is reviewed every year: set a review date within a year of its start"
    if errors:
        raise ValidationError(errors)
    existing = NationalFee.objects.select_for_update().filter(effective_from=effective_from).first()
    if existing is not None and existing.effective_from <= today:
        raise ValidationError({"effective_from": "A fee is already in force from this date: choose a later date"})
    fee = existing or NationalFee(effective_from=effective_from)
    fee.amount_pence, fee.review_due, fee.set_by = amount_pence, review_due, acting_user
    fee.save()
    return fee


@transaction.atomic
def national_standards_set(*, month: date, standards: list[int], acting_user: User | None) -> NationalSampledStandards:
    """PART-1, MOD-5: the standards every RPA moderates in a month. Moderation copies them into each RPA's event when
    it opens, so once any RPA's event of the month has opened they can no longer change (every RPA samples the same
    standards)."""
    _require_partnership(acting_user)
    month = month.replace(day=1)
    chosen = sorted(set(standards))
    known = dict(HLTAStandard.objects.filter(framework__is_default=True, number__in=chosen).values_list("number", "pk"))
    if not chosen:
        raise ValidationError({"standards": "Choose at least one standard to sample"})
    unknown = [n for n in chosen if n not in known]
    if unknown:
        raise ValidationError({"standards": f"There is no standard {', '.join(map(str, unknown))}"})
    opened = months_opened(months=[month]).get(month, [])
    if opened:
        raise ValidationError(
            {
                "month": f"The moderation events of {month_label(month)} have already opened for "
                f"{', '.join(opened)}, with the standards set then: choose a later month"
            }
        )
    row, _ = NationalSampledStandards.objects.select_for_update().get_or_create(
        month=month, defaults={"set_by": acting_user}
    )
    row.set_by = acting_user
    row.save(update_fields=["set_by"])
    row.standards.set([known[n] for n in chosen])
    return row
