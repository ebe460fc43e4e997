"""The fund each demo municipality runs today: period, plan, guideline and open round are
computed from the day ``kompetensfond demo`` runs, so a newcomer can apply and have the
application decided with a § on today's date without creating anything first.

The seeds' funds stay as history (``funds.py``); these continue them. Amounts, §, case
numbers and applications are invented for the demo, drawn from each municipality's seed:
Södertälje's care education on working time, Botkyrka's basic qualifications in preschool,
Örebro's teachers and leadership programme, Stockholm's district social services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from kompetensfond.core.models import Role
from kompetensfond.funds.models import ContributionSource, Fund
from kompetensfond.funds.services import contribution_record, earmark_create, fund_create
from kompetensfond.plans.models import Plan

from .organisation import DemoMunicipality
from .plans import Strategies, adopt_plan

MSEK = Decimal(1_000_000)


@dataclass(frozen=True)
class DemoApplication:
    title: str
    amount: str
    state: str  # the state the demo leaves it in
    unit: str
    occupations: tuple[str, ...]  # SSYK codes
    strategies: tuple[str, ...]  # strategy codes of the plan
    purpose: str


def _spread(rows: list[tuple[str, str, str, str, tuple[str, ...], tuple[str, ...], str]],
            ) -> list[DemoApplication]:
    return [DemoApplication(*row) for row in rows]


@dataclass(frozen=True)
class CurrentSpec:
    fund_name: str
    description: str
    amount: Decimal
    source: str
    source_text: str
    decided_by: str
    case_number: str
    plan_title: str
    plan_body: str
    shortage: tuple[str, ...]
    strategies: Strategies
    applications: list[DemoApplication]
    frames: tuple[tuple[str, str, str], ...] = ()  # (name, amount, administration)


def _specs(year: int) -> dict[str, CurrentSpec]:
    end = date(year + 1, 12, 31)
    return {
        "sodertalje": CurrentSpec(
            f"Kompetensfonden {year}–{year + 1}",
            "Fortsättningen på kompetensfonden 2018–2021: vård- och omsorgsutbildning på "
            "arbetstid och nya roller i äldreomsorgen och socialtjänsten.",
            40 * MSEK, ContributionSource.SURPLUS, f"Årets resultat {year - 1}",
            "Kommunfullmäktige", f"KS {year - 1}/845",
            f"Kompetensförsörjningsplan {year}–{year + 1}", "Kommunstyrelsens personalutskott",
            ("5321", "2661", "2343", "2221"), [
                ("S1", "Utveckla medarbetare i nuvarande roll",
                 "Medarbetare stärks i sitt nuvarande uppdrag genom utbildning på arbetstid.",
                 [("participants", "300 medarbetare i kompetensutveckling", None, None, 300,
                   end)]),
                ("S2", "Utveckla medarbetare till nya roller",
                 "Vårdbiträden blir undersköterskor, undersköterskor specialistundersköterskor.",
                 [("qualified", "40 vårdbiträden blir undersköterskor", "5330", "5321", 40,
                   end)]),
                ("S3", "Vård- och omsorgsutbildning på arbetstid",
                 "Äldreomsorgens personal utbildas inom vård och omsorg under arbetstid.", []),
            ],
            _spread([
                ("Demensvård i hemtjänsten", "160000.00", "draft", "Hemtjänst Järna",
                 ("5321", "5330"), ("S1",),
                 "Undersköterskor och vårdbiträden lär sig bemöta personer med demenssjukdom."),
                ("Vårdbiträde till undersköterska", "420000.00", "submitted",
                 "Hemtjänst Centrum", ("5330",), ("S2",),
                 "Tolv vårdbiträden läser in undersköterskeexamen på arbetstid."),
                ("Vård- och omsorgsutbildning på arbetstid", "480000.00", "in_review",
                 "Vård- och omsorgsboendet Lunden", ("5330", "5321"), ("S3",),
                 "Boendets personal läser vård- och omsorgsprogrammet på halvfart."),
                ("Läkemedelshantering för undersköterskor", "90000.00", "returned",
                 "Hemtjänst Centrum", ("5321",), ("S1",),
                 "Delegering av läkemedel: utbildning och examination."),
                ("Palliativ vård i livets slutskede", "260000.00", "recommended",
                 "Vård- och omsorgsboendet Lunden", ("5321", "2221"), ("S1",),
                 "Undersköterskor och sjuksköterskor i palliativ vård."),
                ("Undersköterska till specialistundersköterska", "540000.00", "granted",
                 "Vård- och omsorgsboendet Lunden", ("5321",), ("S2",),
                 "Yrkeshögskoleutbildning inom demens för åtta undersköterskor."),
                ("Handledning för nya undersköterskor", "120000.00", "delegated",
                 "Hemtjänst Järna", ("5321",), ("S1",),
                 "Handledarutbildning så att nyanställda får en trygg introduktion."),
                ("Konferensresa utan koppling till planen", "60000.00", "rejected",
                 "Hemtjänst Centrum", (), ("S1",), "Deltagande i en konferens utomlands."),
                ("Kurs i förflyttningsteknik som ställdes in", "40000.00", "withdrawn",
                 "Hemtjänst Järna", ("5321",), ("S1",), "Kursen ställdes in av utbildaren."),
            ])),
        "botkyrka": CurrentSpec(
            f"Kompetensfonden {year}–{year + 1}",
            "Grundläggande behörighet i förskola och omsorg, fördelad på förvaltningarnas "
            "ramar. De flesta anställda är kvinnor; män uppmuntras att söka.",
            10 * MSEK, ContributionSource.BUDGET, f"Budget {year}",
            "Kommunstyrelsen", f"KS/{year - 1}:498",
            f"Kompetensförsörjning {year}–{year + 1}", "Kommunstyrelsen", ("2343", "5321"), [
                ("B1", "Barnskötare till förskollärare",
                 "Grundläggande behörighet i förskolan.",
                 [("qualified", "30 barnskötare blir förskollärare", "5311", "2343", 30,
                   end)]),
                ("B2", "Vårdbiträde till undersköterska",
                 "Grundläggande behörighet i vård och omsorg.",
                 [("qualified", "40 vårdbiträden blir undersköterskor", "5330", "5321", 40,
                   end)]),
                ("B3", "Språk- och läsutveckling",
                 "Svenska som andraspråk och läsinlärning i förskola och skola.", []),
            ],
            _spread([
                ("Förskollärarutbildning för barnskötare, omgång 5", "450000.00", "draft",
                 "Förskolor Alby", ("5311",), ("B1",),
                 "Barnskötare läser till förskollärare på deltid med bibehållen lön."),
                ("Svenska som andraspråk för barnskötare", "180000.00", "submitted",
                 "Förskolor Tumba", ("5311",), ("B3",),
                 "Yrkessvenska för barnskötare med annat modersmål."),
                ("Läsinlärning i årskurs 1–3", "300000.00", "in_review",
                 "Grundskolor Norra Botkyrka", ("2341",), ("B3",),
                 "Grundskollärare fördjupar sig i läs- och skrivinlärning."),
                ("Språkutvecklande arbetssätt i förskolan", "140000.00", "returned",
                 "Förskolor Tumba", ("2343", "5311"), ("B3",),
                 "Hela arbetslag i förskolan utbildas tillsammans."),
                ("Barnskötare till förskollärare, omgång 4", "620000.00", "recommended",
                 "Förskolor Alby", ("5311",), ("B1",),
                 "Tio barnskötare läser till förskollärare."),
                ("Barnskötare till förskollärare, omgång 3", "680000.00", "granted",
                 "Förskolor Tumba", ("5311",), ("B1",),
                 "Tolv barnskötare läser till förskollärare."),
                ("Läsinlärning för elevassistenter", "110000.00", "delegated",
                 "Grundskolor Norra Botkyrka", ("5312",), ("B3",),
                 "Elevassistenter stöttar elever i läsinlärning."),
                ("Studieresa till Reggio Emilia", "95000.00", "rejected", "Förskolor Alby",
                 ("2343",), ("B3",), "Studieresa för förskollärare."),
                ("Kurs i digitala verktyg som ställdes in", "45000.00", "withdrawn",
                 "Grundskolor Norra Botkyrka", ("2341",), ("B3",),
                 "Kursen ställdes in av utbildaren."),
            ]),
            frames=(("Ram utbildning", "6200000.00", "Utbildningsförvaltningen"),
                    ("Ram vård och omsorg", "3100000.00", "Vård- och omsorgsförvaltningen"),
                    ("Ram social", "300000.00", "Socialförvaltningen"),
                    ("Ram kultur och fritid", "200000.00", "Kultur- och fritidsförvaltningen"),
                    ("Ram kommunledning", "200000.00", "Kommunledningsförvaltningen"))),
        "orebro": CurrentSpec(
            f"Kompetensfonden {year}–{year + 1}",
            "Kompetensutveckling för pedagoger och fler yrkesgrupper, och ledarskapsprogrammet "
            "för att rekrytera och behålla chefer.",
            8 * MSEK, ContributionSource.AFA_REFUND, f"Återbetalda AFA-premier {year - 1}",
            "Kommunfullmäktige", f"KS {year - 2000 - 1}/01874",
            f"Kompetensförsörjningsplan {year}–{year + 1}", "Kommunstyrelsen",
            ("2341", "2343", "2661", "1422"), [
                ("O1", "Ledarskapsprogram för chefer",
                 "Rekrytera och behålla chefer i förskola och skola.",
                 [("participants", "30 chefer genom ledarskapsprogrammet", None, None, 30,
                   end)]),
                ("O2", "Kompetensutveckling för pedagoger och fler yrkesgrupper",
                 "Lärare och förskollärare, utvidgat till barnskötare och elevassistenter.",
                 []),
                ("O3", "Rekrytera till bristyrken",
                 "Barnskötare blir förskollärare, lärare får behörighet.",
                 [("qualified", "15 barnskötare blir förskollärare", "5311", "2343", 15,
                   end)]),
            ],
            _spread([
                ("Specialpedagogik för grundskollärare, fortsättning", "240000.00", "draft",
                 "Grundskolor Norr", ("2341",), ("O2",),
                 "Grundskollärare läser specialpedagogik, 15 hp."),
                ("Förskollärarlyftet", "310000.00", "submitted", "Förskolor Väster",
                 ("2343",), ("O2",), "Förskollärare fördjupar sig i undervisning i förskolan."),
                ("Barnskötare till förskollärare", "450000.00", "in_review",
                 "Förskolor Väster", ("5311",), ("O3",),
                 "Åtta barnskötare läser till förskollärare på arbetstid."),
                ("Ledarskap för biträdande rektorer", "200000.00", "returned",
                 "Grundskolor Norr", ("1412",), ("O1",),
                 "Biträdande rektorer i ledarskapsprogrammets första del."),
                ("Läs- och skrivutveckling i grundskolan", "380000.00", "recommended",
                 "Grundskolor Norr", ("2341",), ("O2",),
                 "Lärare i årskurs 1–6 i läs- och skrivutveckling."),
                ("Ledarskapsprogram för nya förskolechefer", "560000.00", "granted",
                 "Förskolor Väster", ("1422",), ("O1",),
                 "Nya förskolechefer går ledarskapsprogrammet under ett år."),
                ("Elevassistenter: kunskap om NPF", "90000.00", "delegated",
                 "Grundskolor Norr", ("5312",), ("O2",),
                 "Neuropsykiatriska funktionsnedsättningar i skolan."),
                ("Konferens utan koppling till planen", "60000.00", "rejected",
                 "Förskolor Väster", (), ("O2",), "Deltagande i en konferens."),
                ("Kurs som ställdes in", "40000.00", "withdrawn", "Grundskolor Norr",
                 ("2341",), ("O2",), "Kursen ställdes in av utbildaren."),
            ])),
        "stockholm": CurrentSpec(
            "", "", Decimal(0), "", "", "", "",  # the city fund of the seed is current
            f"Stadens kompetensförsörjningsplan {year - 3}–{year + 1}", "Kommunstyrelsen",
            ("2661", "3411", "2343", "5321"), [
                ("T1", "Stärka socialtjänstens kompetens i stadsdelarna",
                 "Stadsdelarnas socialtjänst får del av fonden, inte bara centrala projekt.",
                 [("participants", "200 medarbetare i stadsdelarnas socialtjänst", None, None,
                   200, end)]),
                ("T2", "Introduktion och handledning för nya socialsekreterare",
                 "Nyanställda socialsekreterare får introduktion och handledning.", []),
                ("T3", "Grundläggande behörighet i äldreomsorg och förskola",
                 "Vårdbiträden blir undersköterskor, barnskötare förskollärare.",
                 [("qualified", "25 vårdbiträden blir undersköterskor", "5330", "5321", 25,
                   end)]),
                ("T4", "Digital kompetens och ledarskap",
                 "Stadsövergripande satsningar på digital kompetens och chefer.", []),
            ],
            _spread([
                ("Handledning i utredningsarbete", "180000.00", "draft",
                 "Socialtjänst barn och unga", ("2661",), ("T2",),
                 "Extern handledning för nya socialsekreterare i barnutredningar."),
                ("Motiverande samtal (MI)", "240000.00", "submitted", "Socialtjänst vuxen",
                 ("2661", "3411"), ("T1",), "Grund- och fortsättningskurs i MI."),
                ("Barnskötare till förskollärare", "420000.00", "in_review", "Förskola",
                 ("5311",), ("T3",), "Sex barnskötare läser till förskollärare."),
                ("Signs of Safety i barnutredningar", "150000.00", "returned",
                 "Socialtjänst barn och unga", ("2661",), ("T1",),
                 "Arbetsgruppen utbildas i Signs of Safety."),
                ("Vårdbiträde till undersköterska", "320000.00", "recommended", "Äldreomsorg",
                 ("5330",), ("T3",), "Tio vårdbiträden läser till undersköterska."),
                ("Fördjupning i barnutredningar, 15 hp", "560000.00", "granted",
                 "Socialtjänst barn och unga", ("2661",), ("T1",),
                 "Socialsekreterare läser en universitetskurs på arbetstid."),
                ("Samtal med barn", "95000.00", "delegated", "Socialtjänst barn och unga",
                 ("2661",), ("T1",), "Tvådagarskurs i samtal med barn."),
                ("Konferensresa utan koppling till planen", "60000.00", "rejected",
                 "Socialtjänst vuxen", (), ("T1",), "Deltagande i en konferens utomlands."),
                ("Kurs som ställdes in", "40000.00", "withdrawn", "Socialtjänst vuxen",
                 ("2661",), ("T1",), "Kursen ställdes in av utbildaren."),
            ])),
    }


def current_spec(demo: DemoMunicipality) -> CurrentSpec | None:
    return _specs(timezone.localdate().year).get(demo.municipality.slug)


def build_current_fund(demo: DemoMunicipality, spec: CurrentSpec) -> Fund:
    """This year's and next year's fund, its capital decided late last year."""
    year = timezone.localdate().year
    actor = demo.users[Role.FUND_ADMIN]
    decided_by = demo.bodies[spec.decided_by]
    fund = fund_create(actor=actor, municipality=demo.municipality, name=spec.fund_name,
                       description=spec.description, start_date=date(year, 1, 1),
                       end_date=date(year + 1, 12, 31),
                       owning_body=demo.bodies["Kommunstyrelsen"])
    contribution_record(actor=actor, fund=fund, amount=spec.amount, on=date(year, 1, 1),
                        source=spec.source, source_text=spec.source_text,
                        decision_body=decided_by, decision_date=date(year - 1, 11, 23),
                        paragraph=187, case_number=spec.case_number)
    for name, amount, administration in spec.frames:
        earmark_create(actor=actor, fund=fund, name=name, amount=Decimal(amount),
                       administration=demo.units[administration], on=date(year, 1, 1),
                       purpose="Förvaltningens ram enligt fördelningen.")
    return fund


def build_current_plan(demo: DemoMunicipality, spec: CurrentSpec, fund: Fund) -> Plan:
    return adopt_plan(demo, title=spec.plan_title, start=fund.start_date, end=fund.end_date,
                      body_name=spec.plan_body,
                      case_number=f"{spec.plan_body[:2].upper()} {fund.start_date.year}/12",
                      shortage=list(spec.shortage), strategies=spec.strategies)
