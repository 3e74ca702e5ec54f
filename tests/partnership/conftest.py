"""Fixtures of the Partnership's tests: the people who read and set the national settings and the dashboards."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hnap.models import RPA, User
from hnap.roles import Role


@pytest.fixture
def partnership_admin(make_member: Callable[..., User]) -> User:
    return make_member(Role.PARTNERSHIP_ADMIN, full_name="Pat Partnership")


@pytest.fixture
def admin_a(make_member: Callable[..., User], rpa_a: RPA) -> User:
    return make_member(Role.RPA_ADMIN, rpa=rpa_a, full_name="Ada Admin")


@pytest.fixture
def admin_b(make_member: Callable[..., User], rpa_b: RPA) -> User:
    return make_member(Role.RPA_ADMIN, rpa=rpa_b, full_name="Bea Admin")
