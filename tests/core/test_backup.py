"""``kompetensfond backup-check``: a backup restored into a scratch database agrees with its
source (balances, ledger, § register, audit trail), and a difference is found."""

from __future__ import annotations

import sqlite3
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from kompetensfond.organisation.models import Paragraph

pytestmark = pytest.mark.django_db(transaction=True)


def generate() -> None:
    call_command("generate", municipalities=2, employees=300, applications=80,
                 ledger_entries=600, stdout=StringIO())


def dump(tmp_path: Path) -> Path:
    """A backup as the README says to take one."""
    if connection.vendor == "sqlite":
        target = tmp_path / "backup.sqlite3"
        destination = sqlite3.connect(target)
        connection.ensure_connection()
        connection.connection.backup(destination)  # SQLite's online backup
        destination.close()
        return target
    settings = connection.settings_dict
    target = tmp_path / "backup.dump"
    subprocess.run(["pg_dump", "--format=custom", "-h", settings["HOST"] or "localhost",
                    "-p", str(settings["PORT"] or 5432), "-U", settings["USER"],
                    "-f", str(target), settings["NAME"]], check=True)
    return target


def check(path: Path) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("backup_check", str(path), stdout=out, stderr=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_a_backup_restores_to_the_same_ledger_register_and_audit_trail(tmp_path) -> None:
    generate()
    code, output = check(dump(tmp_path))
    assert code == 0, output
    assert "Huvudboken stämmer" in output
    for what in ("Verifikatrader", "Paragrafregister", "Händelselogg", "Summa disbursed"):
        line = next(line for line in output.splitlines() if line.startswith(what))
        assert line.rstrip().endswith("lika"), line
    assert "SKILJER" not in output


def test_rows_added_since_the_backup_are_newer_not_a_difference(tmp_path) -> None:
    generate()
    backup = dump(tmp_path)
    generate()  # more of everything after the backup was taken
    code, output = check(backup)
    assert code == 0, output
    assert "nyare i källan" in output


def test_a_register_that_differs_from_the_backup_is_reported(tmp_path) -> None:
    generate()
    backup = dump(tmp_path)
    paragraph = Paragraph.objects.order_by("pk").first()
    assert paragraph is not None
    Paragraph.objects.filter(pk=paragraph.pk).update(text="Ändrad i efterhand")
    code, output = check(backup)
    assert code == 1
    line = next(line for line in output.splitlines() if line.startswith("Paragrafregister"))
    assert "SKILJER SIG" in line
