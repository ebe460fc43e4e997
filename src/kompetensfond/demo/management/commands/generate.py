"""``kompetensfond generate``: the synthetic national dataset for benchmarks and load tests."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kompetensfond.demo.national import Generator, Sizes


class Command(BaseCommand):
    help = ("Fill the database with a synthetic national dataset: municipalities from "
            "Stockholm to Bjurholm with staff, funds, applications, decisions, a ledger, "
            "payments, follow-ups and allowances. Written with COPY on PostgreSQL.")

    def add_arguments(self, parser: Any) -> None:
        defaults = Sizes()
        for name in ("municipalities", "employees", "applications", "ledger_entries", "seed"):
            parser.add_argument(f"--{name.replace('_', '-')}", type=int,
                                default=getattr(defaults, name), dest=name)

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = Sizes(**{k: options[k] for k in ("municipalities", "employees", "applications",
                                                 "ledger_entries", "seed")})
        if min(sizes.municipalities, sizes.employees) < 1 or min(
                sizes.applications, sizes.ledger_entries) < 0:
            raise CommandError("Storlekarna måste vara positiva (minst en kommun och en "
                               "medarbetare).")
        if sizes.employees < 7 * sizes.municipalities:
            raise CommandError("Minst sju medarbetare per kommun (en per förvaltning).")
        if connection.vendor != "postgresql":
            self.stdout.write("Obs: utan PostgreSQL skrivs raderna med INSERT, inte COPY; "
                              "använd små storlekar.")
        began = time.perf_counter()

        def progress(line: str) -> None:
            self.stdout.write(f"[{time.perf_counter() - began:6.1f} s] {line}")

        writer = Generator(sizes, progress).run()
        total = time.perf_counter() - began
        self.stdout.write(f"Klart på {total:.1f} s. Rader per tabell:")
        for label, count in sorted(writer.written.items()):
            self.stdout.write(f"  {label:40} {count:>10}")
