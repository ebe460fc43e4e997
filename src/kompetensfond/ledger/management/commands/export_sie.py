"""``kompetensfond export-sie --fund ID --year YYYY [--output FILE]``: SIE 4I of a fund."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kompetensfond.funds.models import Fund
from kompetensfond.ledger.sie import sie_bytes, sie_filename


class Command(BaseCommand):
    help = "Write the fund's ledger transactions of one year as a SIE 4I file (code page 437)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--fund", type=int, required=True, help="the fund's id")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", type=Path,
                            help="file to write; '-' for standard output (default: "
                                 "kompetensfond-<fund>-<year>.se)")

    def handle(self, *args: Any, **options: Any) -> None:
        fund = Fund.objects.select_related("municipality").filter(pk=options["fund"]).first()
        if fund is None:
            raise CommandError(f"Fonden {options['fund']} finns inte.")
        year = options["year"]
        if not 1900 <= year <= 2999:
            raise CommandError("Ange ett år med fyra siffror, till exempel --year 2024.")
        content = sie_bytes(fund, year, generated_by="export-sie")
        output = options["output"] or Path(sie_filename(fund, year))
        if str(output) == "-":
            sys.stdout.buffer.write(content)
            return
        output.write_bytes(content)
        self.stdout.write(f"{output}: {content.count(b'#VER')} verifikationer.")
