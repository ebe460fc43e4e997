"""Reports for politicians and auditors: where the money went, read from the ledger (so
the figures always add up to it) and from the follow-up reports.

*Granted* in a group is what is committed or paid there (decisions minus what was given
back); *paid* is what was paid out minus returns. Both are sums of ledger entries on the
``committed`` and ``disbursed`` accounts, grouped in the database by the transaction's
unit, the account's earmark or the application it belongs to; the grouping dimension is
then mapped in Python over a few hundred units at most."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.applications.models import Application
from kompetensfond.core.money import MoneySum
from kompetensfond.core.permissions import municipality_of
from kompetensfond.funds.models import Earmark, Fund
from kompetensfond.ledger.models import AccountKind, LedgerEntry
from kompetensfond.organisation.models import Employee, Gender, OrgUnit, Sector

ZERO = Decimal("0.00")
APPLICATION = "applications.application"
DIMENSIONS = ("administration", "unit", "body", "sector", "strategy", "occupation", "earmark")


def dimension_labels() -> dict[str, str]:
    return {"administration": _("Administration"), "unit": _("Unit"), "body": _("Body"),
            "sector": _("Sector"), "strategy": _("Strategy"),
            "occupation": _("Target occupation"), "earmark": _("Earmark or frame")}


@dataclass
class Row:
    label: str
    granted: Decimal = ZERO
    paid: Decimal = ZERO
    share: Decimal | None = None  # of all granted, in per cent


@dataclass
class Distribution:
    by: str
    rows: list[Row]
    granted: Decimal
    paid: Decimal
    overlapping: bool = False  # strategy/occupation: a grant counts in each of its groups
    notes: list[str] = field(default_factory=list)


def report_funds(user: Any, fund: Fund | None = None) -> QuerySet[Fund]:
    qs = Fund.objects.filter(municipality=municipality_of(user))
    return qs.filter(pk=fund.pk) if fund is not None else qs


def _entries(funds: QuerySet[Fund], start: date | None, end: date | None) -> QuerySet[Any]:
    qs = LedgerEntry.objects.filter(account__fund__in=funds,
                                    account__kind__in=(AccountKind.COMMITTED,
                                                       AccountKind.DISBURSED))
    if start:
        qs = qs.filter(transaction__date__gte=start)
    if end:
        qs = qs.filter(transaction__date__lte=end)
    return qs


def _add(totals: dict[Any, list[Decimal]], key: Any, kind: str, amount: Decimal) -> None:
    pair = totals.setdefault(key, [ZERO, ZERO])
    pair[0] += amount  # committed + disbursed: granted
    if kind == AccountKind.DISBURSED:
        pair[1] += amount


def distribution(funds: QuerySet[Fund], by: str, *, start: date | None = None,
                 end: date | None = None) -> Distribution:
    """Granted and paid money per ``by`` (one of DIMENSIONS) in the funds and period."""
    if by not in DIMENSIONS:
        raise ValueError(by)
    entries = _entries(funds, start, end)
    none_label = {"earmark": _("Not earmarked"), "strategy": _("No strategy"),
                  "occupation": _("No target occupation")}.get(by, _("Outside the organisation"))
    totals: dict[Any, list[Decimal]] = {}
    labels: dict[Any, str] = {}
    overlapping = by in ("strategy", "occupation")
    if by == "earmark":
        for row in entries.values("account__earmark_id", "account__kind").annotate(
                total=MoneySum("amount")).order_by():
            _add(totals, row["account__earmark_id"], row["account__kind"], row["total"])
        labels = dict(Earmark.objects.filter(pk__in=[k for k in totals if k])
                      .values_list("pk", "name"))
    elif by in ("strategy", "occupation"):
        per_application: dict[Any, list[Decimal]] = {}
        for row in entries.values("transaction__source_type", "transaction__source_id",
                                  "account__kind").annotate(total=MoneySum("amount")).order_by():
            key = (row["transaction__source_id"]
                   if row["transaction__source_type"] == APPLICATION else None)
            _add(per_application, key, row["account__kind"], row["total"])
        ids = [int(k) for k in per_application if k and k.isdigit()]
        through = (Application.strategies.through if by == "strategy"
                   else Application.occupations.through)
        target = "strategy" if by == "strategy" else "occupation"
        links: dict[str, list[int]] = defaultdict(list)
        for application_id, target_id in through.objects.filter(
                application_id__in=ids).values_list("application_id", f"{target}_id"):
            links[str(application_id)].append(target_id)
        for key, (granted, paid) in per_application.items():
            targets: list[int | None] = [*links.get(key or "", [])] or [None]
            for target_id in targets:
                pair = totals.setdefault(target_id, [ZERO, ZERO])
                pair[0] += granted
                pair[1] += paid
        if by == "strategy":
            from kompetensfond.plans.models import Strategy

            labels = {s.pk: f"{s.code} {s.title}" for s in Strategy.objects.filter(
                pk__in=[k for k in totals if k])}
        else:
            from kompetensfond.organisation.models import Occupation

            labels = {o.pk: f"{o.ssyk_code} {o.name}" for o in Occupation.objects.filter(
                pk__in=[k for k in totals if k])}
    else:
        per_unit: dict[Any, list[Decimal]] = {}
        for row in entries.values("transaction__org_unit_id", "account__kind").annotate(
                total=MoneySum("amount")).order_by():
            _add(per_unit, row["transaction__org_unit_id"], row["account__kind"], row["total"])
        units = {u.pk: u for u in OrgUnit.objects.filter(
            municipality__in=funds.values("municipality")).select_related("responsible_body")}
        sectors = dict(Sector.choices)
        for unit_id, (granted, paid) in per_unit.items():
            unit = units.get(unit_id)
            group: Any = None
            if unit is not None:
                root = units.get(int(unit.path.strip("/").split("/")[0])) or unit
                if by == "administration":
                    group, labels[root.pk] = root.pk, root.name
                elif by == "unit":
                    group, labels[unit.pk] = unit.pk, unit.name
                elif by == "sector":
                    group, labels[unit.sector] = unit.sector, str(sectors.get(unit.sector, ""))
                elif by == "body" and root.responsible_body is not None:
                    group = root.responsible_body_id
                    labels[group] = root.responsible_body.name
            pair = totals.setdefault(group, [ZERO, ZERO])
            pair[0] += granted
            pair[1] += paid
    granted_total = sum((pair[0] for pair in totals.values()), ZERO) if not overlapping \
        else entries.aggregate(total=Sum("amount"))["total"] or ZERO
    paid_total = entries.filter(account__kind=AccountKind.DISBURSED).aggregate(
        total=Sum("amount"))["total"] or ZERO
    rows = [Row(labels.get(key, none_label) if key is not None else none_label, g, p)
            for key, (g, p) in totals.items() if g or p]
    for row in rows:
        row.share = (row.granted * 100 / granted_total).quantize(Decimal("0.1")) \
            if granted_total else None
    rows.sort(key=lambda r: (-r.granted, r.label))
    return Distribution(by=by, rows=rows, granted=Decimal(granted_total),
                        paid=Decimal(paid_total), overlapping=overlapping)


@dataclass
class GenderRow:
    label: str
    planned: int
    finished: int
    workforce: int
    planned_share: Decimal | None
    workforce_share: Decimal | None


def gender_report(user: Any, funds: QuerySet[Fund]) -> list[GenderRow]:
    """Participants of granted applications (as planned, and finished per accepted final
    reports) by gender, against the gender split of the municipality's active staff."""
    from kompetensfond.followup.models import FollowUp, FollowUpKind, FollowUpStatus

    granted = Application.objects.filter(fund__in=funds, decision__amount__gt=0)
    planned = granted.aggregate(w=Sum("participants_women"), m=Sum("participants_men"),
                                o=Sum("participants_other"))
    finished = FollowUp.objects.filter(application__in=granted, kind=FollowUpKind.FINAL,
                                       status=FollowUpStatus.ACCEPTED).aggregate(
        w=Sum("completed_women"), m=Sum("completed_men"), o=Sum("completed_other"))
    staff = dict(Employee.objects.filter(municipality=municipality_of(user))
                 .filter(Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()))
                 .values_list("gender").annotate(n=Count("pk")).order_by())
    workforce = {"w": staff.get(Gender.WOMAN, 0), "m": staff.get(Gender.MAN, 0),
                 "o": staff.get(Gender.OTHER, 0) + staff.get(Gender.UNKNOWN, 0)}
    total_planned = sum(v or 0 for v in planned.values())
    total_staff = sum(workforce.values())
    rows = []
    for key, label in (("w", _("Women")), ("m", _("Men")), ("o", _("Other or not stated"))):
        rows.append(GenderRow(
            str(label), planned[key] or 0, finished[key] or 0, workforce[key],
            (Decimal((planned[key] or 0) * 100) / total_planned).quantize(Decimal("0.1"))
            if total_planned else None,
            (Decimal(workforce[key] * 100) / total_staff).quantize(Decimal("0.1"))
            if total_staff else None))
    return rows
