"""PART-1 (with PAY-2 and MOD-5): the Partnership sets the national fee and the standards every RPA samples each month
through partnership.services; RPAs read the same rows and cannot change them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hnap.models import RPA, NationalFee, NationalSampledStandards, User
from hnap.selectors import national_fee_on
from moderation.factories import ModerationEventFactory, last_month
from moderation.services import event_open
from partnership.selectors import fee_history, national_standards_months
from partnership.services import fee_set, national_standards_set

pytestmark = pytest.mark.django_db


class TestNationalFee:
    def test_part1_pay2_a_new_fee_takes_effect_from_its_date_for_every_rpa_and_the_history_is_kept(
        self, partnership_admin: User
    ) -> None:
        today = timezone.localdate()
        before = national_fee_on(day=today)
        start = today + timedelta(days=10)
        fee = fee_set(
            amount_pence=47500,
            effective_from=start,
            review_due=start + timedelta(days=365),
            acting_user=partnership_admin,
        )
        assert fee.set_by == partnership_admin
        assert national_fee_on(day=today) == before  # today's invoices keep the fee in force
        assert national_fee_on(day=start) == fee
        history = fee_history()
        assert history.current == before and history.scheduled == [fee]
        assert [f.effective_from for f in history.history][:2] == [start, before.effective_from]
        # Invoices read the fee through the same selector (candidates.services.invoice_issue calls national_fee_on,
        # tested in tests/candidates/test_rules.py::TestPayment::test_pay2_a_new_national_fee_applies_from_its_date):
        # one fee for every RPA, with no RPA in the lookup.
        assert "rpa" not in {f.name for f in NationalFee._meta.get_fields()}

    def test_part1_pay2_a_fee_not_yet_in_force_is_replaced_on_its_date_one_in_force_never(
        self, partnership_admin: User
    ) -> None:
        today = timezone.localdate()
        start = today + timedelta(days=30)
        first = fee_set(amount_pence=46000, effective_from=start, review_due=start + timedelta(days=300),
                        acting_user=partnership_admin)  # fmt: skip
        again = fee_set(amount_pence=46500, effective_from=start, review_due=start + timedelta(days=365),
                        acting_user=partnership_admin)  # fmt: skip
        assert again.pk == first.pk and NationalFee.objects.get(pk=first.pk).amount_pence == 46500
        in_force = national_fee_on(day=today)
        with pytest.raises(ValidationError) as refused:
            fee_set(amount_pence=1, effective_from=in_force.effective_from, review_due=today + timedelta(days=30),
                    acting_user=partnership_admin)  # fmt: skip
        assert "effective_from" in refused.value.error_dict
        assert NationalFee.objects.get(pk=in_force.pk).amount_pence == in_force.amount_pence

    @pytest.mark.parametrize(
        ("amount", "starts_in", "review_in", "field"),
        [
            (0, 1, 200, "amount_pence"),
            (45000, -1, 200, "effective_from"),  # backdated: invoices already issued keep their fee
            (45000, 1, 0, "review_due"),  # the review comes after the start
            (45000, 1, 400, "review_due"),  # reviewed every year
        ],
    )
    def test_part1_pay2_a_fee_is_refused_with_the_field_to_blame(
        self, partnership_admin: User, amount: int, starts_in: int, review_in: int, field: str
    ) -> None:
        start = timezone.localdate() + timedelta(days=starts_in)
        count = NationalFee.objects.count()
        with pytest.raises(ValidationError) as refused:
            fee_set(amount_pence=amount, effective_from=start, review_due=start + timedelta(days=review_in),
                    acting_user=partnership_admin)  # fmt: skip
        assert field in refused.value.error_dict
        assert NationalFee.objects.count() == count

    def test_part1_an_rpa_cannot_set_the_national_fee(self, admin_a: User) -> None:
        start = timezone.localdate() + timedelta(days=5)
        with pytest.raises(PermissionDenied):
            fee_set(
                amount_pence=1000, effective_from=start, review_due=start + timedelta(days=200), acting_user=admin_a
            )
        assert not NationalFee.objects.filter(effective_from=start).exists()


class TestNationalStandards:
    def test_part1_mod5_the_months_standards_are_copied_into_every_rpas_event_when_it_opens(
        self, partnership_admin: User, admin_a: User, rpa_a: RPA, rpa_b: RPA
    ) -> None:
        month = last_month()
        row = national_standards_set(month=month, standards=[12, 3, 3, 27], acting_user=partnership_admin)
        assert sorted(row.standards.values_list("number", flat=True)) == [3, 12, 27]
        for rpa in (rpa_a, rpa_b):
            event = event_open(event=ModerationEventFactory(rpa=rpa, month=month), acting_user=admin_a)
            assert event.national_standards == [3, 12, 27]
        listed = national_standards_months(since=month)
        assert listed[0].month == month and listed[0].numbers == [3, 12, 27]
        assert listed[0].opened_by == sorted([rpa_a.name, rpa_b.name])

    def test_part1_mod5_once_an_event_of_the_month_opened_its_standards_no_longer_change(
        self, partnership_admin: User, admin_a: User, rpa_a: RPA
    ) -> None:
        month = last_month()
        national_standards_set(month=month, standards=[3], acting_user=partnership_admin)
        event_open(event=ModerationEventFactory(rpa=rpa_a, month=month), acting_user=admin_a)
        with pytest.raises(ValidationError, match=f"already opened for {rpa_a.name}") as refused:
            national_standards_set(month=month, standards=[4, 5], acting_user=partnership_admin)
        assert "month" in refused.value.error_dict
        row = NationalSampledStandards.objects.get(month=month)
        assert list(row.standards.values_list("number", flat=True)) == [3]

    def test_part1_mod5_a_planned_event_does_not_stop_a_change_and_a_later_month_is_set(
        self, partnership_admin: User, rpa_a: RPA
    ) -> None:
        month = last_month()
        ModerationEventFactory(rpa=rpa_a, month=month)  # planned, not opened: nothing copied yet
        national_standards_set(month=month, standards=[3], acting_user=partnership_admin)
        row = national_standards_set(month=month.replace(day=9), standards=[8, 9], acting_user=partnership_admin)
        assert row.month == month and sorted(row.standards.values_list("number", flat=True)) == [8, 9]
        assert NationalSampledStandards.objects.filter(month=month).count() == 1

    @pytest.mark.parametrize(("standards", "message"), [([], "at least one"), ([3, 99], "no standard 99")])
    def test_part1_mod5_standards_are_refused_with_the_reason(
        self, partnership_admin: User, standards: list[int], message: str
    ) -> None:
        with pytest.raises(ValidationError, match=message):
            national_standards_set(month=last_month(), standards=standards, acting_user=partnership_admin)
        assert not NationalSampledStandards.objects.filter(month=last_month()).exists()

    def test_part1_an_rpa_cannot_set_the_national_standards(self, admin_a: User) -> None:
        with pytest.raises(PermissionDenied):
            national_standards_set(month=last_month(), standards=[3], acting_user=admin_a)
        assert not NationalSampledStandards.objects.filter(month=last_month()).exists()
