"""Rows written in bulk, without the services: for ``kompetensfond generate`` only.

A ``BulkWriter`` hands out primary keys itself (from the table's current maximum), keeps the
rows of each model as tuples of the columns declared for it, and writes them with ``COPY …
FROM STDIN`` on PostgreSQL (``executemany`` elsewhere, for the small sizes of the tests).
Every column not declared gets the field's default once (``auto_now``/``auto_now_add``:
the time of the run). At the end the id sequences are moved past the ids used.

Nothing here checks a rule: the caller builds data that keeps them (the ledger's stored
figures are computed from the entries it writes, and ``ledger-check`` proves it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone


class BulkWriter:
    def __init__(self) -> None:
        self.now = timezone.now()
        self._next: dict[type[models.Model], int] = {}
        self._columns: dict[type[models.Model], tuple[str, ...]] = {}
        self._defaults: dict[type[models.Model], tuple[Any, ...]] = {}
        self._fields: dict[type[models.Model], list[models.Field[Any, Any]]] = {}
        self._rows: dict[type[models.Model], list[tuple[Any, ...]]] = defaultdict(list)
        self.written: Counter[str] = Counter()

    def declare(self, model: type[models.Model], *attnames: str) -> None:
        """The columns (attnames, ``id`` first) that each ``add`` for ``model`` gives."""
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(attnames) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        rest = [f for name, f in fields.items() if name not in attnames]
        self._columns[model] = (*attnames, *(f.attname for f in rest))
        self._defaults[model] = tuple(self._default(f) for f in rest)
        self._fields[model] = [fields[name] for name in self._columns[model]]
        if model not in self._next:
            top = model._default_manager.aggregate(top=Max("pk"))["top"]
            self._next[model] = (top or 0) + 1

    def _default(self, field: models.Field[Any, Any]) -> Any:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value: Any = self.now
        else:
            value = field.get_default()
        if field.primary_key:
            raise ValueError(f"{field} must be declared")
        return field.get_db_prep_save(value, connection)

    def new_id(self, model: type[models.Model]) -> int:
        pk = self._next[model]
        self._next[model] = pk + 1
        return pk

    def add(self, model: type[models.Model], *values: Any) -> int:
        """Add one row (its values in the declared order, id first); return its id."""
        self._rows[model].append(values)
        return int(values[0])

    def flush(self) -> None:
        """Write every row added since the last flush (the caller holds the transaction)."""
        with connection.cursor() as cursor:
            for model, rows in self._rows.items():
                if rows:
                    self._write(cursor, model, rows)
                    self.written[model._meta.label] += len(rows)
        self._rows.clear()

    def _write(self, cursor: Any, model: type[models.Model],
               rows: Sequence[tuple[Any, ...]]) -> None:
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self._fields[model])
        defaults = self._defaults[model]
        if connection.vendor == "postgresql":
            # psycopg writes Python's dates, decimals and strings as they are; JSON
            # columns need the field's own adaptation
            json = [(i, f) for i, f in enumerate(self._fields[model][:len(rows[0])])
                    if isinstance(f, models.JSONField)]
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    if json:
                        values = list(row)
                        for i, f in json:
                            values[i] = f.get_db_prep_save(values[i], connection)
                        row = tuple(values)
                    copy.write_row(row + defaults)
            return
        fields = self._fields[model][:len(rows[0])]
        marks = ", ".join(["%s"] * len(self._fields[model]))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",
            [tuple(f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True))
             + defaults for row in rows])

    def reset_sequences(self) -> None:
        """Move each table's id sequence past the ids handed out here."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(self._next))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
