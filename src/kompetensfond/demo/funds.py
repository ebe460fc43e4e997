"""Demo funds from the seeds, built through the real services.

Amounts, bodies and dates follow the source texts; the §, case numbers and the individual
grants are invented for the demo. Grants are posted straight to the ledger here (subject
``demo.grant``) until the applications feature records them as decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from kompetensfond.core.models import Role, User
from kompetensfond.funds.models import ContributionSource, Fund
from kompetensfond.funds.services import (
    contribution_record,
    earmark_create,
    fund_close,
    fund_create,
)
from kompetensfond.ledger.services import Subject, commitment_create, disbursement_create
from kompetensfond.organisation.models import Occupation

from .organisation import DemoMunicipality

MSEK = Decimal(1_000_000)


@dataclass
class Grant:
    unit: str | None  # None: an administration outside the demo organisation
    amount: Decimal
    on: date
    text: str
    paid: Decimal = Decimal(0)
    earmark: str | None = None


def _grants(demo: DemoMunicipality, fund: Fund, grants: list[Grant],
            earmarks: dict[str, object] | None = None) -> None:
    actor: User = demo.users[Role.FUND_ADMIN]
    for number, grant in enumerate(grants, start=1):
        subject = Subject("demo.grant", f"{fund.pk}-{number}")
        earmark = (earmarks or {}).get(grant.earmark) if grant.earmark else None
        unit = demo.units[grant.unit] if grant.unit else None
        commitment_create(actor=actor, fund=fund, amount=grant.amount, subject=subject,
                          text=grant.text, on=grant.on, earmark=earmark, org_unit=unit)  # type: ignore[arg-type]
        # a fund whose period is over has paid its grants in full
        paid = grant.amount if fund.end_date < timezone.localdate() else grant.paid
        if paid:
            paid_on = date(grant.on.year + (grant.on.month > 6), (grant.on.month + 5) % 12 + 1, 28)
            disbursement_create(actor=actor, fund=fund, amount=paid, subject=subject,
                                text=f"Utbetalning: {grant.text}", on=min(paid_on, fund.end_date),
                                earmark=earmark, org_unit=unit)  # type: ignore[arg-type]


SODERTALJE_DECISIONS = [
    ("Vård- och omsorgsboendet Lunden", "4200000.00", "4200000.00", date(2018, 9, 14),
     "KS 2018/388", "Vård- och omsorgsutbildning på arbetstid"),
    ("Barn och unga", "2800000.00", "2800000.00", date(2018, 11, 2), "KS 2018/451",
     "Traineeprogram för nya socialsekreterare"),
    ("Missbruk och kriminalitet", "450000.00", "450000.00", date(2019, 3, 15), "KS 2019/97",
     "Utbildning om psykoser"),
]


def at_noon(day: date) -> datetime:
    """Noon in Stockholm on ``day``: the time a case of the past is registered at."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("Europe/Stockholm"))


def _decided_application(demo: DemoMunicipality, fund: Fund, unit_name: str, amount: Decimal,
                         paid: Decimal, meeting_on: date, case_number: str,
                         title: str) -> None:
    """An application through the real life cycle, granted by the body at a meeting with
    the next § and paid in full six months later."""
    from kompetensfond.applications.models import Outcome
    from kompetensfond.applications.services import (
        Line,
        application_create,
        application_recommend,
        application_submit,
        decision_record_at_meeting,
    )

    officer, secretary = demo.users[Role.FUND_ADMIN], demo.users[Role.SECRETARY]
    unit = demo.units[unit_name]
    applied = max(fund.start_date, meeting_on - timedelta(days=30))
    application = application_create(
        actor=officer, fund=fund, unit=unit, title=title, participants_women=18,
        participants_men=4, purpose="Ur kommunstyrelsens ärende om kompetensfonden.",
        lines=[Line("course_fee", meeting_on.year, amount)], at=applied)
    application_submit(actor=officer, application=application, at=at_noon(applied))
    application_recommend(actor=officer, application=application, outcome=Outcome.GRANTED,
                          amount=None, reason="Stärker medarbetarna i nuvarande och nya roller.")
    decision_record_at_meeting(actor=secretary, application=application, on=meeting_on,
                               outcome=Outcome.GRANTED, case_number=case_number)
    paid_on = date(meeting_on.year + (meeting_on.month > 6), (meeting_on.month + 5) % 12 + 1, 28)
    from kompetensfond.followup.services import payment_register

    payment_register(actor=officer, application=application, amount=paid, on=paid_on,
                     voucher=f"{paid_on.year}-{application.pk:05d}")


