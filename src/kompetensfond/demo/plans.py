"""Demo competence-supply plans and fund guidelines, from the seeds, through the services.
The strategies follow the source texts; codes, targets, §, ceilings and rounds are invented
for the demo."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from kompetensfond.core.models import Role
from kompetensfond.funds.models import Fund
from kompetensfond.organisation.models import Occupation
from kompetensfond.plans.models import Plan
from kompetensfond.plans.services import (
    delegation_rule_create,
    guideline_save,
    plan_adopt,
    plan_create,
    plan_set_shortage_occupations,
    round_create,
    strategy_create,
    target_create,
)

from .organisation import DemoMunicipality

STHLM = ZoneInfo("Europe/Stockholm")
ALL_COSTS = ["course_fee", "salary_during_studies", "substitute_cost", "travel", "literature"]

# (code, title, description, targets: (kind, description, from, to, count, due))
Strategies = list[tuple[str, str, str, list[tuple[str, str, str | None, str | None, int, date]]]]

PLANS: dict[str, tuple[str, date, date, str, str, list[str], Strategies]] = {
    "sodertalje": (
        "Kompetensförsörjningsplan 2018–2021", date(2018, 1, 1), date(2021, 12, 31),
        "Kommunstyrelsens personalutskott", "PU 2018/14", ["5321", "2661", "2343"], [
            ("S1", "Utveckla medarbetare i nuvarande roll",
             "Medarbetare stärks i sitt nuvarande uppdrag genom utbildning på arbetstid.",
             [("participants", "400 medarbetare i kompetensutveckling", None, None, 400,
               date(2021, 12, 31))]),
            ("S2", "Utveckla medarbetare till nya roller",
             "Medarbetare ges möjlighet att växa in i bristyrken.",
             [("qualified", "60 vårdbiträden blir undersköterskor", "5330", "5321", 60,
               date(2021, 12, 31))]),
            ("S3", "Vård- och omsorgsutbildning på arbetstid",
             "Äldreomsorgens personal utbildas inom vård och omsorg under arbetstid.", []),
            ("S4", "Traineeprogram för nya socialsekreterare",
             "Nyanställda socialsekreterare får ett strukturerat introduktionsår.",
             [("participants", "30 socialsekreterare genom traineeprogrammet", None, None, 30,
               date(2020, 12, 31))]),
            ("S5", "Kompetens om psykoser i missbruks- och kriminalvården",
             "Personal som möter psykos inom missbruk och kriminalitet.", []),
        ]),
    "botkyrka": (
        "Kompetensförsörjning 2013", date(2013, 1, 1), date(2013, 12, 31),
        "Kommunstyrelsen", "KS/2012:498", ["2343", "5321"], [
            ("B1", "Barnskötare till förskollärare",
             "Grundläggande behörighet i förskolan; de flesta anställda är kvinnor, och män "
             "uppmuntras att söka.",
             [("qualified", "30 barnskötare blir förskollärare", "5311", "2343", 30,
               date(2013, 12, 31))]),
            ("B2", "Vårdbiträde till undersköterska",
             "Grundläggande behörighet i vård och omsorg.",
             [("qualified", "40 vårdbiträden blir undersköterskor", "5330", "5321", 40,
               date(2013, 12, 31))]),
        ]),
    "orebro": (
        "Kompetensförsörjningsplan 2020–2022", date(2020, 1, 1), date(2022, 12, 31),
        "Kommunstyrelsen", "KS 19/02211", ["2341", "2343", "2661"], [
            ("O1", "Ledarskapsprogram för chefer",
             "Påskynda ledarskapsprogrammet för att rekrytera och behålla chefer.",
             [("participants", "40 chefer genom ledarskapsprogrammet", None, None, 40,
               date(2022, 12, 31))]),
            ("O2", "Kompetensutveckling för pedagoger och fler yrkesgrupper",
             "Lärare och förskollärare, utvidgat till fler yrkesgrupper.", []),
            ("O3", "Rekrytera till bristyrken",
             "Lärare, förskollärare och socialsekreterare.", []),
        ]),
}


def build_plan(demo: DemoMunicipality) -> Plan | None:
    spec = PLANS.get(demo.municipality.slug)
    if spec is None:
        return None
    title, start, end, body_name, dnr, shortage, strategies = spec
    return adopt_plan(demo, title=title, start=start, end=end, body_name=body_name,
                      case_number=dnr, shortage=shortage, strategies=strategies)


def adopt_plan(demo: DemoMunicipality, *, title: str, start: date, end: date, body_name: str,
               case_number: str, shortage: list[str], strategies: Strategies) -> Plan:
    """A plan with its shortage occupations, strategies and targets, adopted by the body
    six weeks into its period (or today, if that is sooner)."""
    actor = demo.users[Role.FUND_ADMIN]
    plan = plan_create(actor=actor, municipality=demo.municipality, title=title,
                       valid_from=start, valid_to=end)
    codes = {*shortage, *(c for *_s, targets in strategies for t in targets
                          for c in t[2:4] if c)}
    occupations = {o.ssyk_code: o for o in Occupation.objects.filter(ssyk_code__in=codes)}
    plan_set_shortage_occupations(actor=actor, plan=plan,
                                  occupations=[occupations[c] for c in shortage])
    for code, strategy_title, description, targets in strategies:
        strategy = strategy_create(actor=actor, plan=plan, code=code, title=strategy_title,
                                   description=description)
        for kind, text, from_code, to_code, count, due in targets:
            target_create(actor=actor, strategy=strategy, kind=kind, description=text,
                          count=count, due_date=due,
                          occupation_from=occupations.get(from_code or ""),
                          occupation_to=occupations.get(to_code or ""))
    adopted_on = min(start + timedelta(days=44), max(timezone.localdate(), start))
    return plan_adopt(actor=actor, plan=plan, adopted_by=demo.bodies[body_name],
                      adopted_on=adopted_on, paragraph=12, case_number=case_number)


def build_guideline(demo: DemoMunicipality, fund: Fund, plan: Plan | None) -> None:
    actor = demo.users[Role.FUND_ADMIN]
    guideline = guideline_save(
        actor=actor, fund=fund, plan=plan, eligible_cost_types=ALL_COSTS,
        max_per_application=Decimal("5000000.00"), max_per_participant=Decimal("150000.00"),
        min_cofunding_percent=Decimal("10.00"), requires_strategy=plan is not None,
        adopted_by=fund.owning_body, adopted_on=fund.start_date, paragraph=13,
        text="Medlen får användas till utbildning som bygger på kompetensförsörjningsplanens "
             "strategier. Enheten står för minst en tiondel av kostnaden.")
    running = fund.start_date <= timezone.localdate() <= fund.end_date
    for year in range(fund.start_date.year, fund.end_date.year + 1):
        if running:  # a fund in use takes applications all year, so the demo always can
            rounds = [(f"Löpande {year}", datetime(year, 1, 1, tzinfo=STHLM),
                       datetime(year + 1, 1, 1, tzinfo=STHLM))]
        else:
            rounds = [(f"Våren {year}", datetime(year, 2, 1, 8, 0, tzinfo=STHLM),
                       datetime(year, 3, 31, 23, 59, tzinfo=STHLM)),
                      (f"Hösten {year}", datetime(year, 9, 1, 8, 0, tzinfo=STHLM),
                       datetime(year, 12, 15, 23, 59, tzinfo=STHLM))]
        for name, opens, closes in rounds:
            # a round lies inside the fund's period
            opens = max(opens, datetime.combine(fund.start_date, time(0), tzinfo=STHLM))
            closes = min(closes, datetime.combine(fund.end_date + timedelta(days=1), time(0),
                                                  tzinfo=STHLM))
            if opens < closes:
                round_create(actor=actor, guideline=guideline, name=name, opens_at=opens,
                             closes_at=closes)
    delegation_rule_create(actor=actor, guideline=guideline, body=fund.owning_body,
                           max_amount=Decimal("500000.00"), delegation_point="4.3",
                           delegate_role=Role.FUND_ADMIN)
