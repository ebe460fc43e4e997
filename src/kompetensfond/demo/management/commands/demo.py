"""``kompetensfond demo``: load the demo municipalities and print the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from kompetensfond.core.i18n import record_language
from kompetensfond.core.models import Municipality, User
from kompetensfond.demo.funds import build_demo_funds
from kompetensfond.demo.organisation import DEMO_PASSWORD, ROLE_USERS, SPECS, build_municipality
from kompetensfond.demo.staff import build_staff


class Command(BaseCommand):
    help = "Create the four demo municipalities of the seeds with one user per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when municipalities already exist.")

    def handle(self, *args: Any, **options: Any) -> None:
        if Municipality.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demodata finns redan.")
                self.print_logins()
                return
            raise CommandError("Databasen har redan kommuner; demo laddas bara i en tom databas.")
        # the demo's own steps notify nobody: their e-mail would only flood the console
        quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
        with quiet, transaction.atomic(), record_language():
            for spec in SPECS:
                demo = build_municipality(spec)
                job = build_staff(demo.municipality)
                funds = build_demo_funds(demo)
                self.stdout.write(f"Skapade {spec.name} med {job.counts['new']} medarbetare "
                                  f"och fonderna {', '.join(f.name for f in funds)}")
            if not User.objects.filter(username="plattform").exists():
                User.objects.create_superuser("plattform", "plattform@demo.invalid", DEMO_PASSWORD)
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo-inloggningar (lösenord för alla: {DEMO_PASSWORD}):")
        for spec in SPECS:
            names = ", ".join(f"{spec.slug}-{suffix}" for suffix, *_rest in ROLE_USERS)
            self.stdout.write(f"  {spec.name}: {names}")
        self.stdout.write("  Plattformsadministratör (Django admin): plattform")
