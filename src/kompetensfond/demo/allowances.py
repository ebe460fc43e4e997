"""A development-allowance pilot in the Stockholm demo (seed 004 argues over a motion that
every socialsekreterare gets 10 000 kr a year): the demo district council runs it for its
own socialsekreterare this year. The demo employee (Mira) is one of them, with a paid claim
and one waiting for the demo manager; a third of her colleagues have claimed something."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from kompetensfond.allowances.models import Allowance, AllowanceScheme, Claim
from kompetensfond.allowances.services import (
    ClaimInput,
    SchemeInput,
    claim_approve,
    claim_pay,
    claim_submit,
    scheme_create,
)
from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.models import Role
from kompetensfond.funds.models import Fund
from kompetensfond.organisation.models import Occupation
from kompetensfond.organisation.selectors import employee_of

from .organisation import DemoMunicipality

DISTRICT = "Stadsdelsförvaltningen Söder (demo)"
BODY = "Stadsdelsnämnden Söder (demo)"
# a one-page PDF standing in for a receipt
RECEIPT = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
           b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
           b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
           b"trailer<</Root 1 0 R>>\n%%EOF\n")
CLAIMS = [  # activity, provider, kind of cost, cost
    ("Motiverande samtal, grundkurs", "Socionomförbundet", "course", "4500.00"),
    ("Socialt arbete med barn och unga – nationell konferens", "Sveriges Kommuner och "
     "Regioner", "conference", "3200.00"),
    ("Bedömningsmetoder i barnavårdsutredningar", "Studentlitteratur", "literature", "890.00"),
    ("Samtal med barn, 7,5 hp", "Stockholms universitet", "tuition", "2500.00"),
    ("Våld i nära relationer", "Nationellt centrum för kvinnofrid", "course", "1800.00"),
]


def build_allowances(demo: DemoMunicipality, fund: Fund) -> AllowanceScheme | None:
    """The pilot scheme, with claims in every state (Mira's among them)."""
    if DISTRICT not in demo.units:
        return None
    today = timezone.localdate()
    district = demo.units[DISTRICT]
    officer = demo.users[Role.FUND_ADMIN]
    manager = demo.users[Role.UNIT_MANAGER]
    year_start, year_end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    social_worker = Occupation.objects.get(ssyk_code="2661")
    mira = employee_of(demo.users[Role.EMPLOYEE])  # by her e-mail in the staff register
    if mira is None:
        return None
    scheme = scheme_create(actor=officer, fund=fund, on=max(fund.start_date, year_start),
                           data=SchemeInput(
        name="Försök med kompetensutvecklingspeng, socialsekreterare Söder (demo)",
        decision_reference=f"{BODY} {year_start.year - 1}-12-14 § 187, dnr SÖ 2025/1123 "
                           "(demo)",
        amount="10000.00", period_start=year_start, period_end=year_end,
        expiry_date=min(year_end, fund.end_date), cutoff_date=year_start,
        occupations=[social_worker], units=[district], leaver_rule="keep"))
    allowances = list(Allowance.objects.filter(scheme=scheme).select_related("employee")
                      .order_by("employee__employee_number"))
    day = max(year_start, today - datetime.timedelta(days=60))
    for n, allowance in enumerate(allowances):
        if allowance.employee_id == mira.pk:
            paid = _claim(allowance, CLAIMS[0], day)
            claim_approve(actor=manager, claim=paid, comment="I linje med utvecklingsplanen.")
            claim_pay(actor=officer, claim=paid, on=today, voucher=f"LÖN-{today:%Y%m}-{n}")
            _claim(allowance, CLAIMS[1], today)  # waiting for the manager
        elif n % 3 == 0:  # a third of the colleagues have used some of theirs
            spec = CLAIMS[(n // 3) % len(CLAIMS)]
            claim = _claim(allowance, spec, day)
            claim_approve(actor=manager, claim=claim)
            if n % 2 == 0:
                claim_pay(actor=officer, claim=claim, on=today,
                          voucher=f"LÖN-{today:%Y%m}-{n}")
    return scheme


def _claim(allowance: Allowance, spec: tuple[str, str, str, str], on: datetime.date) -> Claim:
    activity, provider, category, cost = spec
    cost = str(min(Decimal(cost), allowance.amount))
    return claim_submit(actor=SYSTEM, allowance=allowance, on=on, data=ClaimInput(
        activity=activity, provider=provider, category=category, start_date=on,
        end_date=on, cost=cost, receipt_name="kvitto.pdf", receipt=RECEIPT,
        development_plan="Utvecklingssamtal: fördjupning i samtalsmetodik"))
