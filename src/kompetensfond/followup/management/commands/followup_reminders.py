"""``kompetensfond followup-reminders``: e-mail the managers whose grants owe a report.

Run daily (cron: ``15 6 * * * kompetensfond followup-reminders``); running it twice on a
day sends nothing the second time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kompetensfond.core.actors import SYSTEM
from kompetensfond.followup.services import follow_up_reminders_send


class Command(BaseCommand):
    help = "Send reminders of follow-up reports due within two weeks or overdue."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = follow_up_reminders_send(actor=SYSTEM)
        self.stdout.write(f"{sent} påminnelser skickade.")
