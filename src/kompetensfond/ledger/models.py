"""The append-only double-entry ledger of each fund.

Every movement of money is a LedgerTransaction whose entries sum to zero over the fund's
accounts. Entries are inserted, never updated or deleted (enforced here, and by a trigger on
PostgreSQL); a mistake is corrected by a reversing transaction. Balances are sums of entries.

So that no check or page has to sum a fund's whole history, the ledger services keep three
figures up to date in the same transaction as the entries, under the fund lock: each
account's ``balance``, the fund's totals per account kind, earmark and month
(``LedgerMonthTotal``) and per account kind, unit and month (``LedgerUnitTotal``). Nothing else
writes them (the ORM refuses to update these rows), and ``kompetensfond ledger-check``
recomputes all three from the entries and reports any difference.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompetensfond.core.money import MoneyField
from kompetensfond.funds.models import Earmark, Fund
from kompetensfond.organisation.models import OrgUnit


class AccountKind(models.TextChoices):
    EXTERNAL = "external", _("External")
    AVAILABLE = "available", _("Available")
    RESERVED = "reserved", _("Reserved")
    COMMITTED = "committed", _("Granted, not paid")
    DISBURSED = "disbursed", _("Paid")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("ledger rows are never updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("ledger rows are never deleted")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("ledger rows are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("ledger rows are never deleted")


class LedgerAccount(AppendOnlyModel):
    """One account of a fund: ``available`` of the fund or of an earmark; ``reserved``,
    ``committed`` and ``disbursed`` per subject (an application, an allowance scheme …).
    ``balance`` is the sum of its entries, kept by the ledger services."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(max_length=12, choices=AccountKind.choices)
    earmark = models.ForeignKey(Earmark, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="accounts")
    subject_type = models.CharField(max_length=60, blank=True, default="")
    subject_id = models.CharField(max_length=64, blank=True, default="")
    balance = MoneyField(_("balance"), default=0)

    class Meta:
        # One account per (fund, kind, earmark, subject); two partial indexes so that "no
        # earmark" is unique too, on SQLite as well as PostgreSQL.
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "kind", "earmark", "subject_type", "subject_id"],
                condition=models.Q(earmark__isnull=False), name="ledger_account_unique",
            ),
            models.UniqueConstraint(
                fields=["fund", "kind", "subject_type", "subject_id"],
                condition=models.Q(earmark__isnull=True), name="ledger_account_unique_fund",
            ),
        ]

    def __str__(self) -> str:
        parts = [self.get_kind_display()]
        if self.earmark_id:
            parts.append(str(self.earmark))
        if self.subject_type:
            parts.append(f"{self.subject_type} {self.subject_id}")
        return " · ".join(parts)


class TransactionKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Contribution")
    EARMARK = "earmark", _("Earmarking")
    RESERVATION = "reservation", _("Reservation")
    RELEASE = "release", _("Release of a reservation")
    COMMITMENT = "commitment", _("Commitment")
    DECOMMITMENT = "decommitment", _("Decommitment")
    DISBURSEMENT = "disbursement", _("Payment")
    RETURN = "return", _("Return")
    ADJUSTMENT = "adjustment", _("Correction")


class LedgerTransaction(AppendOnlyModel):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(_("kind"), max_length=14, choices=TransactionKind.choices)
    date = models.DateField(_("date"))
    text = models.CharField(_("text"), max_length=255)
    earmark = models.ForeignKey(Earmark, verbose_name=_("earmark"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="transactions")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversed_by")
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "idempotency_key"],
                                    name="ledger_idempotency_unique"),
        ]
        indexes = [
            models.Index(fields=["fund", "date"], name="ledger_txn_fund_date"),
            models.Index(fields=["source_type", "source_id"], name="ledger_txn_source"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date} {self.text}"


class LedgerEntry(AppendOnlyModel):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT,
                                    related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount = MoneyField(_("amount"))

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_entry_nonzero"),
        ]
        indexes = [models.Index(fields=["account", "amount"], name="ledger_entry_account")]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount}"


class LedgerMonthTotal(AppendOnlyModel):
    """The sum of a fund's entries of one account kind and earmark (0: none) booked in one
    month: balances, earmarks and the burn-down without reading the entries."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=AccountKind.choices)
    earmark_key = models.PositiveIntegerField(default=0)
    month = models.DateField()
    amount = MoneyField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fund", "kind", "earmark_key", "month"],
                                    name="ledger_month_total_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.kind} {self.earmark_key} {self.month}: {self.amount}"


class LedgerUnitTotal(AppendOnlyModel):
    """The sum of a fund's entries of one account kind for one unit (0: none) booked in
    one month: use per unit and administration, for all time or for a period of whole
    months, without reading the entries."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=AccountKind.choices)
    unit_key = models.PositiveIntegerField(default=0)
    month = models.DateField()
    amount = MoneyField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fund", "kind", "unit_key", "month"],
                                    name="ledger_unit_month_total_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.kind} {self.unit_key} {self.month}: {self.amount}"


class SieAccount(models.Model):
    """A municipality's account number for one ledger account kind in the SIE export."""

    municipality = models.ForeignKey("core.Municipality", on_delete=models.CASCADE,
                                     related_name="+")
    kind = models.CharField(max_length=20)
    number = models.CharField(_("account"), max_length=10)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind"], name="sie_account_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
