"""The two shapes the tenant-isolation registry is written in (shared by every app's registry module)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from hnap.models import RPA, PreparationProvider


@dataclass(frozen=True)
class Setting:
    """Where the people of the matrix belong: RPA A, and PoP A (which prepares candidates for RPA A)."""

    rpa: RPA
    pop: PreparationProvider


@dataclass(frozen=True)
class TenantModel:
    """How the matrix builds one record of a tenant-owned model in an RPA, and a body that writes one."""

    # make(rpa, marker) -> a saved record of `rpa` whose visible text (title, reason...) contains `marker`.
    make: Callable[[RPA, str], models.Model]
    # payload(setting) -> a valid, fresh body for a create or update form/API call, written in RPA A / PoP A.
    payload: Callable[[Setting], dict[str, Any]]
