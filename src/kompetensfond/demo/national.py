"""A synthetic national dataset: every Swedish municipality running a competence fund.

``kompetensfond generate`` (see the command) builds it for benchmarks and load tests. Sizes
follow the real spread: municipalities from a Stockholm with about 6 % of all municipal staff
to a Bjurholm with about 1/100 of that (a Zipf-like curve, ``weights()``); staff by sector
and occupation as in Swedish municipalities (education the largest, about 78 % women);
applications in every state of their life cycle; grants committed in the ledger, paid in
instalments and followed up; decisions by delegates or at meetings with a § in the
register; allowance schemes for social workers with claims paid; an audit event per
decision. One municipality is one database transaction: a run stopped half-way leaves whole
municipalities.

The ledger is written as the services would have written it, and its stored figures (each
account's balance, the month and unit totals) are computed here from the same entries, so
``kompetensfond ledger-check`` agrees with it (the tests run it).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from kompetensfond.allowances.models import Allowance, AllowanceScheme, Claim
from kompetensfond.applications.codes import AuditAction
from kompetensfond.applications.models import (
    Application,
    BudgetLine,
    Decision,
    Meeting,
    Outcome,
    Status,
)
from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.models import Membership, Municipality, Role, RoleAssignment, User
from kompetensfond.followup.models import FollowUp, Payment
from kompetensfond.funds.models import Contribution, Earmark, Fund
from kompetensfond.ledger.balances import first_of_month
from kompetensfond.ledger.models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerMonthTotal,
    LedgerTransaction,
    LedgerUnitTotal,
)
from kompetensfond.organisation.models import (
    Body,
    Employee,
    Occupation,
    OrgUnit,
    Paragraph,
    ParagraphCounter,
)
from kompetensfond.plans.models import Guideline, Plan, Strategy

from .bulk import BulkWriter
from .organisation import DEMO_PASSWORD

STOCKHOLM = ZoneInfo("Europe/Stockholm")
APPLICATION = "applications.application"
SCHEME = "allowances.allowancescheme"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# the largest and the smallest by name; the rest are numbered
LARGEST = ["Stockholm", "Göteborg", "Malmö", "Uppsala", "Linköping", "Örebro", "Västerås",
           "Helsingborg", "Norrköping", "Jönköping", "Umeå", "Lund", "Borås", "Huddinge",
           "Eskilstuna", "Nacka", "Gävle", "Halmstad", "Södertälje", "Botkyrka"]
SMALLEST = ["Sorsele", "Arjeplog", "Dorotea", "Bjurholm"]

# sector: (share of staff, women, occupations by SSYK code and weight, committee)
SECTORS: dict[str, tuple[float, float, list[tuple[str, int]], str]] = {
    "education": (0.40, 0.76, [("2341", 30), ("2342", 20), ("5311", 20), ("2343", 8),
                               ("2330", 10), ("5312", 12)], "Utbildningsnämnden"),
    "elderly_care": (0.18, 0.86, [("5321", 60), ("5322", 25), ("2221", 15)],
                     "Äldrenämnden"),
    "social_services": (0.10, 0.80, [("2661", 55), ("3412", 30), ("2611", 15)],
                        "Socialnämnden"),
    "disability": (0.10, 0.72, [("5343", 60), ("5322", 40)], "Omsorgsnämnden"),
    "culture_leisure": (0.05, 0.62, [("3432", 50), ("2432", 50)], "Kultur- och fritidsnämnden"),
    "central_administration": (0.07, 0.70, [("4112", 40), ("2423", 35), ("2412", 25)],
                               "Kommunstyrelsen"),
    "technical_services": (0.10, 0.30, [("7126", 40), ("8332", 30), ("2142", 30)],
                           "Tekniska nämnden"),
}
ADMINISTRATION_NAMES = {
    "education": "Utbildningsförvaltningen", "elderly_care": "Äldreförvaltningen",
    "social_services": "Socialförvaltningen", "disability": "Omsorgsförvaltningen",
    "culture_leisure": "Kultur- och fritidsförvaltningen",
    "central_administration": "Kommunledningskontoret",
    "technical_services": "Tekniska förvaltningen",
}
UNIT_NAMES = {
    "education": "Skola", "elderly_care": "Hemtjänst", "social_services": "Socialkontor",
    "disability": "Gruppbostad", "culture_leisure": "Bibliotek",
    "central_administration": "Stab", "technical_services": "Driftenhet",
}
# (status, share of applications)
STATES = [(Status.DRAFT, 4), (Status.SUBMITTED, 5), (Status.IN_REVIEW, 4),
          (Status.RETURNED, 1), (Status.RECOMMENDED, 2), (Status.REJECTED, 14),
          (Status.WITHDRAWN, 2), (Status.GRANTED, 8), (Status.PARTLY_GRANTED, 3),
          (Status.IN_PROGRESS, 27), (Status.REPORTED, 8), (Status.CLOSED, 22)]
DECIDED = {Status.GRANTED, Status.PARTLY_GRANTED, Status.IN_PROGRESS, Status.REPORTED,
           Status.CLOSED}
PAID = {Status.IN_PROGRESS, Status.REPORTED, Status.CLOSED}
STRATEGIES = ["Attrahera nya medarbetare", "Behålla och utveckla", "Validering och "
              "karriärvägar", "Språkstöd i vård och omsorg", "Digital kompetens"]
FIRST = ["Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Emma", "Aisha", "Fatima", "Sofia",
         "Lars", "Erik", "Johan", "Ali", "Mohammed", "Peter", "Anders", "Mikael"]
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
        "Persson", "Svensson", "Gustafsson", "Ahmed", "Hassan", "Lindberg", "Berg"]
MEETING_THRESHOLD = Decimal("200000")
STAFF_PER_UNIT = 60


@dataclass
class Sizes:
    municipalities: int = 290
    employees: int = 870_000
    applications: int = 250_000
    ledger_entries: int = 2_000_000
    seed: int = 290


def names(count: int) -> list[str]:
    """The municipalities' names, largest first."""
    small = min(len(SMALLEST), count // 2)
    large = min(len(LARGEST), count - small)
    middle = [f"Kommun {n}" for n in range(large + 1, count - small + 1)]
    return [*LARGEST[:large], *middle, *SMALLEST[len(SMALLEST) - small:]]


def weights(count: int) -> list[float]:
    """Each municipality's share of the country's staff, largest first: 1/(rank+3)^1.1
    gives Stockholm about 6 % and the smallest about 1/110 of it."""
    raw = [1 / (rank + 3) ** 1.1 for rank in range(1, count + 1)]
    total = sum(raw)
    return [w / total for w in raw]


def spread(total: int, shares: list[float]) -> list[int]:
    """``total`` split by ``shares``, rounded so that the parts add up exactly."""
    parts = [int(total * s) for s in shares]
    for i in range(total - sum(parts)):
        parts[i % len(parts)] += 1
    return parts


@dataclass
class Ledger:
    """One fund's accounts, transactions and entries as they are built, and the stored
    figures they add up to."""

    writer: BulkWriter
    fund_id: int
    accounts: dict[tuple[str, int | None, str], int] = field(default_factory=dict)
    kinds: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    balances: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    months: dict[tuple[str, int, date], Decimal] = field(
        default_factory=lambda: defaultdict(Decimal))
    units: dict[tuple[str, int, date], Decimal] = field(
        default_factory=lambda: defaultdict(Decimal))
    entries: int = 0

    def account(self, kind: str, earmark: int | None = None, subject: tuple[str, int] | None
                = None) -> int:
        key = (kind, earmark, f"{subject[0]}:{subject[1]}" if subject else "")
        if key not in self.accounts:
            self.accounts[key] = self.writer.new_id(LedgerAccount)
            self.kinds[self.accounts[key]] = (kind, earmark)
        return self.accounts[key]

    def post(self, kind: str, on: date, text: str, legs: list[tuple[int, Decimal]],
             earmark: int | None = None, unit: int | None = None,
             source: tuple[str, int] | None = None, actor: int | None = None) -> int:
        txn = self.writer.add(
            LedgerTransaction, self.writer.new_id(LedgerTransaction), self.fund_id, kind, on,
            text[:255], earmark, unit, source[0] if source else "",
            str(source[1]) if source else "", actor,
            datetime.combine(on, time(10), STOCKHOLM))
        month = first_of_month(on)
        for account, amount in legs:
            self.writer.add(LedgerEntry, self.writer.new_id(LedgerEntry), txn, account, amount)
            self.balances[account] += amount
            account_kind, account_earmark = self.kinds[account]
            self.months[(account_kind, account_earmark or 0, month)] += amount
            self.units[(account_kind, unit or 0, month)] += amount
            self.entries += 1
        return txn

    def close(self) -> None:
        """Add the accounts with their balances and the month and unit totals."""
        add, new = self.writer.add, self.writer.new_id
        for (kind, earmark, subject), pk in self.accounts.items():
            subject_type, _sep, subject_id = subject.partition(":")
            add(LedgerAccount, pk, self.fund_id, kind, earmark, subject_type, subject_id,
                self.balances[pk])
        for (kind, earmark_key, month), amount in self.months.items():
            add(LedgerMonthTotal, new(LedgerMonthTotal), self.fund_id, kind, earmark_key,
                month, amount)
        for (kind, unit_key, month), amount in self.units.items():
            add(LedgerUnitTotal, new(LedgerUnitTotal), self.fund_id, kind, unit_key, month,
                amount)


def declare(writer: BulkWriter) -> None:
    d = writer.declare
    d(Municipality, "id", "name", "slug", "organisation_number")
    d(User, "id", "username", "password", "first_name", "last_name", "email")
    d(Membership, "id", "user_id", "municipality_id")
    d(RoleAssignment, "id", "membership_id", "role", "unit_id")
    d(Body, "id", "municipality_id", "name", "short_name", "kind")
    d(OrgUnit, "id", "municipality_id", "parent_id", "kind", "name", "cost_centre", "sector",
      "responsible_body_id", "manager_id", "path", "depth")
    d(Employee, "id", "municipality_id", "employee_number", "first_name", "last_name",
      "gender", "occupation_id", "unit_id", "employment_rate", "start_date", "end_date")
    d(Plan, "id", "municipality_id", "title", "status", "valid_from", "valid_to",
      "adopted_by_id", "adopted_on", "paragraph", "case_number")
    d(Strategy, "id", "plan_id", "code", "title")
    d(Fund, "id", "municipality_id", "name", "description", "start_date", "end_date",
      "owning_body_id")
    d(Guideline, "id", "fund_id", "plan_id", "eligible_cost_types", "max_per_application",
      "adopted_by_id", "adopted_on", "paragraph")
    d(Earmark, "id", "fund_id", "name", "administration_id", "created_by_id")
    d(Contribution, "id", "fund_id", "amount", "date", "source", "decision_body_id",
      "decision_date", "paragraph", "case_number", "created_by_id")
    d(Application, "id", "municipality_id", "fund_id", "unit_id", "contact_id",
      "created_by_id", "title", "purpose", "start_date", "end_date", "participants_women",
      "participants_men", "participants_other", "cofunding", "earmark_id", "status",
      "submitted_at")
    d(Application.strategies.through, "id", "application_id", "strategy_id")
    d(Application.occupations.through, "id", "application_id", "occupation_id")
    d(BudgetLine, "id", "application_id", "cost_type", "year", "amount")
    d(Meeting, "id", "body_id", "date", "approved_on")
    d(Decision, "id", "application_id", "outcome", "amount", "decided_on", "body_id",
      "meeting_id", "paragraph_year", "paragraph", "case_number", "delegate_id",
      "delegation_point", "recorded_by_id")
    d(Paragraph, "id", "body_id", "year", "number", "text")
    d(ParagraphCounter, "id", "body_id", "year", "last_number")
    d(LedgerTransaction, "id", "fund_id", "kind", "date", "text", "earmark_id", "org_unit_id",
      "source_type", "source_id", "actor_id", "created_at")
    d(LedgerEntry, "id", "transaction_id", "account_id", "amount")
    d(LedgerAccount, "id", "fund_id", "kind", "earmark_id", "subject_type", "subject_id",
      "balance")
    d(LedgerMonthTotal, "id", "fund_id", "kind", "earmark_key", "month", "amount")
    d(LedgerUnitTotal, "id", "fund_id", "kind", "unit_key", "month", "amount")
    d(Payment, "id", "municipality_id", "application_id", "paid_on", "amount", "voucher",
      "transaction_id", "created_by_id")
    d(FollowUp, "id", "application_id", "kind", "due_date", "status", "started_women",
      "started_men", "completed_women", "completed_men", "narrative", "submitted_at",
      "submitted_by_id", "accepted_at", "accepted_by_id", "decommitted")
    d(AllowanceScheme, "id", "municipality_id", "fund_id", "name", "decision_reference",
      "amount", "period_start", "period_end", "expiry_date", "cutoff_date", "created_by_id")
    d(AllowanceScheme.occupations.through, "id", "allowancescheme_id", "occupation_id")
    d(Allowance, "id", "scheme_id", "employee_id", "unit_id", "amount")
    d(Claim, "id", "allowance_id", "activity", "provider", "category", "start_date",
      "end_date", "cost", "development_plan", "receipt", "receipt_name", "receipt_type",
      "receipt_size", "status", "submitted_by_id", "decided_by_id", "decided_at",
      "commitment_id", "paid_on", "voucher", "payment_id")
    d(AuditEvent, "id", "municipality_id", "actor_id", "action", "object_type", "object_id",
      "object_repr", "created_at")


def occupations() -> dict[str, int]:
    """The SSYK occupations the dataset uses (the migrations load them; added if not)."""
    codes = {code for _s, _w, occ, _c in SECTORS.values() for code, _n in occ}
    have = dict(Occupation.objects.filter(ssyk_code__in=codes).values_list("ssyk_code", "pk"))
    for code in sorted(codes - set(have)):
        have[code] = Occupation.objects.create(ssyk_code=code, name_en=f"SSYK {code}",
                                               name_sv=f"SSYK {code}").pk
    return have


class Generator:
    def __init__(self, sizes: Sizes, progress: Callable[[str], None] = print) -> None:
        self.sizes = sizes
        self.progress = progress
        # synthetic data, repeatable by its seed: not a secret
        self.rng = random.Random(sizes.seed)  # nosec B311
        self.today = timezone.localdate()
        self.writer = BulkWriter()
        self.password = make_password(DEMO_PASSWORD)
        self.slugs = set(Municipality.objects.values_list("slug", flat=True))

    def run(self) -> BulkWriter:
        sizes = self.sizes
        declare(self.writer)
        self.ssyk = occupations()
        shares = weights(sizes.municipalities)
        staff = spread(sizes.employees, shares)
        applications = spread(sizes.applications, shares)
        entries = spread(sizes.ledger_entries, shares)
        for index, name in enumerate(names(sizes.municipalities)):
            with transaction.atomic():
                self.municipality(index, name, staff[index], applications[index],
                                  entries[index])
                self.writer.flush()
            if index % 10 == 0 or index == sizes.municipalities - 1:
                self.progress(f"{index + 1}/{sizes.municipalities} kommuner: "
                              f"{self.writer.written['organisation.Employee']} medarbetare, "
                              f"{self.writer.written['applications.Application']} ansökningar, "
                              f"{self.writer.written['ledger.LedgerEntry']} verifikatrader")
        self.writer.reset_sequences()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return self.writer

    # -- one municipality ---------------------------------------------------------------

    def municipality(self, index: int, name: str, staff: int, applications: int,
                     entries: int) -> None:
        w = self.writer
        add, new = w.add, w.new_id
        kommun = f"{name} kommun" if not name.startswith("Kommun ") else name
        slug, run = self._slug(name)
        if run > 1:  # a second run into the same database: "Stockholm kommun 2"
            kommun = f"{kommun} {run}"
        m = new(Municipality)
        # an organisation number of the 219-series, unique by the id (not a real one)
        add(Municipality, m, kommun, slug, f"{219000 + m // 10000}-{m % 10000:04d}")
        self.m, self.slug = m, slug
        bodies = {"KF": add(Body, new(Body), m, "Kommunfullmäktige", "KF", "council"),
                  "KS": add(Body, new(Body), m, "Kommunstyrelsen", "KS", "executive_board")}
        for _share, _women, _occ, committee in SECTORS.values():
            if committee not in bodies and committee != "Kommunstyrelsen":
                bodies[committee] = add(Body, new(Body), m, committee, "", "committee")
        bodies["Kommunstyrelsen"] = bodies["KS"]
        users = {role: self._user(role_name, role)
                 for role_name, role in (("handlaggare", Role.FUND_ADMIN),
                                         ("bedomare", Role.REVIEWER),
                                         ("sekreterare", Role.SECRETARY),
                                         ("politiker", Role.VIEWER))}
        officer = users[Role.FUND_ADMIN]
        units, admins = self._organisation(staff, bodies)
        self._staff(staff, units)
        year = self.today.year
        plan = add(Plan, new(Plan), m, f"Kompetensförsörjningsplan {year - 3}–{year + 1}",
                   "adopted", date(year - 3, 1, 1), date(year + 1, 12, 31), bodies["KF"],
                   date(year - 4, 11, 20), 140, f"KS {year - 4}/{index + 100}")
        strategies = [add(Strategy, new(Strategy), plan, f"S{n + 1}", title)
                      for n, title in enumerate(STRATEGIES)]
        fund = add(Fund, new(Fund), m, "Kompetensfonden",
                   "Fonden för kompetensutveckling av kommunens medarbetare.",
                   date(year - 3, 1, 1), date(year + 1, 12, 31), bodies["KS"])
        add(Guideline, new(Guideline), fund, plan,
            ["course_fee", "salary_during_studies", "substitute_cost", "literature"],
            Decimal("500000.00"), bodies["KS"], date(year - 3, 1, 15), 12)
        ledger = Ledger(w, fund)
        pots = [add(Earmark, new(Earmark), fund, f"Bristyrken inom {ADMINISTRATION_NAMES[s]}",
                    admins[s], officer) for s in ("elderly_care", "social_services")]
        self.paragraphs: dict[tuple[int, int], int] = {}
        self.meetings: dict[tuple[int, date], int] = {}
        self.vouchers = 0
        reserved = self._allowances(index, fund, ledger, officer) if index % 3 != 2 else ZERO
        # what is left of the entries after the allowances and the capital's 5 transactions
        budget = entries - ledger.entries - 10
        pot_use = self._applications(applications, budget, fund, units, strategies, pots,
                                     bodies["KS"], officer, ledger)
        self._capital(fund, ledger, pot_use, reserved, bodies["KF"], officer)
        ledger.close()
        for (body, year), last in self.paragraphs.items():
            add(ParagraphCounter, new(ParagraphCounter), body, year, last)

    def _slug(self, name: str) -> tuple[str, int]:
        """A slug not yet taken, and which run of the same name it is (1, 2, …)."""
        base = (name.lower().replace(" ", "-").replace("å", "a").replace("ä", "a")
                .replace("ö", "o").replace("é", "e"))
        slug, run = base, 1
        while slug in self.slugs:
            run += 1
            slug = f"{base}-{run}"
        self.slugs.add(slug)
        return slug, run

    def _user(self, suffix: str, role: str, unit: int | None = None) -> int:
        w = self.writer
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        username = f"{self.slug}-{suffix}"
        user = w.add(User, w.new_id(User), username, self.password, first, last,
                     f"{username}@example.se")
        membership = w.add(Membership, w.new_id(Membership), user, self.m)
        w.add(RoleAssignment, w.new_id(RoleAssignment), membership, role, unit)
        return user

    def _organisation(self, staff: int, bodies: dict[str, int]
                      ) -> tuple[list[tuple[int, str, int]], dict[str, int]]:
        """Administrations and units: (unit, sector, staff) per unit, and the
        administration of each sector."""
        w = self.writer
        units: list[tuple[int, str, int]] = []
        admins: dict[str, int] = {}
        self.managers: dict[str, int] = {}
        sector_staff = spread(staff, [share for share, *_ in SECTORS.values()])
        for n, (sector, (_share, _women, _occ, committee)) in enumerate(SECTORS.items()):
            admin = w.new_id(OrgUnit)
            manager = self._user(f"chef-{n + 1}", Role.UNIT_MANAGER, admin)
            w.add(OrgUnit, admin, self.m, None, "administration", ADMINISTRATION_NAMES[sector],
                  f"{n + 1}000", sector, bodies[committee], manager, f"/{admin}/", 0)
            admins[sector] = admin
            count = max(1, round(sector_staff[n] / STAFF_PER_UNIT))
            for u, people in enumerate(spread(sector_staff[n], [1 / count] * count)):
                unit = w.new_id(OrgUnit)
                w.add(OrgUnit, unit, self.m, admin, "unit", f"{UNIT_NAMES[sector]} {u + 1}",
                      f"{n + 1}{u + 1:04d}", sector, None, None, f"/{admin}/{unit}/", 1)
                units.append((unit, sector, people))
            self.managers[sector] = manager
        return units, admins

    def _staff(self, staff: int, units: list[tuple[int, str, int]]) -> None:
        w, rng, ssyk = self.writer, self.rng, self.ssyk
        number = 0
        self.social_workers: list[tuple[int, int, Decimal]] = []
        for unit, sector, people in units:
            _share, women, occupation_mix, _c = SECTORS[sector]
            codes = [code for code, _n in occupation_mix]
            mix = [n for _code, n in occupation_mix]
            for _ in range(people):
                number += 1
                code = rng.choices(codes, mix)[0]
                rate = Decimal(rng.choice((100, 100, 100, 100, 100, 100, 90, 80, 75, 50)))
                started = self.today - timedelta(days=rng.randrange(30, 9000))
                ended = (self.today - timedelta(days=rng.randrange(1, 300))
                         if rng.random() < 0.03 else None)
                employee = w.add(Employee, w.new_id(Employee), self.m, f"{number:06d}",
                                 rng.choice(FIRST), rng.choice(LAST),
                                 "woman" if rng.random() < women else "man", ssyk[code], unit,
                                 rate, started, ended)
                if code == "2661" and ended is None:
                    self.social_workers.append((employee, unit, rate))

    # -- allowances -------------------------------------------------------------------

    def _allowances(self, index: int, fund: int, ledger: Ledger, officer: int) -> Decimal:
        """A 10,000 kr allowance for every social worker this year, reserved in the fund;
        about a third have claimed, most of it paid. Returns what is reserved."""
        w, rng, year = self.writer, self.rng, self.today.year
        add, new = w.add, w.new_id
        if not self.social_workers:
            return ZERO
        scheme = add(AllowanceScheme, new(AllowanceScheme), self.m, fund,
                     f"Kompetenspeng socialsekreterare {year}", f"KS {year}-01-20 § {index + 3}",
                     Decimal("10000.00"), date(year, 1, 1), date(year, 12, 31),
                     date(year + 1, 3, 31), date(year, 1, 1), officer)
        add(AllowanceScheme.occupations.through,
            new(AllowanceScheme.occupations.through), scheme, self.ssyk["2661"])
        subject = (SCHEME, scheme)
        reserved_on = min(date(year, 1, 20), self.today)
        allowances = [(add(Allowance, new(Allowance), scheme, employee, unit,
                           (Decimal("10000") * rate / 100).quantize(CENT)), unit,
                       (Decimal("10000") * rate / 100).quantize(CENT))
                      for employee, unit, rate in self.social_workers]
        total = sum((amount for _a, _u, amount in allowances), ZERO)
        ledger.post("reservation", reserved_on, f"Kompetenspeng {year}: reserverat",
                    [(ledger.account(AccountKind.AVAILABLE), -total),
                     (ledger.account(AccountKind.RESERVED, None, subject), total)],
                    source=subject, actor=officer)
        days = max(1, (self.today - reserved_on).days)
        for allowance, unit, amount in allowances:
            if rng.random() > 0.35:
                continue
            cost = min(amount, Decimal(rng.randrange(15, 95)) * 100)
            start = reserved_on + timedelta(days=rng.randrange(days))
            status = rng.choices(("paid", "approved", "submitted"), (8, 1, 1))[0]
            decided = (datetime.combine(start, time(9), STOCKHOLM)
                       if status != "submitted" else None)
            commitment = payment = None
            if status != "submitted":
                commitment = ledger.post(
                    "commitment", start, "Kompetenspeng: godkänd begäran",
                    [(ledger.account(AccountKind.RESERVED, None, subject), -cost),
                     (ledger.account(AccountKind.COMMITTED, None, subject), cost)],
                    unit=unit, source=subject, actor=officer)
            paid_on = min(start + timedelta(days=14), self.today) if status == "paid" else None
            if paid_on:
                payment = ledger.post(
                    "disbursement", paid_on, "Kompetenspeng: utbetalning",
                    [(ledger.account(AccountKind.COMMITTED, None, subject), -cost),
                     (ledger.account(AccountKind.DISBURSED, None, subject), cost)],
                    unit=unit, source=subject, actor=officer)
            add(Claim, new(Claim), allowance, rng.choice(CLAIM_ACTIVITIES),
                "Utbildningsbolaget AB", "course", start, start + timedelta(days=2), cost,
                "Medarbetarsamtal",
                f"receipts/{year}/kvitto.pdf", "kvitto.pdf", "application/pdf", 20480, status,
                officer, officer if decided else None, decided, commitment, paid_on,
                f"KP-{allowance}" if paid_on else "", payment)
        return total

    # -- applications, decisions, the grants' ledger and follow-up ----------------------

    def _applications(self, count: int, budget: int, fund: int,
                      units: list[tuple[int, str, int]], strategies: list[int],
                      pots: list[int], board: int, officer: int, ledger: Ledger
                      ) -> dict[int | None, Decimal]:
        """``count`` applications; the paid grants get as many payments as make the
        municipality's ledger ``budget`` entries. Returns what each pot granted net."""
        rng = self.rng
        start = date(self.today.year - 3, 1, 1)
        states = rng.choices([s for s, _n in STATES], [n for _s, n in STATES], k=count)
        decided = sum(1 for s in states if s in DECIDED)
        paid = sum(1 for s in states if s in PAID)
        closed = sum(1 for s in states if s == Status.CLOSED)
        payments = max(0, budget - 2 * decided - 2 * closed) / 2
        per_grant = payments / paid if paid else 0.0
        # each unit drawn by its staff (a unit of none still drawn now and then)
        cumulative = list(accumulate(max(people, 1) for _unit, _sector, people in units))
        use: dict[int | None, Decimal] = defaultdict(Decimal)
        for status in states:
            unit, sector, _people = rng.choices(units, cum_weights=cumulative)[0]
            count_payments = int(per_grant) + (rng.random() < per_grant - int(per_grant))
            earmark = (pots[0] if sector == "elderly_care" else pots[1]
                       if sector == "social_services" else None)
            net = self._application(status, unit, sector, fund, strategies,
                                    earmark if rng.random() < 0.5 else None, board, officer,
                                    ledger, start, count_payments)
            if net:
                use[net[0]] += net[1]
        return use

    def _application(self, status: str, unit: int, sector: str, fund: int,
                     strategies: list[int], earmark: int | None, board: int, officer: int,
                     ledger: Ledger, start: date, payments: int
                     ) -> tuple[int | None, Decimal] | None:
        w, rng, today = self.writer, self.rng, self.today
        add, new = w.add, w.new_id
        app = new(Application)
        lines = [(cost_type, Decimal(rng.randrange(10, 250)) * 1000)
                 for cost_type in rng.sample(COST_TYPES, rng.choice((1, 1, 2)))]
        requested = sum((amount for _t, amount in lines), ZERO)
        span = max(1, (today - start).days)
        if status in DECIDED:
            latest = today - timedelta(days=30 * (payments + 1) + 1) if status in PAID else today
            decided_on = start + timedelta(days=rng.randrange(40, max(41, (latest - start).days)))
            decided_on = min(decided_on, today)
            submitted: date | None = decided_on - timedelta(days=rng.randrange(10, 40))
        elif status == Status.DRAFT:
            submitted = None
        elif status in (Status.REJECTED, Status.WITHDRAWN):
            submitted = start + timedelta(days=rng.randrange(span))
        else:
            submitted = today - timedelta(days=rng.randrange(60))
        women, men = rng.randrange(1, 15), rng.randrange(0, 5)
        project_start = (submitted or today) + timedelta(days=45)
        manager = self.managers[sector]
        add(Application, app, self.m, fund, unit, manager, manager,
            rng.choice(TITLES[sector]), "Att möta kompetensbehovet i verksamheten.",
            project_start, project_start + timedelta(days=rng.choice((180, 365, 540))),
            women, men, 0, (requested * Decimal("0.2")).quantize(CENT), earmark, status,
            datetime.combine(submitted, time(11), STOCKHOLM) if submitted else None)
        for strategy in rng.sample(strategies, rng.choice((1, 1, 2))):
            add(Application.strategies.through, new(Application.strategies.through), app,
                strategy)
        code = rng.choice([c for c, _n in SECTORS[sector][2]])
        add(Application.occupations.through, new(Application.occupations.through), app,
            self.ssyk[code])
        for cost_type, amount in lines:
            add(BudgetLine, new(BudgetLine), app, cost_type, project_start.year, amount)
        if status == Status.REJECTED:
            rejected_on = (submitted or start) + timedelta(days=25)
            self._decision(app, Outcome.REJECTED, ZERO, rejected_on, board, officer, requested)
            return None
        if status not in DECIDED:
            return None
        partly = status == Status.PARTLY_GRANTED or rng.random() < 0.15
        amount = (requested * Decimal("0.7")).quantize(Decimal("1000")) if partly else requested
        decided_on = self._decision(app, Outcome.PARTLY_GRANTED if partly else Outcome.GRANTED,
                                    amount, decided_on, board, officer, requested)
        subject = (APPLICATION, app)
        pot = ledger.account(AccountKind.AVAILABLE, earmark)
        committed = ledger.account(AccountKind.COMMITTED, earmark, subject)
        ledger.post("commitment", decided_on, "Beviljat bidrag", [(pot, -amount),
                                                                  (committed, amount)],
                    earmark, unit, subject, officer)
        if status not in PAID:
            return earmark, amount
        disbursed = ledger.account(AccountKind.DISBURSED, earmark, subject)
        share = Decimal(rng.randrange(80, 100)) / 100 if status == Status.CLOSED else Decimal(1)
        part = (amount * share / max(1, payments + (status != Status.CLOSED))).quantize(CENT)
        on = decided_on
        for _ in range(payments):
            on = min(on + timedelta(days=30), today)
            txn = ledger.post("disbursement", on, "Utbetalning", [(committed, -part),
                                                                  (disbursed, part)],
                              earmark, unit, subject, officer)
            self.vouchers += 1
            add(Payment, new(Payment), self.m, app, on, part,
                f"{on.year}-{self.vouchers:07d}", txn, officer)
        left = amount - part * payments
        due = min(on + timedelta(days=30), today)
        if status == Status.IN_PROGRESS:
            add(FollowUp, new(FollowUp), app, "yearly", decided_on + timedelta(days=365), "due",
                0, 0, 0, 0, "", None, None, None, None, ZERO)
        elif status == Status.REPORTED:
            add(FollowUp, new(FollowUp), app, "final", due, "submitted", women, men,
                women - 1 if women > 1 else women, men, "Utbildningen är genomförd.",
                datetime.combine(due, time(14), STOCKHOLM), manager, None, None, ZERO)
        else:
            if left > 0:
                ledger.post("decommitment", due, "Återfört till fonden efter slutrapport",
                            [(committed, -left), (pot, left)], earmark, unit, subject, officer)
            at = datetime.combine(due, time(14), STOCKHOLM)
            add(FollowUp, new(FollowUp), app, "final", due, "accepted", women, men,
                women - 1 if women > 1 else women, men, "Utbildningen är genomförd.", at,
                manager, at, officer, max(left, ZERO))
            return earmark, amount - max(left, ZERO)
        return earmark, amount

    def _decision(self, app: int, outcome: str, amount: Decimal, on: date, board: int,
                  officer: int, requested: Decimal) -> date:
        """The decision: at the board's monthly meeting with a § when large, else by the
        officer on delegation. Returns the date it was taken."""
        w = self.writer
        on = min(on, self.today)
        at_meeting = max(amount, requested) >= MEETING_THRESHOLD
        meeting = paragraph = year = None
        if at_meeting:
            on = date(on.year, on.month, 1) + timedelta(days=14)
            if on > self.today:
                on -= timedelta(days=31)
                on = date(on.year, on.month, 15)
            key = (board, on)
            if key not in self.meetings:
                self.meetings[key] = w.add(Meeting, w.new_id(Meeting), board, on,
                                           on + timedelta(days=7))
            meeting, year = self.meetings[key], on.year
            paragraph = self.paragraphs.get((board, year), 0) + 1
            self.paragraphs[(board, year)] = paragraph
            w.add(Paragraph, w.new_id(Paragraph), board, year, paragraph,
                  f"Ansökan om bidrag ur kompetensfonden ({app})")
        decision = w.add(Decision, w.new_id(Decision), app, outcome, amount, on, board, meeting,
                         year, paragraph, f"KS {on.year}/{app}",
                         None if at_meeting else officer, "" if at_meeting else "4.2", officer)
        w.add(AuditEvent, w.new_id(AuditEvent), self.m, officer,
              AuditAction.DECISION_RECORDED if at_meeting else AuditAction.DECISION_DELEGATED,
              "applications.decision", str(decision), f"Beslut om ansökan {app}",
              datetime.combine(on, time(15), STOCKHOLM))
        return on

    # -- the capital --------------------------------------------------------------------

    def _capital(self, fund: int, ledger: Ledger, use: dict[int | None, Decimal],
                 reserved: Decimal, council: int, officer: int) -> None:
        """Contributions decided by the council that cover everything granted and
        reserved with a tenth to spare, and earmarks that cover their pots' grants."""
        w, year = self.writer, self.today.year
        add, new = w.add, w.new_id
        needed = sum(use.values(), ZERO) + reserved
        hundreds = (needed * Decimal("1.1") / 100000).to_integral_value(rounding=ROUND_CEILING)
        capital = (hundreds * 100000) or Decimal("100000")
        parts = [(capital * Decimal(share)).quantize(CENT) for share in ("0.5", "0.3")]
        parts.append(capital - sum(parts))
        for n, (amount, source) in enumerate(zip(parts, ("surplus", "afa_refund", "budget"),
                                                 strict=True)):
            on = date(year - 3 + n, 1, 20)
            contribution = add(Contribution, new(Contribution), fund, amount, on, source,
                               council, on - timedelta(days=30), 40 + n, f"KS {on.year}/{n + 1}",
                               officer)
            ledger.post("contribution", on, f"Avsättning {on.year}",
                        [(ledger.account(AccountKind.EXTERNAL), -amount),
                         (ledger.account(AccountKind.AVAILABLE), amount)],
                        source=("funds.contribution", contribution), actor=officer)
        for earmark, granted in use.items():
            if earmark is None:
                continue
            amount = (granted * Decimal("1.1")).quantize(CENT)
            ledger.post("earmark", date(year - 3, 1, 25), "Öronmärkt",
                        [(ledger.account(AccountKind.AVAILABLE), -amount),
                         (ledger.account(AccountKind.AVAILABLE, earmark), amount)],
                        earmark, source=("funds.earmark", earmark), actor=officer)


COST_TYPES = ["course_fee", "salary_during_studies", "substitute_cost", "literature"]
CLAIM_ACTIVITIES = ["Kurs i motiverande samtal", "Konferens om barnrätt",
                    "Handledning i familjebehandling", "Kurs i BBIC"]
TITLES = {
    "education": ["Lärarlyftet: behörighetsgivande kurser", "Barnskötare till förskollärare",
                  "Specialpedagogik i klassrummet"],
    "elderly_care": ["Undersköterska till specialistundersköterska", "Språkombud i vården",
                     "Validering av vårdbiträden"],
    "social_services": ["Socionomutbildning på deltid", "Handledarutbildning för "
                        "socialsekreterare", "Introduktionsprogram för nya socialsekreterare"],
    "disability": ["Stödpedagog på halvfart", "Lågaffektivt bemötande"],
    "culture_leisure": ["Digital kompetens i biblioteket", "Fritidsledare till "
                        "fritidspedagog"],
    "central_administration": ["Upphandlingskompetens", "Ledarskap för nya chefer"],
    "technical_services": ["Yrkesförare: fortbildning", "Ingenjör på distans"],
}
