"""The demo data of data protection: two breaches in 4S's register and a dry run, made once."""

from __future__ import annotations

import pytest

from dataprotection.demo import seed_dataprotection_demo
from dataprotection.models import Breach, RetentionRun
from hnap.models import RPA

pytestmark = pytest.mark.django_db


def test_data1_demo_breaches_and_dry_run_are_made_once(rpa_a: RPA) -> None:
    assert seed_dataprotection_demo() == 2
    assert seed_dataprotection_demo() == 0
    breaches = Breach.objects.filter(rpa=rpa_a)
    assert {b.ico_check for b in breaches} == {"in_time", "not_reported"}
    assert RetentionRun.objects.filter(rpa=rpa_a, dry_run=True).count() == 1
