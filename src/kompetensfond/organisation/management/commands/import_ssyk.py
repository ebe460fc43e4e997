"""``kompetensfond import-ssyk FILE``: Swedish occupation names from SCB's SSYK 2012 file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.errors import DomainError
from kompetensfond.organisation.services import occupation_names_import


class Command(BaseCommand):
    help = "Load the Swedish names of SSYK 2012 from SCB's published file (CSV or XLSX)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            changed = occupation_names_import(actor=SYSTEM, content=options["file"].read_bytes())
        except (DomainError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{changed} yrkesbenämningar uppdaterade.")
