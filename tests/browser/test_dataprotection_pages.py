"""Data protection pages in headless Chromium, each passing an axe check: the export being prepared (its progress
updated in place by the page's script), ready, downloaded once; retention with a dry run; the breach register."""

from __future__ import annotations

from typing import Any

import pytest

from dataprotection.factories import breach_for, full_candidate
from dataprotection.models import ExportState, SubjectAccessExport
from dataprotection.services import export_build, retention_policy_for
from hnap.factories import confirmed_totp_device
from hnap.roles import Role
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_data1_s11_4_data_protection_pages_are_accessible(
    live_server: Any, page: Any, sign_in_page: Any, make_member: Any, rpa_a: Any
) -> None:
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a, email="dpo@example.org")
    confirmed_totp_device(admin)
    candidate = full_candidate(rpa_a, last_name="Browsertest")
    breach = breach_for(rpa_a)
    policy = retention_policy_for(rpa=rpa_a)
    sign_in_page(admin)

    page.goto(f"{live_server.url}/data-protection/exports/new/")
    assert_accessible(page)
    page.click("button:has-text('Prepare the archive')")
    assert page.locator(".govuk-error-summary").is_visible()  # nothing entered
    assert_accessible(page)
    page.fill("#id_candidate_reference", candidate.reference)
    page.click("button:has-text('Prepare the archive')")
    export = SubjectAccessExport.objects.get(candidate=candidate)
    # No worker here: the page shows the export queued, with its progress bar, and keeps polling.
    assert page.locator("#export-bar").is_visible()
    assert page.locator("#export-progress[data-poll]").count() == 1
    assert_accessible(page)
    # A worker builds it; the page's script notices without a manual reload and shows the download.
    export_build(export_id=export.pk)
    page.locator("#download").wait_for(timeout=15000)
    assert_accessible(page)
    page.click("#download")
    assert_accessible(page)
    with page.expect_download() as download:
        page.click("button:has-text('Download the archive')")
    assert download.value.suggested_filename.endswith(".zip")
    export.refresh_from_db()
    assert export.state == ExportState.DOWNLOADED
    page.goto(f"{live_server.url}/data-protection/exports/{export.pk}/download/")
    assert page.locator("#gone").is_visible()
    assert_accessible(page)

    for path in [
        "/data-protection/exports/",
        f"/data-protection/exports/{export.pk}/",
        "/data-protection/retention/",
        f"/data-protection/retention/periods/{policy.pk}/",
        "/data-protection/retention/dry-run/",
        "/data-protection/breaches/",
        "/data-protection/breaches/new/",
        f"/data-protection/breaches/{breach.pk}/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)

    page.goto(f"{live_server.url}/data-protection/retention/dry-run/")
    page.click("button:has-text('Do a dry run')")
    assert page.locator("#candidates-anonymised").is_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/data-protection/breaches/new/")
    page.click("button:has-text('Record the breach')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
