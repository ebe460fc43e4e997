"""``kompetensfond ledger-check [--fund ID]``: the stored balances and totals against the
entries. Prints every difference and exits 1 when there is one (for cron and monitoring);
exits 0 with a summary when the ledger agrees."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kompetensfond.funds.models import Fund
from kompetensfond.ledger.balances import differences
from kompetensfond.ledger.models import LedgerAccount, LedgerEntry


class Command(BaseCommand):
    help = ("Recompute every account's balance and the funds' month and unit totals from the "
            "ledger entries and report any stored figure that differs (exit 1).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--fund", type=int, help="check one fund (default: every fund)")

    def handle(self, *args: Any, **options: Any) -> None:
        fund_id = options.get("fund")
        if fund_id is not None and not Fund.objects.filter(pk=fund_id).exists():
            raise CommandError(f"Fonden {fund_id} finns inte.")
        found = differences(fund_id)
        accounts = LedgerAccount.objects.all()
        entries = LedgerEntry.objects.all()
        if fund_id is not None:
            accounts, entries = accounts.filter(fund_id=fund_id), entries.filter(
                account__fund_id=fund_id)
        scope = f"fonden {fund_id}" if fund_id is not None else "alla fonder"
        if found:
            for difference in found:
                self.stderr.write(f"AVVIKELSE {difference}")
            self.stderr.write(f"{len(found)} avvikelser i {scope}.")
            sys.exit(1)
        self.stdout.write(f"Huvudboken stämmer för {scope}: {accounts.count()} konton, "
                          f"{entries.count()} poster; saldon och månads- och "
                          "enhetssummor är lika med posterna.")
