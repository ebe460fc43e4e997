"""``kompetensfond``: the project's command line, a thin wrapper over Django's commands.

    kompetensfond demo
    kompetensfond import-employees FILE --municipality SLUG
    kompetensfond createtoken USER
    kompetensfond migrate | runserver | any other manage.py command
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kompetensfond.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args:
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["kompetensfond", *args])


if __name__ == "__main__":  # pragma: no cover
    main()
