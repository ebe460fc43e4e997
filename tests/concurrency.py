"""Requests at the same moment, for the PostgreSQL concurrency tests: each in its own
thread with its own connection, started together at a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connection

from kompetensfond.core.errors import ConflictError


def at_once(count: int, action: Callable[[int], Any]) -> list[str]:
    """Run ``action(0) … action(count - 1)`` at once; each result is "ok" or the code of
    the ConflictError it raised."""
    start = threading.Barrier(count)

    def client(n: int) -> str:
        start.wait()
        try:
            action(n)
            return "ok"
        except ConflictError as exc:
            return str(exc.code)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as executor:
        return list(executor.map(client, range(count)))
