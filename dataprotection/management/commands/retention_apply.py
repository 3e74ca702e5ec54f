"""Apply the RPAs' retention periods now, or (--dry-run) show what they would do without doing it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dataprotection.services import retention_apply
from hnap.audit import audit_source
from hnap.models import RPA


class Command(BaseCommand):
    help = "Apply each RPA's retention periods (DATA-1, S11-4); --dry-run reports what would be done."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Record and print what would be done; change nothing."
        )
        parser.add_argument("--rpa", help="Only this RPA (its slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        rpas = RPA.objects.filter(active=True)
        if options["rpa"]:
            rpas = rpas.filter(slug=options["rpa"])
        with audit_source("command", command="retention_apply"):
            for rpa in rpas:
                run = retention_apply(rpa=rpa, dry_run=options["dry_run"])
                verb = "would" if run.dry_run else "did"
                self.stdout.write(
                    f"{rpa.slug}: {verb} delete {run.evidence_deleted} evidence copies; {verb} anonymise "
                    f"{run.candidates_anonymised} candidates ({run.files_deleted} files, {run.versions_rewritten} "
                    f"versions)"
                )
                for reference in run.details.get("anonymised", []):
                    self.stdout.write(f"  anonymise {reference}")
                for reference in run.details.get("evidence_deleted_for", []):
                    self.stdout.write(f"  evidence of {reference}")
