"""`manage.py import_schools FILE`: import the DfE "Get Information about Schools" CSV export."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hnap.audit import audit_source
from hnap.schools import SchoolImportError, schools_import


class Command(BaseCommand):
    help = "Import or update schools from a GIAS CSV export, all or nothing. Running it twice changes nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="path to the GIAS CSV export (UTF-8 or Windows-1252)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            raw = open(path, "rb").read()  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")  # GIAS exports have been published in Windows-1252
        import io

        try:
            with audit_source("command", command="import_schools"):
                report = schools_import(stream=io.StringIO(text, newline=""))
        except SchoolImportError as error:
            raise CommandError(f"{path} refused, nothing imported: {error}") from error
        self.stdout.write(f"Schools: {report.created} created, {report.updated} updated, {report.unchanged} unchanged.")
        if report.skipped_outside_england:
            self.stdout.write(
                f"{len(report.skipped_outside_england)} establishment(s) outside England's regions skipped."
            )
        if report.without_rpa:
            self.stdout.write(
                f"{len(report.without_rpa)} school(s) are in an area no RPA covers (URNs: "
                f"{', '.join(map(str, report.without_rpa[:20]))}{'...' if len(report.without_rpa) > 20 else ''})."
            )
