"""Exit 0 when the PostgreSQL server in argv[1] (a postgres:// URL) answers, else 1."""

import sys

import psycopg

try:
    with psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=5):
        pass
except psycopg.Error as exc:
    print(f"PostgreSQL: {exc}", file=sys.stderr)
    sys.exit(1)
