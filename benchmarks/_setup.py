"""Shared set-up for benchmarks: a fresh database (PostgreSQL when DATABASE_URL points at
one, else SQLite in memory) with migrations applied, torn down at exit."""

from __future__ import annotations

import atexit
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kompetensfond.settings.test")


def fresh_database() -> str:
    import django

    django.setup()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    atexit.register(connection.creation.destroy_test_db, old_name, verbosity=0)
    return f"{connection.vendor} {connection.settings_dict['NAME']}"
