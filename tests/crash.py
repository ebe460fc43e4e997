"""Killing a process in the middle of a write (PostgreSQL): the write runs in a child
process, which the test stops at a chosen point by holding a row lock the write needs
later; once the child waits for it, it gets SIGKILL. PostgreSQL then rolls its
transaction back (no COMMIT was ever sent), and the test shows that nothing of it remains
and that the next run succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PRELUDE = "import django\ndjango.setup()\n"


def start(code: str) -> subprocess.Popen[bytes]:
    """``code`` run in a child process on the test database, as a worker would run it."""
    settings = connection.settings_dict
    url = (f"postgres://{settings['USER']}@{settings['HOST'] or 'localhost'}:"
           f"{settings['PORT'] or 5432}/{settings['NAME']}")
    env = {**os.environ, "DATABASE_URL": url,
           "DJANGO_SETTINGS_MODULE": "kompetensfond.settings.test",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    return subprocess.Popen([sys.executable, "-c", PRELUDE + code], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _waiting_backend() -> int | None:
    with connection.cursor() as cursor:
        # inside a transaction the activity view is a snapshot: take a fresh one
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                       "AND pid <> pg_backend_pid() AND datname = current_database()")
        row = cursor.fetchone()
    return int(row[0]) if row else None


def kill_when_blocked(child: subprocess.Popen[bytes], timeout: float = 60) -> int:
    """Wait until the child's transaction waits for the lock this test holds, then
    SIGKILL the child; return its database backend's pid."""
    deadline = time.monotonic() + timeout
    while (backend := _waiting_backend()) is None:
        if child.poll() is not None:
            raise AssertionError("the child ended before it reached the lock:\n"
                                 + (child.stdout.read().decode() if child.stdout else ""))
        if time.monotonic() > deadline:
            child.kill()
            raise AssertionError("the child never waited for the lock")
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    return backend


def wait_gone(backend: int, timeout: float = 30) -> None:
    """After the test lets go of its lock: the killed child's backend goes away (its
    transaction rolled back)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend])
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"backend {backend} is still there")


def finish(child: subprocess.Popen[bytes]) -> str:
    """Wait for a child that is not killed; fail with its output if it failed."""
    output = child.communicate(timeout=300)[0].decode()
    assert child.returncode == 0, output
    return output
