"""``kompetensfond allowances-daily``: bring every active allowance scheme up to date with
the staff register (new hires who have started, leavers by the scheme's rule) and expire
the schemes past their last day for claims, returning what was not used to the fund.

Run daily (cron: ``30 6 * * * kompetensfond allowances-daily``); a second run on the same
day changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kompetensfond.allowances.daily import schemes_daily
from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.money import format_money


class Command(BaseCommand):
    help = "Update allowance schemes from the staff register and expire ended schemes."

    def handle(self, *args: Any, **options: Any) -> None:
        result = schemes_daily(SYSTEM)
        self.stdout.write(f"{result['updated']} ordningar uppdaterade, {result['expired']} "
                          f"avslutade, {format_money(result['released'])} åter till fonden.")
        for error in result["errors"]:
            self.stderr.write(error)
