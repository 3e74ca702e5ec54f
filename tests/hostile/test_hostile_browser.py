"""In a real Chromium (issue 10): markup typed into a form is shown as text where it is shown, and never runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from candidates.models import PreparationCourse
from hnap.models import School, User
from tests.browser.conftest import sign_in_page  # noqa: F401  (fixture used below)
from tests.candidates.conftest import apply, course_a, pop_user, school_a  # noqa: F401  (fixtures used below)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each would set window.hnapXss (or open a dialog) if the browser ever ran it.
PAYLOAD = '<script>window.hnapXss=1</script><img src=x onerror="window.hnapXss=2;alert(2)">'


def test_script_typed_into_a_name_is_shown_as_text_and_never_runs(
    live_server: Any,
    page: Any,
    sign_in_page: Callable[..., Any],  # noqa: F811
    pop_user: User,  # noqa: F811
    course_a: PreparationCourse,  # noqa: F811
    school_a: School,  # noqa: F811
) -> None:
    candidate = apply(pop_user, course_a, school_a, first_name=PAYLOAD[:100], last_name="Hostile")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in_page(pop_user)
    for path in ("/candidates/", f"/candidates/{candidate.pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("window.hnapXss") is None, path
        assert page.get_by_text("<script>window.hnapXss=1</script>", exact=False).count() >= 1, path
    page.goto(f"{live_server.url}/candidates/{candidate.pk}/edit/")
    assert page.evaluate("window.hnapXss") is None
    assert page.input_value("#id_first_name") == PAYLOAD[:100]  # given back in the field exactly as typed
    assert dialogs == []
