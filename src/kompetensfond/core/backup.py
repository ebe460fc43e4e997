"""Proof that a backup restores: ``kompetensfond backup-check DUMP``.

The dump (``pg_dump --format=custom`` of PostgreSQL, or a SQLite file made with SQLite's
online backup) is restored into a scratch database. There ``kompetensfond ledger-check``
must find every stored balance and total equal to the sums of the entries, and the
append-only records must be those of the source: the ledger's entries and transactions,
the § register, the capital's contributions and the audit trail are compared row by row
(a SHA-256 over every row up to the highest id in the copy, in id order) with the database
the dump was taken from, with the sums per account kind printed. Rows the source has added
since the dump (higher ids) are left out of the comparison and counted as newer, so the
check can run against a live database.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess  # nosec B404 - pg_restore and ledger-check, with fixed arguments
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection

from kompetensfond.audit.models import AuditEvent
from kompetensfond.funds.models import Contribution
from kompetensfond.ledger.models import LedgerAccount, LedgerEntry, LedgerTransaction
from kompetensfond.organisation.models import Paragraph

# (what, model, columns compared): append-only records, compared row by row
RECORDS: list[tuple[str, Any, tuple[str, ...]]] = [
    ("Verifikatrader (huvudbok)", LedgerEntry, ("id", "transaction_id", "account_id", "amount")),
    ("Transaktioner (huvudbok)", LedgerTransaction,
     ("id", "fund_id", "kind", "date", "text", "source_type", "source_id", "reverses_id")),
    ("Paragrafregister (§)", Paragraph, ("id", "body_id", "year", "number", "text")),
    ("Kapitaltillskott", Contribution,
     ("id", "fund_id", "amount", "date", "source", "decision_body_id", "decision_date",
      "paragraph", "case_number")),
    ("Händelselogg", AuditEvent,
     ("id", "municipality_id", "actor_id", "action", "object_type", "object_id",
      "created_at")),
]
SCRATCH = "kf_backup_check"

Query = Callable[[str, list[Any]], Iterable[tuple[Any, ...]]]


@dataclass
class Line:
    what: str
    source: str
    copy: str
    same: bool
    note: str = ""


def _canonical(value: Any) -> Any:
    """One spelling per value whichever connection read it: a moment in UTC, an amount
    with its two decimals."""
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rows_hash(query: Query, table: str, columns: tuple[str, ...], upto: int
               ) -> tuple[int, str]:
    digest, count = hashlib.sha256(), 0
    sql = (f"SELECT {', '.join(columns)} FROM {table} WHERE id <= %s "  # nosec B608
           "ORDER BY id")
    for row in query(sql, [upto]):
        digest.update(repr(tuple(_canonical(value) for value in row)).encode())
        count += 1
    return count, digest.hexdigest()[:16]


def _kind_sums(query: Query, upto: int) -> dict[str, str]:
    entries, accounts = LedgerEntry._meta.db_table, LedgerAccount._meta.db_table
    sql = (f"SELECT a.kind, SUM(e.amount) FROM {entries} e "  # nosec B608
           f"JOIN {accounts} a ON a.id = e.account_id WHERE e.id <= %s GROUP BY a.kind "
           "ORDER BY a.kind")
    return {kind: f"{total:.2f}" if total is not None else "0.00"
            for kind, total in query(sql, [upto])}


def _scalar(query: Query, sql: str, params: list[Any]) -> int:
    return int(next(iter(query(sql, params)))[0] or 0)


def compare(source: Query, copy: Query) -> list[Line]:
    """The copy's append-only records against the source's, up to the copy's last rows."""
    lines = []
    tops: dict[Any, int] = {}
    for what, model, columns in RECORDS:
        table = model._meta.db_table
        top = tops[model] = _scalar(copy, f"SELECT MAX(id) FROM {table}", [])  # nosec B608
        newer = _scalar(source, f"SELECT COUNT(*) FROM {table} WHERE id > %s",  # nosec B608
                        [top])
        mine, theirs = _rows_hash(source, table, columns, top), _rows_hash(copy, table,
                                                                           columns, top)
        lines.append(Line(what, f"{mine[0]} rader {mine[1]}", f"{theirs[0]} rader {theirs[1]}",
                          mine == theirs, f"{newer} nyare i källan" if newer else ""))
    mine_sums = _kind_sums(source, tops[LedgerEntry])
    their_sums = _kind_sums(copy, tops[LedgerEntry])
    for kind in sorted(set(mine_sums) | set(their_sums)):
        a, b = mine_sums.get(kind, "0.00"), their_sums.get(kind, "0.00")
        lines.append(Line(f"Summa {kind}", a, b, a == b))
    return lines


def _django_cursor() -> Query:
    def query(sql: str, params: list[Any]) -> Iterator[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(5000):
                yield from rows
    return query


@contextmanager
def restored(dump: Path) -> Iterator[tuple[Query, str]]:
    """The dump restored into a scratch database: a query function and its URL."""
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "restored.sqlite3"
            shutil.copyfile(dump, copy)  # a SQLite backup is the database itself
            lite = sqlite3.connect(copy, detect_types=sqlite3.PARSE_DECLTYPES)
            try:
                def read_sqlite(sql: str, params: list[Any]) -> Iterator[tuple[Any, ...]]:
                    yield from lite.execute(sql.replace("%s", "?"), params)
                yield read_sqlite, f"sqlite:///{copy}"
            finally:
                lite.close()
        return
    import psycopg

    settings = connection.settings_dict
    server = {"host": settings["HOST"] or "localhost", "port": settings["PORT"] or 5432,
              "user": settings["USER"], "password": settings["PASSWORD"] or None}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {SCRATCH}")
    try:
        env = {**os.environ, "PGPASSWORD": server["password"] or ""}
        subprocess.run(  # nosec B603 B607 - fixed program and arguments
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
             "-h", str(server["host"]), "-p", str(server["port"]), "-U", str(server["user"]),
             "-d", SCRATCH, str(dump)], check=True, env=env, capture_output=True)
        with psycopg.connect(dbname=SCRATCH, **server) as pg:
            def read_postgresql(sql: str, params: list[Any]) -> Iterator[tuple[Any, ...]]:
                with pg.cursor() as cursor:
                    cursor.execute(sql, params)
                    yield from cursor
            password = f":{server['password']}" if server["password"] else ""
            yield read_postgresql, (f"postgres://{server['user']}{password}@{server['host']}:"
                          f"{server['port']}/{SCRATCH}")
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")


def ledger_check(url: str) -> tuple[bool, str]:
    """``kompetensfond ledger-check`` run on the restored copy."""
    result = subprocess.run(  # nosec B603 - this Python, this project's command
        [sys.executable, "-m", "kompetensfond", "ledger-check"], capture_output=True,
        text=True, env={**os.environ, "DATABASE_URL": url,
                        "DJANGO_SETTINGS_MODULE": os.environ.get(
                            "DJANGO_SETTINGS_MODULE", "kompetensfond.settings.dev")})
    return result.returncode == 0, (result.stdout + result.stderr).strip().splitlines()[-1]


def backup_check(dump: Path) -> tuple[bool, list[Line]]:
    with restored(dump) as (copy, url):
        ok, said = ledger_check(url)
        lines = [Line("Huvudboken i kopian (ledger-check)", "", said, ok)]
        lines += compare(_django_cursor(), copy)
    return all(line.same for line in lines), lines
