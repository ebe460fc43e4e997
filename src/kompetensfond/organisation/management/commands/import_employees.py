"""``kompetensfond import-employees FILE --municipality SLUG [--end-missing] [--dry-run]``"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.errors import DomainError
from kompetensfond.core.models import Municipality
from kompetensfond.organisation.importing.services import (
    employee_import_confirm,
    employee_import_validate,
)
from kompetensfond.organisation.models import ImportStatus


class Command(BaseCommand):
    help = "Import a staff file (CSV or XLSX): validate all of it, then write all or nothing."
    # Django's system checks (a second of start-up here) are for deploying and serving;
    # this command validates its own input and is run from cron with large files.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipality", required=True, help="The municipality's slug")
        parser.add_argument("--end-missing", action="store_true",
                            help="End (set an end date on) employees missing from the file")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report only")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            municipality = Municipality.objects.get(slug=options["municipality"])
        except Municipality.DoesNotExist as exc:
            raise CommandError(f"Ingen kommun har kortnamnet {options['municipality']!r}.") from exc
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Filen {path} finns inte.")
        try:
            job = employee_import_validate(actor=SYSTEM, municipality=municipality,
                                           file_name=path.name, content=path.read_bytes(),
                                           preview=options["dry_run"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if job.status != ImportStatus.VALIDATED:
            if job.file_error:
                self.stderr.write(job.file_error)
            for error in job.errors:
                self.stderr.write(f"rad {error['row']}, {error['column']}: {error['message']}")
            raise CommandError(f"Filen har {job.error_count} fel; inget importerades.")
        if options["dry_run"]:
            self.stdout.write(f"Kontroll utan fel ({_summary(job.counts)}). "
                              "Inget skrevs (--dry-run).")
            return
        try:
            job = employee_import_confirm(actor=SYSTEM, job=job, end_missing=options["end_missing"],
                                          background=False)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Importerat: {_summary(job.counts)}, avslutade {job.counts['ended']}.")


def _summary(counts: dict[str, int]) -> str:
    return (f"nya {counts['new']}, ändrade {counts['changed']}, oförändrade "
            f"{counts['unchanged']}, saknas i filen {counts['to_end']}")
