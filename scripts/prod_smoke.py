"""The production build as the README describes it, started for real (make test-prod).

On a scratch PostgreSQL database (argv[1], a postgres:// URL of the server; SQLite in a
temporary file when none is given) with the production settings: migrate, collectstatic
with the hashed, compressed manifest storage, ``check --deploy --fail-level WARNING``,
then gunicorn with two workers on a free port of 127.0.0.1. It asks for the login page
(200, with the security headers) and the hashed stylesheet it links to (200, cached for
good), and checks that plain HTTP is redirected to HTTPS; then it stops gunicorn and drops
the database. Any failure exits 1 with what went wrong.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SCRATCH = "kf_prod_smoke"
HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'",
}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fail(message: str) -> None:
    print(f"PRODUCTION SMOKE TEST FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([str(BIN / "kompetensfond"), *args], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        fail(f"kompetensfond {' '.join(args)}:\n{result.stdout}\n{result.stderr}")
    return result.stdout + result.stderr


def get(url: str, *, https: bool = True) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"} if https
                                     else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database(server: str | None, workdir: Path) -> tuple[str, object]:
    if not server:
        return f"sqlite:///{workdir / 'prod.sqlite3'}", lambda: None
    import psycopg

    admin = server.replace("postgres://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        connection.execute(f"CREATE DATABASE {SCRATCH}")

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")

    return re.sub(r"/[^/]*$", f"/{SCRATCH}", server), drop


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url, drop = database(sys.argv[1] if len(sys.argv) > 1 else None, workdir)
        port = free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kompetensfond.settings.prod",
               "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
               "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DATABASE_URL": url,
               "SITE_URL": f"http://127.0.0.1:{port}",
               "DJANGO_STATIC_ROOT": str(workdir / "static")}
        gunicorn = None
        try:
            run(env, "migrate", "--verbosity", "0")
            print(run(env, "collectstatic", "--noinput").strip().splitlines()[-1])
            print(run(env, "check", "--deploy", "--fail-level", "WARNING").strip())
            gunicorn = subprocess.Popen(
                [str(BIN / "gunicorn"), "kompetensfond.wsgi", "--workers", "2", "--bind",
                 f"127.0.0.1:{port}"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, text=True)
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    status, headers, body = get(base + "/logga-in/")
                    break
                except (ConnectionError, urllib.error.URLError):
                    time.sleep(0.2)
            else:
                fail("gunicorn did not answer within 20 s")
            if status != 200:
                fail(f"the login page answered {status}")
            for name, expected in HEADERS.items():
                if expected not in headers.get(name, ""):
                    fail(f"{name} is {headers.get(name)!r}, expected {expected!r}")
            print(f"GET /logga-in/ → {status}, with " + ", ".join(HEADERS))
            match = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', body)
            if match is None:
                fail("the login page links no hashed stylesheet")
            path = match.group(1).decode()
            status, headers, _body = get(base + path)
            if status != 200 or "immutable" not in headers.get("Cache-Control", ""):
                fail(f"{path} answered {status} with Cache-Control "
                     f"{headers.get('Cache-Control')!r}")
            print(f"GET {path} → {status}, Cache-Control: {headers['Cache-Control']}")
            status, headers, _body = get(base + "/logga-in/", https=False)
            if status != 301 or not headers.get("Location", "").startswith("https://"):
                fail(f"plain HTTP answered {status} → {headers.get('Location')!r}")
            print(f"GET http://…/logga-in/ → {status} to {headers['Location']}")
        finally:
            if gunicorn is not None:
                gunicorn.terminate()
                output = gunicorn.communicate(timeout=30)[0]
                if "Traceback" in output:
                    print(output, file=sys.stderr)
                    fail("gunicorn logged a traceback")
            drop()  # type: ignore[operator]
    print("production build: OK")


if __name__ == "__main__":
    main()