def build_sodertalje(demo: DemoMunicipality) -> Fund:
    actor = demo.users[Role.FUND_ADMIN]
    ks, kf = demo.bodies["Kommunstyrelsen"], demo.bodies["Kommunfullmäktige"]
    fund = fund_create(
        actor=actor, municipality=demo.municipality, name="Kompetensfonden 2018–2021",
        description="100 miljoner kronor av 2017 års överskott avsätts för att stärka "
                    "medarbetarnas kompetens i nuvarande och nya roller. Varje insats ska "
                    "bygga på kompetensförsörjningsplanens strategier.",
        start_date=date(2018, 4, 6), end_date=date(2021, 12, 31), owning_body=ks)
    contribution_record(actor=actor, fund=fund, amount=100 * MSEK, on=date(2018, 4, 6),
                        source=ContributionSource.SURPLUS, source_text="Årets resultat 2017",
                        decision_body=ks, decision_date=date(2018, 4, 6), paragraph=58,
                        case_number="KS 2018/212")
    contribution_record(actor=actor, fund=fund, amount=50 * MSEK, on=date(2019, 5, 27),
                        source=ContributionSource.SURPLUS,
                        source_text="Påfyllnad ur årets resultat 2018",
                        decision_body=kf, decision_date=date(2019, 5, 27), paragraph=80,
                        case_number="KS 2019/301")
    # The seeds' three grants, applied for and decided before the guidelines existed
    # (seed 000: "units have already applied and been granted money").
    for unit, amount, paid, meeting_on, case, title in SODERTALJE_DECISIONS:
        _decided_application(demo, fund, unit, Decimal(amount), Decimal(paid), meeting_on,
                             case, title)
    _grants(demo, fund, [
        Grant("Hemtjänst Centrum", Decimal("2650000.00"), date(2019, 2, 8),
              "Undersköterskeutbildning för vårdbiträden", paid=Decimal("2400000.00")),
        Grant("Förskoleområde Öst", Decimal("3100000.00"), date(2019, 9, 20),
              "Barnskötare till förskollärare", paid=Decimal("2100000.00")),
        Grant("HR-avdelningen", Decimal("1250000.00"), date(2020, 1, 17),
              "Chefsutveckling i kommunens ledarskapsprogram"),
    ])
    return fund


def build_botkyrka(demo: DemoMunicipality) -> Fund:
    actor = demo.users[Role.FUND_ADMIN]
    ks = demo.bodies["Kommunstyrelsen"]
    fund = fund_create(
        actor=actor, municipality=demo.municipality, name="Kompetensfonden 2013",
        description="Grundläggande kompetens: barnskötare till förskollärare, vårdbiträden "
                    "till undersköterskor. Jämställdhet: de flesta anställda är kvinnor.",
        start_date=date(2013, 1, 1), end_date=date(2013, 12, 31), owning_body=ks)
    contribution_record(actor=actor, fund=fund, amount=10 * MSEK, on=date(2013, 1, 1),
                        source=ContributionSource.BUDGET, decision_body=ks,
                        decision_date=date(2012, 12, 10), paragraph=214,
                        case_number="KS/2012:512")
    frames = [("Ram utbildning", "6200000.00", "Utbildningsförvaltningen"),
              ("Ram vård och omsorg", "3100000.00", "Vård- och omsorgsförvaltningen"),
              ("Ram social", "300000.00", "Socialförvaltningen"),
              ("Ram kultur och fritid", "200000.00", "Kultur- och fritidsförvaltningen"),
              ("Ram kommunledning", "200000.00", "Kommunledningsförvaltningen")]
    earmarks = {name: earmark_create(actor=actor, fund=fund, name=name, amount=Decimal(amount),
                                     administration=demo.units[admin], on=date(2013, 1, 1),
                                     purpose="Förvaltningens ram enligt fördelningen 2013.")
                for name, amount, admin in frames}
    _grants(demo, fund, [
        Grant("Förskolor Tumba", Decimal("2400000.00"), date(2013, 2, 15),
              "Barnskötare till förskollärare, omgång 1", Decimal("2400000.00"),
              "Ram utbildning"),
        Grant("Förskolor Alby", Decimal("1900000.00"), date(2013, 3, 8),
              "Barnskötare till förskollärare, omgång 2", Decimal("1500000.00"),
              "Ram utbildning"),
        Grant("Hemtjänst Tullinge", Decimal("1600000.00"), date(2013, 2, 22),
              "Vårdbiträde till undersköterska", Decimal("1600000.00"), "Ram vård och omsorg"),
        Grant("Barn och ungdom", Decimal("250000.00"), date(2013, 4, 12),
              "Samtal med barn", Decimal("250000.00"), "Ram social"),
    ], earmarks)  # type: ignore[arg-type]
    return fund


