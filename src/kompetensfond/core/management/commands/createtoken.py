from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kompetensfond.core.accounts import api_token_create
from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.errors import DomainError
from kompetensfond.core.models import User


class Command(BaseCommand):
    help = ("Create a new API token for USER (Authorization: Token <key>). The key is "
            "printed this once: only its hash is stored.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=90, help="valid for (1-366 days)")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"Ingen användare heter {username!r}.") from exc
        try:
            key = api_token_create(actor=SYSTEM, user=user, days=options["days"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(key)
        self.stderr.write(f"Nyckeln visas bara nu och gäller i {options['days']} dagar.")
