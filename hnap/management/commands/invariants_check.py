"""`manage.py invariants_check`: count what breaks each invariant of hnap/invariants.py; fails if anything does."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hnap.invariants import INVARIANTS, invariants_check


class Command(BaseCommand):
    help = "Check the database's invariants (the weekly cap and others); exit 1 if any is broken."

    def handle(self, *args: Any, **options: Any) -> None:
        results = invariants_check()
        for invariant in INVARIANTS:
            count = results[invariant.name]
            self.stdout.write(
                f"INVARIANT {invariant.name} {'ok' if count == 0 else f'BROKEN ({count})'}: {invariant.rule}"
            )
        broken = [name for name, count in results.items() if count]
        if broken:
            raise CommandError(f"Invariants broken: {', '.join(broken)}")