def build_orebro(demo: DemoMunicipality) -> Fund:
    actor = demo.users[Role.FUND_ADMIN]
    ks, kf = demo.bodies["Kommunstyrelsen"], demo.bodies["Kommunfullmäktige"]
    fund = fund_create(
        actor=actor, municipality=demo.municipality, name="Kompetensfonden (AFA-medel)",
        description="10 miljoner kronor av återbetalda AFA-premier: kompetensutveckling för "
                    "pedagoger och fler yrkesgrupper, och ett snabbare ledarskapsprogram.",
        start_date=date(2020, 3, 1), end_date=date(2022, 12, 31), owning_body=ks)
    contribution_record(actor=actor, fund=fund, amount=10 * MSEK, on=date(2020, 3, 1),
                        source=ContributionSource.AFA_REFUND, decision_body=kf,
                        decision_date=date(2020, 2, 25), paragraph=41,
                        case_number="KS 20/00187")
    teachers = list(Occupation.objects.filter(ssyk_code__in=["2341", "2343", "2330"]))
    earmarks = {
        "Ledarskapsprogram": earmark_create(
            actor=actor, fund=fund, name="Ledarskapsprogram", amount=4 * MSEK,
            on=date(2020, 3, 1), administration=demo.units["Kommunstyrelseförvaltningen"],
            purpose="Påskynda ledarskapsprogrammet för att rekrytera chefer."),
        "Pedagoger och fler yrkesgrupper": earmark_create(
            actor=actor, fund=fund, name="Pedagoger och fler yrkesgrupper", amount=6 * MSEK,
            on=date(2020, 3, 1), occupations=teachers,
            purpose="Kompetensutveckling för pedagoger, utvidgad till fler yrkesgrupper."),
    }
    _grants(demo, fund, [
        Grant("Personalavdelningen", Decimal("1800000.00"), date(2020, 5, 4),
              "Ledarskapsprogram, omgång 1", Decimal("1800000.00"), "Ledarskapsprogram"),
        Grant("Personalavdelningen", Decimal("1500000.00"), date(2021, 2, 1),
              "Ledarskapsprogram, omgång 2", Decimal("1100000.00"), "Ledarskapsprogram"),
        Grant("Grundskolor Norr", Decimal("2300000.00"), date(2020, 8, 17),
              "Specialpedagogik för grundskollärare", Decimal("2300000.00"),
              "Pedagoger och fler yrkesgrupper"),
        Grant("Förskolor Väster", Decimal("1700000.00"), date(2021, 1, 11),
              "Språkutveckling i förskolan", Decimal("900000.00"),
              "Pedagoger och fler yrkesgrupper"),
    ], earmarks)  # type: ignore[arg-type]
    return fund


