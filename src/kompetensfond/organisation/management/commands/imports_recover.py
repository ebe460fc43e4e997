"""``kompetensfond imports-recover``: run again the staff imports whose worker died."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kompetensfond.core.actors import SYSTEM
from kompetensfond.organisation.importing.services import employee_import_recover


class Command(BaseCommand):
    help = ("Find staff imports left running by a worker that stopped (nothing of them is "
            "written) and queue them again, or mark them failed after three tries. Run it "
            "when the task worker starts and every few minutes.")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = employee_import_recover(actor=SYSTEM)
        for job in jobs:
            self.stdout.write(f"Import {job.pk} ({job.file_name}): {job.get_status_display()}")
        self.stdout.write(f"{len(jobs)} avbrutna importer omhändertagna.")
