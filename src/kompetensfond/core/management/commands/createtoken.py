from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kompetensfond.core.accounts import api_token_create
from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.models import User


class Command(BaseCommand):
    help = "Create (or show) the API token of USER: Authorization: Token <key>."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"Ingen användare heter {username!r}.") from exc
        self.stdout.write(api_token_create(actor=SYSTEM, user=user))