def build_stockholm(demo: DemoMunicipality) -> Fund:
    """The city-wide fund as the district council sees it: most social-services money has
    gone to central projects, little to the districts (seed 004)."""
    actor = demo.users[Role.FUND_ADMIN]
    ks, kf = demo.bodies["Kommunstyrelsen"], demo.bodies["Kommunfullmäktige"]
    # runs from three years ago to the end of next year, whenever the demo is loaded
    y0 = timezone.localdate().year - 3
    fund = fund_create(
        actor=actor, municipality=demo.municipality, name="Stadens kompetensfond",
        description="Stadsövergripande fond för kompetensutveckling. Förvaltningar och "
                    "stadsdelsförvaltningar söker medel för sina medarbetare.",
        start_date=date(y0, 1, 1), end_date=date(y0 + 4, 12, 31), owning_body=ks)
    contribution_record(actor=actor, fund=fund, amount=150 * MSEK, on=date(y0, 1, 1),
                        source=ContributionSource.SURPLUS, source_text=f"Årets resultat {y0 - 2}",
                        decision_body=kf, decision_date=date(y0 - 1, 11, 28), paragraph=17,
                        case_number=f"KS {y0 - 1}/1123")
    _grants(demo, fund, [
        # the social committee's central projects are booked on its administration
        Grant("Socialförvaltningen", Decimal("3200000.00"),
              date(y0, 3, 1), "Introduktionsprogram för nya socialsekreterare",
              Decimal("2600000.00")),
        Grant("Socialförvaltningen", Decimal("1150000.00"), date(y0, 9, 4),
              "Utbildning i samtal med barn och unga", Decimal("1150000.00")),
        Grant("Socialtjänst barn och unga", Decimal("420000.00"), date(y0 + 1, 2, 5),
              "Handledning i barnutredningar", Decimal("420000.00")),
        Grant("Äldreomsorg", Decimal("950000.00"), date(y0 + 1, 4, 8),
              "Undersköterskeutbildning", Decimal("600000.00")),
        Grant(None, Decimal("9800000.00"), date(y0, 5, 15),
              "Digital kompetens, stadsövergripande (övriga förvaltningar)",
              Decimal("7400000.00")),
        Grant(None, Decimal("6300000.00"), date(y0 + 1, 9, 2),
              "Ledarskapsutveckling, stadsövergripande (övriga förvaltningar)",
              Decimal("3900000.00")),
    ])
    return fund


BUILDERS = {"sodertalje": build_sodertalje, "botkyrka": build_botkyrka,
            "orebro": build_orebro, "stockholm": build_stockholm}


def build_funds(demo: DemoMunicipality) -> Fund | None:
    builder = BUILDERS.get(demo.municipality.slug)
    return builder(demo) if builder else None


def build_demo_funds(demo: DemoMunicipality) -> list[Fund]:
    """The seed's fund with its plan, guideline and applications, then, when the seed's
    period is over, the fund the municipality runs today (``current.py``). A fund whose
    period is over is closed: it stays as history."""
    from .allowances import build_allowances
    from .applications import build_applications
    from .current import build_current_fund, build_current_plan, current_spec
    from .followup import build_follow_up
    from .plans import build_guideline, build_plan

    spec = current_spec(demo)
    fund = build_funds(demo)
    if fund is None or spec is None:
        return []
    if fund.end_date >= timezone.localdate():  # Stockholm: the city fund of the seed runs
        plan = build_current_plan(demo, spec, fund)
        build_guideline(demo, fund, plan)
        build_applications(demo, fund, spec.applications, plan)
        build_follow_up(demo, fund)
        build_allowances(demo, fund)
        return [fund]
    # a closed period: its applications came before its rules; its grants were paid,
    # reported and closed
    build_applications(demo, fund, spec.applications)
    build_guideline(demo, fund, build_plan(demo))
    build_follow_up(demo, fund)
    fund = fund_close(actor=demo.users[Role.FUND_ADMIN], fund=fund)
    current = build_current_fund(demo, spec)
    plan = build_current_plan(demo, spec, current)
    build_guideline(demo, current, plan)
    build_applications(demo, current, spec.applications, plan)
    build_follow_up(demo, current)
    return [current, fund]
