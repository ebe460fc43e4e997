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
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from kompetensfond.applications.models import Application
from kompetensfond.core.money import CENT, MoneySum
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
    # by the transaction's fund, so that a period is found through its (fund, date) index
    qs = LedgerEntry.objects.filter(transaction__fund__in=funds,
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


USED = (AccountKind.COMMITTED, AccountKind.DISBURSED)


def _whole_period(start: date | None, end: date | None) -> bool:
    """No period asked for: the ledger's stored figures (kept by the ledger services in
    the same transaction as the entries, and checked against them) answer without reading
    the entries. A period is summed from its entries."""
    return start is None and end is None


def whole_months(start: date | None, end: date | None
                 ) -> tuple[date | None, date | None] | None:
    """The first and last month (as first days) that lie wholly in start–end (None: open
    ended), or None when no whole month does."""
    first = start
    if start is not None and start.day != 1:
        first = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    last = None if end is None else date(end.year, end.month, 1)
    if end is not None and (end + timedelta(days=1)).day != 1:  # not a month's last day
        last = date(end.year - (end.month == 1), (end.month - 2) % 12 + 1, 1)
    if first is not None and last is not None and first > last:
        return None
    return first, last


def used_per_unit(funds: QuerySet[Fund], start: date | None,
                   end: date | None) -> dict[int | None, list[Decimal]]:
    """[granted, paid] per unit the money was booked on (None: the whole organisation).

    Whole months come from the ledger's stored totals per unit and month (kept by the
    ledger services with the entries, checked against them); only the days of a period
    that begin or end inside a month are summed from the entries."""
    from kompetensfond.ledger.models import LedgerUnitTotal

    per_unit: dict[int | None, list[Decimal]] = {}
    months = whole_months(start, end)
    edges: list[tuple[date | None, date | None]] = [(start, end)]
    if months is not None:
        first, last = months
        totals = LedgerUnitTotal.objects.filter(fund__in=funds, kind__in=USED)
        if first is not None:
            totals = totals.filter(month__gte=first)
        if last is not None:
            totals = totals.filter(month__lte=last)
        for row in totals.values("unit_key", "kind").annotate(total=MoneySum("amount"))\
                .order_by():
            _add(per_unit, row["unit_key"] or None, row["kind"], row["total"])
        edges = []
        if start is not None and first is not None and first != start:
            edges.append((start, first - timedelta(days=1)))  # before the first whole month
        if end is not None and last is not None and _month_end(last) != end:
            edges.append((_month_end(last) + timedelta(days=1), end))
    for edge_start, edge_end in edges:
        for row in _entries(funds, edge_start, edge_end)\
                .values("transaction__org_unit_id", "account__kind")\
                .annotate(total=MoneySum("amount")).order_by():
            _add(per_unit, row["transaction__org_unit_id"], row["account__kind"],
                 row["total"])
    return per_unit


def _month_end(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1) - timedelta(days=1)


def _used_totals(funds: QuerySet[Fund], start: date | None,
                 end: date | None) -> tuple[Decimal, Decimal]:
    """Granted (committed + paid) and paid in the funds and period."""
    if _whole_period(start, end):
        from kompetensfond.ledger.models import LedgerMonthTotal

        rows = LedgerMonthTotal.objects.filter(fund__in=funds, kind__in=USED)\
            .values("kind").annotate(total=MoneySum("amount")).order_by()
    else:
        rows = _entries(funds, start, end).values(kind=F("account__kind"))\
            .annotate(total=MoneySum("amount")).order_by()
    per_kind = {row["kind"]: Decimal(row["total"] or 0) for row in rows}
    paid = per_kind.get(AccountKind.DISBURSED, ZERO)
    return per_kind.get(AccountKind.COMMITTED, ZERO) + paid, paid


def _cents(value: Any) -> Decimal:
    """A raw SQL sum as exact money: PostgreSQL's numeric as it is, SQLite's floating-point
    sum rounded to öre (as ``MoneySum`` does)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _used_per_link(funds: QuerySet[Fund], by: str) -> dict[int | None, list[Decimal]]:
    """[granted, paid] per strategy or occupation (``by``) of the applications, from the
    stored balances of the grants' committed and paid accounts, joined to the links in one
    grouped query; None: money of no application or of one without links."""
    from django.db import connection

    from kompetensfond.ledger.models import LedgerAccount

    through = (Application.strategies.through if by == "strategy"
               else Application.occupations.through)
    table = connection.ops.quote_name(through._meta.db_table)
    column = connection.ops.quote_name(f"{by}_id")
    accounts = connection.ops.quote_name(LedgerAccount._meta.db_table)
    fund_ids = [int(pk) for pk in funds.values_list("pk", flat=True)] or [0]
    marks = ", ".join(["%s"] * len(fund_ids))
    # the names above come from the models, the values go as parameters; an account of no
    # application, or of one without links, joins no link and counts under NULL (None).
    # The account's subject id is cast to the link's integer, not the other way round: so
    # the links are found by their index (casting every link to text read all of the
    # country's links, 310 ms on the national dataset)
    grouped = f"""
        SELECT l.{column}, a.kind, SUM(a.balance) FROM {accounts} a
          LEFT JOIN {table} l ON l.application_id = CAST(
              CASE WHEN a.subject_type = %s THEN a.subject_id END AS BIGINT)
         WHERE a.fund_id IN ({marks}) AND a.kind IN (%s, %s)
         GROUP BY l.{column}, a.kind"""  # nosec B608
    totals: dict[int | None, list[Decimal]] = {}
    with connection.cursor() as cursor:
        cursor.execute(grouped, [APPLICATION, *fund_ids, *USED])
        for target_id, kind, total in cursor.fetchall():
            _add(totals, target_id, kind, _cents(total))
    return totals


def _units_of(funds: QuerySet[Fund]) -> dict[int, OrgUnit]:
    return {u.pk: u for u in OrgUnit.objects.filter(
        municipality__in=funds.values("municipality")).select_related("responsible_body")}


def units_in(municipality: Any) -> dict[int, OrgUnit]:
    """Every unit of the municipality (active or not) by id."""
    return {u.pk: u for u in OrgUnit.objects.filter(municipality=municipality)}


def administration_of(unit: OrgUnit, units: dict[int, OrgUnit]) -> OrgUnit:
    """The unit's administration (its top-level ancestor; itself at the top)."""
    return units.get(int(unit.path.strip("/").split("/")[0])) or unit


def percent_of(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part`` in per cent of ``whole`` to one decimal; None when ``whole`` is nothing."""
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")) if whole else None


def distribution(funds: QuerySet[Fund], by: str, *, start: date | None = None,
                 end: date | None = None) -> Distribution:
    """Granted and paid money per ``by`` (one of DIMENSIONS) in the funds and period."""
    if by not in DIMENSIONS:
        raise ValueError(by)
    entries = _entries(funds, start, end)
    whole = _whole_period(start, end)
    none_label = {"earmark": _("Not earmarked"), "strategy": _("No strategy"),
                  "occupation": _("No target occupation")}.get(by, _("Outside the organisation"))
    totals: dict[Any, list[Decimal]] = {}
    labels: dict[Any, str] = {}
    overlapping = by in ("strategy", "occupation")
    if by == "earmark":
        if whole:
            from kompetensfond.ledger.models import LedgerMonthTotal

            for row in LedgerMonthTotal.objects.filter(fund__in=funds, kind__in=USED)\
                    .values("earmark_key", "kind").annotate(total=MoneySum("amount")).order_by():
                _add(totals, row["earmark_key"] or None, row["kind"], row["total"])
        else:
            for row in entries.values("account__earmark_id", "account__kind").annotate(
                    total=MoneySum("amount")).order_by():
                _add(totals, row["account__earmark_id"], row["account__kind"], row["total"])
        labels = dict(Earmark.objects.filter(pk__in=[k for k in totals if k])
                      .values_list("pk", "name"))
    elif by in ("strategy", "occupation") and whole:
        totals = _used_per_link(funds, by)
        labels = _link_labels(by, totals)
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
        labels = _link_labels(by, totals)
    else:
        per_unit = used_per_unit(funds, start, end)
        units = _units_of(funds)
        sectors = dict(Sector.choices)
        for unit_id, (granted, paid) in per_unit.items():
            unit = units.get(unit_id) if unit_id is not None else None
            group: Any = None
            if unit is not None:
                root = administration_of(unit, units)
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
    if overlapping:  # a grant counts in each of its groups: the total is the ledger's
        granted_total, paid_total = _used_totals(funds, start, end)
    else:  # every grant in one group: the rows add up to the total
        granted_total = sum((pair[0] for pair in totals.values()), ZERO)
        paid_total = sum((pair[1] for pair in totals.values()), ZERO)
    rows = [Row(labels.get(key, none_label) if key is not None else none_label, g, p)
            for key, (g, p) in totals.items() if g or p]
    for row in rows:
        row.share = percent_of(row.granted, granted_total)
    rows.sort(key=lambda r: (-r.granted, r.label))
    return Distribution(by=by, rows=rows, granted=Decimal(granted_total),
                        paid=Decimal(paid_total), overlapping=overlapping)


def _link_labels(by: str, totals: dict[Any, list[Decimal]]) -> dict[Any, str]:
    if by == "strategy":
        from kompetensfond.plans.models import Strategy

        return {s.pk: f"{s.code} {s.title}" for s in Strategy.objects.filter(
            pk__in=[k for k in totals if k])}
    from kompetensfond.organisation.models import Occupation

    return {o.pk: f"{o.ssyk_code} {o.name}" for o in Occupation.objects.filter(
        pk__in=[k for k in totals if k])}


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
    staff = dict(active_staff(municipality_of(user))
                 .values_list("gender").annotate(n=Count("pk")).order_by())
    workforce = {"w": staff.get(Gender.WOMAN, 0), "m": staff.get(Gender.MAN, 0),
                 "o": staff.get(Gender.OTHER, 0) + staff.get(Gender.UNKNOWN, 0)}
    total_planned = sum(v or 0 for v in planned.values())
    total_staff = sum(workforce.values())
    rows = []
    for key, label in (("w", _("Women")), ("m", _("Men")), ("o", _("Other or not stated"))):
        rows.append(GenderRow(
            str(label), planned[key] or 0, finished[key] or 0, workforce[key],
            percent_of(planned[key] or 0, total_planned),
            percent_of(workforce[key], total_staff)))
    return rows


def active_staff(municipality: Any) -> QuerySet[Employee]:
    """The municipality's employees still employed today."""
    from kompetensfond.organisation.selectors import active_q

    return Employee.objects.filter(municipality=municipality).filter(active_q())


# --- Uptake: how widely the fund is used ------------------------------------------------

@dataclass
class UptakeRow:
    label: str
    units: int = 0  # the administration itself and its units
    applied: int = 0  # of which sent at least one application
    granted: int = 0  # of which got money

    @property
    def applied_share(self) -> Decimal | None:
        return percent_of(self.applied, self.units)

    @property
    def granted_share(self) -> Decimal | None:
        return percent_of(self.granted, self.units)


@dataclass
class Uptake:
    rows: list[UptakeRow]  # per administration
    units: UptakeRow  # every unit of the organisation
    administrations: UptakeRow  # administrations where some unit applied / got money


def uptake(user: Any, funds: QuerySet[Fund], *, start: date | None = None,
           end: date | None = None) -> Uptake:
    """Share of units and administrations that applied (submitted in the period) and that
    got money, per administration. Counts active units and any unit that applied."""
    sent = Application.objects.filter(fund__in=funds, submitted_at__isnull=False)
    if start:
        sent = sent.filter(submitted_at__date__gte=start)
    if end:
        sent = sent.filter(submitted_at__date__lte=end)
    applied, granted = set(), set()
    for unit_id, got in sent.values("unit_id").annotate(
            got=Count("pk", filter=Q(decision__amount__gt=0))).values_list("unit_id", "got")\
            .order_by():
        applied.add(unit_id)
        if got:
            granted.add(unit_id)
    units = units_in(municipality_of(user))
    per_root: dict[int, UptakeRow] = {}
    total = UptakeRow(_("All units"))
    for unit in units.values():
        if not unit.is_active and unit.pk not in applied:
            continue
        root = administration_of(unit, units)
        row = per_root.setdefault(root.pk, UptakeRow(root.name))
        for target in (row, total):
            target.units += 1
            target.applied += unit.pk in applied
            target.granted += unit.pk in granted
    rows = sorted(per_root.values(), key=lambda r: r.label)
    administrations = UptakeRow(_("Administrations"), units=len(rows),
                                applied=sum(1 for r in rows if r.applied),
                                granted=sum(1 for r in rows if r.granted))
    return Uptake(rows=rows, units=total, administrations=administrations)


# --- Central projects versus units (the Stockholm question) ----------------------------

@dataclass
class SplitRow:
    label: str
    sector: str = ""
    central: Decimal = ZERO  # booked on the administration itself
    units: Decimal = ZERO  # booked on its units

    @property
    def total(self) -> Decimal:
        return self.central + self.units

    @property
    def unit_share(self) -> Decimal | None:
        return percent_of(self.units, self.total)


@dataclass
class CentralReport:
    administrations: list[SplitRow]
    sectors: list[SplitRow]
    organisation_wide: Decimal  # booked on no unit: projects for the whole organisation
    total: SplitRow

    @property
    def granted(self) -> Decimal:
        return self.total.total + self.organisation_wide


def central_and_units(funds: QuerySet[Fund], *, start: date | None = None,
                      end: date | None = None) -> CentralReport:
    """Granted money (committed + paid) that went to units in each administration against
    what the administration used centrally (booked on the administration itself), and
    what went to organisation-wide projects; also per sector, by the sector of the unit the
    money was booked on."""
    units = _units_of(funds)
    sectors = dict(Sector.choices)
    per_root: dict[int, SplitRow] = {}
    per_sector: dict[str, SplitRow] = {}
    total = SplitRow(_("Total"))
    wide = ZERO
    for unit_id, (granted, _paid) in used_per_unit(funds, start, end).items():
        unit = units.get(unit_id) if unit_id is not None else None
        if unit is None:
            wide += granted
            continue
        root = administration_of(unit, units)
        row = per_root.setdefault(root.pk, SplitRow(root.name, str(sectors.get(root.sector,
                                                                                   ""))))
        sector = per_sector.setdefault(unit.sector, SplitRow(str(sectors.get(unit.sector, ""))))
        for target in (row, sector, total):
            if unit.pk == root.pk:
                target.central += granted
            else:
                target.units += granted
    def order(row: SplitRow) -> tuple[Decimal, str]:
        return -row.total, row.label

    return CentralReport(
        administrations=sorted((r for r in per_root.values() if r.total), key=order),
        sectors=sorted((r for r in per_sector.values() if r.total), key=order),
        organisation_wide=wide, total=total)


# --- Money per employee -----------------------------------------------------------------

@dataclass
class PerEmployeeRow:
    label: str
    employees: int = 0
    granted: Decimal = ZERO

    @property
    def per_employee(self) -> Decimal | None:
        return (self.granted / self.employees).quantize(CENT) \
            if self.employees else None


def per_employee(user: Any, funds: QuerySet[Fund], by: str, *, start: date | None = None,
                 end: date | None = None) -> tuple[list[PerEmployeeRow], PerEmployeeRow]:
    """Granted money per active employee of each administration or sector (``by``), and
    the total over the whole staff (organisation-wide money counts only in the total)."""
    if by not in ("administration", "sector"):
        raise ValueError(by)
    units = units_in(municipality_of(user))
    sectors = dict(Sector.choices)

    def group(unit_id: int | None) -> tuple[Any, str] | None:
        unit = units.get(unit_id) if unit_id is not None else None
        if unit is None:
            return None
        if by == "sector":
            return unit.sector, str(sectors.get(unit.sector, ""))
        root = administration_of(unit, units)
        return root.pk, root.name

    rows: dict[Any, PerEmployeeRow] = {}
    total = PerEmployeeRow(_("Whole organisation"))
    for unit_id, n in active_staff(municipality_of(user)).values_list("unit_id").annotate(
            n=Count("pk")).order_by():
        total.employees += n
        key = group(unit_id)
        if key is not None:
            rows.setdefault(key[0], PerEmployeeRow(key[1])).employees += n
    for unit_id, (granted, _paid) in used_per_unit(funds, start, end).items():
        total.granted += granted
        key = group(unit_id)
        if key is not None:
            rows.setdefault(key[0], PerEmployeeRow(key[1])).granted += granted
    return sorted(rows.values(), key=lambda r: (-(r.per_employee or ZERO), r.label)), total


# --- Forecast: the burn-down to the fund's end ------------------------------------------

PACE_MONTHS = 12
DAYS_PER_MONTH = Decimal("30.4375")


@dataclass
class ForecastMonth:
    month: date
    available: Decimal | None  # at the end of the month (None: still to come)
    paid: Decimal | None
    projected: Decimal | None  # available at the current pace (from this month on)


@dataclass
class Forecast:
    fund: Fund
    today: date
    capital: Decimal
    available: Decimal
    committed: Decimal
    paid: Decimal
    proposed: Decimal  # proposed for a grant, waiting for the decision
    in_review: Decimal  # asked for in applications still being reviewed
    pace: Decimal  # granted (net) per month over the pace window
    pace_from: date
    pace_months: Decimal  # the window's length in months (this month's elapsed part)
    runs_out: date | None  # when the available money is gone at this pace
    left_at_end: Decimal | None  # what is left at the fund's end at this pace
    months: list[ForecastMonth]

    @property
    def after_pipeline(self) -> Decimal:
        return self.available - self.proposed


def _month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def _month_index(day: date) -> int:
    """Months since year 0: the difference of two is the months between them."""
    return day.year * 12 + day.month - 1


def _add_months(month: date, n: int) -> date:
    index = _month_index(month) + n
    return date(index // 12, index % 12 + 1, 1)


def forecast(fund: Fund, *, today: date) -> Forecast:
    """Paid, committed and available money of the fund month by month, the pipeline of
    applications on their way to a decision, and where the available money goes at the
    pace of the last 12 months (this one so far and the 11 before it, or since the fund
    started): what was granted net of what came back, per month. Read from the ledger's
    month totals and two grouped queries: the cost does not grow with the number of
    entries."""
    from kompetensfond.applications.models import Status
    from kompetensfond.applications.selectors import with_requested
    from kompetensfond.ledger.models import LedgerMonthTotal
    from kompetensfond.ledger.selectors import fund_dashboard

    board = fund_dashboard(fund, today=today)
    this_month = _month_start(today)
    first = max(_month_start(fund.start_date), _add_months(this_month, 1 - PACE_MONTHS))
    # the months before this one, and the part of this month that has passed; at least a
    # month, so a fund's first days do not make a pace of a month's grants in a day
    elapsed = _month_index(this_month) - _month_index(first)
    days_in_month = (_add_months(this_month, 1) - this_month).days
    months_in_window = max(Decimal(1), elapsed + Decimal(today.day) / days_in_month)
    used = LedgerMonthTotal.objects.filter(
        fund=fund, kind__in=USED, month__gte=first, month__lte=this_month,
    ).aggregate(total=MoneySum("amount"))["total"] or ZERO
    pace = max(ZERO, (Decimal(used) / months_in_window).quantize(CENT))
    applications = Application.objects.filter(fund=fund)
    proposed = applications.filter(status=Status.RECOMMENDED, recommended_amount__gt=0)\
        .aggregate(total=MoneySum("recommended_amount"))["total"] or ZERO
    in_review = with_requested(applications.filter(
        status__in=(Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED)))\
        .aggregate(total=MoneySum("requested"))["total"] or ZERO
    available = board.balance.available
    runs_out = left_at_end = None
    months_to_end = Decimal((fund.end_date - today).days) / DAYS_PER_MONTH
    if pace > 0 and available > 0:
        day = today + timedelta(days=int(available / pace * DAYS_PER_MONTH))
        runs_out = day if day <= fund.end_date else None
    if today <= fund.end_date:
        left_at_end = max(ZERO, available - pace * months_to_end).quantize(CENT)
    points = []
    for point in board.months:
        projected = None
        if point.month >= this_month and point.month <= _month_start(fund.end_date):
            ahead = _month_index(point.month) - _month_index(this_month)
            projected = max(ZERO, available - pace * ahead)
        points.append(ForecastMonth(point.month, point.available, point.disbursed, projected))
    return Forecast(fund=fund, today=today, capital=board.balance.capital, available=available,
                    committed=board.balance.committed, paid=board.balance.disbursed,
                    proposed=Decimal(proposed), in_review=Decimal(in_review), pace=pace,
                    pace_from=first, pace_months=months_in_window.quantize(Decimal("0.1")),
                    runs_out=runs_out, left_at_end=left_at_end, months=points)


# --- The auditor's register of every grant ---------------------------------------------

@dataclass
class RegisterRow:
    application_id: int
    case_number: str
    title: str
    administration: str
    unit: str
    decided_on: date
    decided_by: str  # the body, and the delegate under a point of the delegation scheme
    paragraph: str  # "§ 12" at a meeting, "" for a delegate's decision
    outcome: str
    granted: Decimal
    paid: Decimal
    returned: Decimal
    status: str
    remarks: str  # the guideline's warnings when the application was submitted


def decision_register(funds: QuerySet[Fund], *, start: date | None = None,
                      end: date | None = None) -> QuerySet[Any]:
    """Every decision of the funds in the period (by decision date), oldest first, with
    what ``register_rows`` needs in the same query."""
    from kompetensfond.applications.models import Decision

    qs = Decision.objects.filter(application__fund__in=funds)
    if start:
        qs = qs.filter(decided_on__gte=start)
    if end:
        qs = qs.filter(decided_on__lte=end)
    return qs.select_related("application", "body", "delegate").order_by("decided_on", "pk")


REGISTER_IDS_IN_QUERY = 1000


def register_rows(decisions: Any, funds: QuerySet[Fund]) -> list[RegisterRow]:
    """The register's rows for ``decisions`` (a page of them, or all for an export): paid
    and returned from the ledger in one grouped query over their applications."""
    from kompetensfond.applications.models import ApplicationEvent, Status
    from kompetensfond.ledger.models import TransactionKind

    decisions = list(decisions)
    ids = [str(d.application_id) for d in decisions]
    page = len(ids) <= REGISTER_IDS_IN_QUERY  # a page: only its applications are read
    money: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    entries = LedgerEntry.objects.filter(
        account__fund__in=funds, account__kind=AccountKind.DISBURSED,
        transaction__source_type=APPLICATION,
        transaction__kind__in=(TransactionKind.DISBURSEMENT, TransactionKind.RETURN))
    if page:
        entries = entries.filter(transaction__source_id__in=ids)
    for row in entries.values("transaction__source_id", "transaction__kind")\
            .annotate(total=MoneySum("amount")).order_by():
        pair = money[row["transaction__source_id"]]
        if row["transaction__kind"] == TransactionKind.DISBURSEMENT:
            pair[0] += row["total"]
        else:
            pair[1] -= row["total"]
    remarks: dict[int, str] = {}
    submitted = ApplicationEvent.objects.filter(to_status=Status.SUBMITTED)
    if page:
        submitted = submitted.filter(application_id__in=[int(i) for i in ids])
    else:
        submitted = submitted.filter(application__fund__in=funds)
    for application_id, reason in submitted.order_by("application_id", "at", "pk")\
            .values_list("application_id", "reason"):
        remarks[application_id] = reason  # the last submission's
    units = _units_of(funds)
    rows = []
    for d in decisions:
        application = d.application
        unit = units.get(application.unit_id)
        by = d.body.name
        if d.delegate_id:
            by += ", " + _("delegate %(name)s") % {
                "name": d.delegate.get_full_name() or d.delegate.get_username()}
            if d.delegation_point:
                by += " " + _("(point %(point)s)") % {"point": d.delegation_point}
        paid, returned = money[str(application.pk)]
        rows.append(RegisterRow(
            application_id=application.pk, case_number=d.case_number, title=application.title,
            administration=administration_of(unit, units).name if unit else "",
            unit=unit.name if unit else "", decided_on=d.decided_on, decided_by=by,
            paragraph=f"§\u00a0{d.paragraph}" if d.paragraph else "",
            outcome=d.get_outcome_display(), granted=d.amount, paid=paid, returned=returned,
            status=application.get_status_display(),
            remarks=remarks.get(application.pk, "")))
    return rows
