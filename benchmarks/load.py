"""The application list behind gunicorn under load, on the national dataset (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nat .venv/bin/python benchmarks/load.py \
        --reuse

With ``--reuse`` the database of DATABASE_URL must hold ``kompetensfond generate``'s
dataset (migrated); without it, the dataset is generated into a scratch database
``kf_load_bench`` on the same server (``--municipalities`` … as for ``generate``), dropped
at the end. The production
settings are started for real: collectstatic, gunicorn with 2 workers on a free port of
127.0.0.1. Each of --clients concurrent clients is logged in as the case officer of the
largest municipality with a session of its own (sessions are renewed on every request) and
asks for ``/ansokningar/`` (the list, 50 rows) one request after another: answered from the
kept-page cache (``core.response_cache``) while nothing in the municipality changes;
``--uncached`` gives every request a query string of its own, so each is rendered. The generator
is bounded: it stops after --requests requests or --seconds seconds, whichever comes first,
after a warm-up of 200 requests not counted. Printed: requests per second, median, p95
and p99 latency, and any answer other than 200. Targets: ≥ 300 requests/s with p99 ≤
200 ms at 50 clients, on this 2-core machine with the load generator on the same cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
TARGET_RPS, TARGET_P99_MS = 300, 200
SCRATCH = "kf_load_bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sessions(count: int) -> list[str]:
    """``count`` sessions of the largest municipality's case officer, made as a login would
    make them (with the production settings' secret, so gunicorn accepts them)."""
    import django

    sys.path.insert(0, str(ROOT / "src"))
    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count

    from kompetensfond.core.models import Municipality, Role, User

    largest = Municipality.objects.annotate(staff=Count("employees")).order_by("-staff")[0]
    user = User.objects.get(membership__municipality=largest,
                            membership__roles__role=Role.FUND_ADMIN)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = []
    for _ in range(count):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    print(f"{count} sessions of {user.username} ({largest}, {largest.staff} employees)")
    return keys


async def one(port: int, path: str, session: str) -> tuple[int, float]:
    began = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
                  f"Cookie: sessionid={session}\r\nConnection: close\r\n\r\n").encode())
    await writer.drain()
    data = await reader.read()  # gunicorn's sync workers close after each answer
    writer.close()
    status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
    return status, (time.perf_counter() - began) * 1000


async def drive(port: int, path: str, keys: list[str], requests: int,
                seconds: float) -> tuple[list[float], dict[int, int], float]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    left = requests
    deadline = time.perf_counter() + seconds

    async def client(key: str) -> None:
        nonlocal left
        while left > 0 and time.perf_counter() < deadline:
            left -= 1
            status, ms = await one(port, path.replace("{n}", str(left)), key)
            statuses[status] = statuses.get(status, 0) + 1
            latencies.append(ms)

    began = time.perf_counter()
    await asyncio.gather(*(client(key) for key in keys))
    return latencies, statuses, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--path", default="/ansokningar/")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true",
                        help="DATABASE_URL already holds the generated dataset")
    for name in ("municipalities", "employees", "applications", "ledger-entries"):
        parser.add_argument(f"--{name}", type=int)
    parser.add_argument("--uncached", action="store_true",
                        help="a query string of its own for every request: no kept page")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("DATABASE_URL: a PostgreSQL server (with --reuse: the generated dataset)")
    scratch = None if args.reuse else scratch_database(args)
    try:
        run(args)
    finally:
        if scratch is not None:
            scratch()


def scratch_database(args: argparse.Namespace) -> Any:
    """Migrate and generate into ``kf_load_bench``; point DATABASE_URL at it; return
    what drops it."""
    import psycopg

    server = os.environ["DATABASE_URL"]
    base, _slash, _name = server.rpartition("/")
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        connection.execute(f"CREATE DATABASE {SCRATCH}")
    os.environ["DATABASE_URL"] = f"{base}/{SCRATCH}"
    sizes = [f"--{name}={value}" for name, value in (
        ("municipalities", args.municipalities), ("employees", args.employees),
        ("applications", args.applications), ("ledger-entries", args.ledger_entries))
        if value is not None]
    for command in (["migrate", "-v0"], ["generate", *sizes]):
        subprocess.run([str(BIN / "kompetensfond"), *command], cwd=ROOT, check=True,
                       env={**os.environ, "DJANGO_SETTINGS_MODULE":
                            "kompetensfond.settings.test"})

    def drop() -> None:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")

    return drop


def run(args: argparse.Namespace) -> None:
    static = Path(tempfile.mkdtemp())
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kompetensfond.settings.prod",
           "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "SITE_URL": f"http://127.0.0.1:{port}",
           "DJANGO_STATIC_ROOT": str(static), "DJANGO_LOG_LEVEL": "WARNING",
           # the cache every app server shares: kept pages and the data versions
           "CACHE_URL": os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/3")}
    os.environ.update(env)
    subprocess.run([str(BIN / "kompetensfond"), "collectstatic", "--noinput", "-v0"],
                   env=env, cwd=ROOT, check=True)
    keys = sessions(args.clients)
    path = args.path + ("?n={n}" if args.uncached else "")
    gunicorn = subprocess.Popen(
        [str(BIN / "gunicorn"), "kompetensfond.wsgi", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{port}", "--backlog", "2048"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        asyncio.run(drive(port, path, keys, 200, 30))  # warm-up: not counted
        latencies, statuses, elapsed = asyncio.run(
            drive(port, path, keys, args.requests, args.seconds))
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))]

    rps = len(latencies) / elapsed
    print(f"{len(latencies)} requests of {path} in {elapsed:.1f} s by {args.clients} "
          f"clients, gunicorn {args.workers} workers: {rps:.0f} requests/s")
    print(f"latency: median {statistics.median(latencies):.0f} ms, p95 {pct(0.95):.0f} ms, "
          f"p99 {pct(0.99):.0f} ms, max {latencies[-1]:.0f} ms; answers {statuses}")
    ok = rps >= TARGET_RPS and pct(0.99) <= TARGET_P99_MS and set(statuses) == {200}
    print(f"target ≥ {TARGET_RPS} requests/s with p99 ≤ {TARGET_P99_MS} ms: "
          f"{'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
