"""``kompetensfond backup-check DUMP``: restore a backup into a scratch database and compare
it with this one (``core/backup.py``). Exit 1 when anything differs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kompetensfond.core.backup import backup_check


class Command(BaseCommand):
    help = ("Restore a backup (pg_dump --format=custom, or a SQLite backup file) into a "
            "scratch database, check its ledger and compare its append-only records with "
            "this database. Exit 1 on any difference.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("dump", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        dump: Path = options["dump"]
        if not dump.is_file():
            raise CommandError(f"Ingen säkerhetskopia: {dump}")
        ok, lines = backup_check(dump)
        width = max(len(line.what) for line in lines)
        self.stdout.write(f"{'':{width}}  {'källan':30}  {'återläst kopia':30}")
        for line in lines:
            mark = "lika" if line.same else "SKILJER SIG"
            self.stdout.write(f"{line.what:{width}}  {line.source:30}  {line.copy:30}  {mark}"
                              + (f" ({line.note})" if line.note else ""))
        if not ok:
            self.stderr.write("Säkerhetskopian stämmer inte med källan.")
            raise SystemExit(1)
        self.stdout.write("Säkerhetskopian återläses och stämmer med källan.")
