"""Demo municipalities, political bodies, administrations, units and one user per role."""

from __future__ import annotations

from dataclasses import dataclass, field

from kompetensfond.core.accounts import member_create, municipality_create
from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.models import Municipality, Role, User
from kompetensfond.organisation.models import Body, BodyKind, OrgUnit, Sector
from kompetensfond.organisation.services import body_create, org_unit_create, org_unit_update

# the demo's published password (README), for its made-up users only
DEMO_PASSWORD = "Kompetens-demo-2026"  # nosec B105

ROLE_USERS = [
    # (suffix, role, first name, last name)
    ("handlaggare", Role.FUND_ADMIN, "Hanna", "Handläggare"),
    ("bedomare", Role.REVIEWER, "Bertil", "Bedömare"),
    ("sekreterare", Role.SECRETARY, "Sara", "Sekreterare"),
    ("chef", Role.UNIT_MANAGER, "Charlotte", "Chef"),
    ("medarbetare", Role.EMPLOYEE, "Mira", "Medarbetare"),
    ("politiker", Role.VIEWER, "Per", "Politiker"),
]


@dataclass
class UnitSpec:
    name: str
    cost_centre: str
    sector: str
    body: str
    # (name, cost centre) or (name, cost centre, sector) where it differs from the
    # administration's (a district administration runs preschools and elderly care too)
    units: list[tuple[str, ...]] = field(default_factory=list)


@dataclass
class MunicipalitySpec:
    name: str
    slug: str
    organisation_number: str
    bodies: list[tuple[str, str, str, str | None]]  # name, short, kind, parent name
    administrations: list[UnitSpec]


SPECS = [
    MunicipalitySpec(
        "Södertälje kommun", "sodertalje", "212000-0183",
        [
            ("Kommunfullmäktige", "KF", BodyKind.COUNCIL, None),
            ("Kommunstyrelsen", "KS", BodyKind.EXECUTIVE_BOARD, None),
            ("Kommunstyrelsens personalutskott", "PU", BodyKind.SUB_COMMITTEE, "Kommunstyrelsen"),
            ("Äldrenämnden", "ÄN", BodyKind.COMMITTEE, None),
            ("Socialnämnden", "SN", BodyKind.COMMITTEE, None),
            ("Utbildningsnämnden", "UN", BodyKind.COMMITTEE, None),
        ],
        [
            UnitSpec("Äldreomsorgsförvaltningen", "4000", Sector.ELDERLY_CARE, "Äldrenämnden",
                     [("Hemtjänst Centrum", "4110"), ("Vård- och omsorgsboendet Lunden", "4120"),
                      ("Hemtjänst Järna", "4130")]),
            UnitSpec("Socialtjänstförvaltningen", "5000", Sector.SOCIAL_SERVICES, "Socialnämnden",
                     [("Barn och unga", "5110"), ("Missbruk och kriminalitet", "5120"),
                      ("Ekonomiskt bistånd", "5130")]),
            UnitSpec("Utbildningsförvaltningen", "3000", Sector.EDUCATION, "Utbildningsnämnden",
                     [("Förskoleområde Öst", "3110"), ("Grundskoleområde Väst", "3120")]),
            UnitSpec("Kommunledningskontoret", "1000", Sector.CENTRAL_ADMINISTRATION,
                     "Kommunstyrelsen", [("HR-avdelningen", "1110")]),
        ],
    ),
    MunicipalitySpec(
        "Botkyrka kommun", "botkyrka", "212000-2882",
        [
            ("Kommunfullmäktige", "KF", BodyKind.COUNCIL, None),
            ("Kommunstyrelsen", "KS", BodyKind.EXECUTIVE_BOARD, None),
            ("Utbildningsnämnden", "UN", BodyKind.COMMITTEE, None),
            ("Vård- och omsorgsnämnden", "VON", BodyKind.COMMITTEE, None),
            ("Socialnämnden", "SN", BodyKind.COMMITTEE, None),
            ("Kultur- och fritidsnämnden", "KFN", BodyKind.COMMITTEE, None),
        ],
        [
            UnitSpec("Utbildningsförvaltningen", "3000", Sector.EDUCATION, "Utbildningsnämnden",
                     [("Förskolor Tumba", "3110"), ("Förskolor Alby", "3120"),
                      ("Grundskolor Norra Botkyrka", "3130")]),
            UnitSpec("Vård- och omsorgsförvaltningen", "4000", Sector.ELDERLY_CARE,
                     "Vård- och omsorgsnämnden",
                     [("Hemtjänst Tullinge", "4110"), ("Äldreboende Solgläntan", "4120")]),
            UnitSpec("Socialförvaltningen", "5000", Sector.SOCIAL_SERVICES, "Socialnämnden",
                     [("Barn och ungdom", "5110")]),
            UnitSpec("Kultur- och fritidsförvaltningen", "6000", Sector.CULTURE_LEISURE,
                     "Kultur- och fritidsnämnden", [("Bibliotek", "6110")]),
            UnitSpec("Kommunledningsförvaltningen", "1000", Sector.CENTRAL_ADMINISTRATION,
                     "Kommunstyrelsen", [("HR-enheten", "1110")]),
        ],
    ),
    MunicipalitySpec(
        "Örebro kommun", "orebro", "212000-1850",
        [
            ("Kommunfullmäktige", "KF", BodyKind.COUNCIL, None),
            ("Kommunstyrelsen", "KS", BodyKind.EXECUTIVE_BOARD, None),
            ("Programnämnd barn och utbildning", "PN BU", BodyKind.COMMITTEE, None),
            ("Programnämnd social välfärd", "PN SV", BodyKind.COMMITTEE, None),
        ],
        [
            UnitSpec("Förvaltningen förskola och skola", "3000", Sector.EDUCATION,
                     "Programnämnd barn och utbildning",
                     [("Förskolor Väster", "3110"), ("Grundskolor Norr", "3120")]),
            UnitSpec("Vård- och omsorgsförvaltningen", "4000", Sector.ELDERLY_CARE,
                     "Programnämnd social välfärd", [("Hemvård Öster", "4110")]),
            UnitSpec("Förvaltningen social välfärd", "5000", Sector.SOCIAL_SERVICES,
                     "Programnämnd social välfärd", [("Socialtjänst barn och familj", "5110")]),
            UnitSpec("Kommunstyrelseförvaltningen", "1000", Sector.CENTRAL_ADMINISTRATION,
                     "Kommunstyrelsen",
                     [("Måltidsservice", "1210"), ("Personalavdelningen", "1110")]),
        ],
    ),
    MunicipalitySpec(
        "Stockholms stad", "stockholm", "212000-0142",
        [
            ("Kommunfullmäktige", "KF", BodyKind.COUNCIL, None),
            ("Kommunstyrelsen", "KS", BodyKind.EXECUTIVE_BOARD, None),
            ("Socialnämnden", "SN", BodyKind.COMMITTEE, None),
            ("Stadsdelsnämnden Söder (demo)", "SDN", BodyKind.DISTRICT_COUNCIL, None),
        ],
        [
            UnitSpec("Stadsdelsförvaltningen Söder (demo)", "8000", Sector.SOCIAL_SERVICES,
                     "Stadsdelsnämnden Söder (demo)",
                     [("Socialtjänst barn och unga", "8110"), ("Socialtjänst vuxen", "8120"),
                      ("Äldreomsorg", "8130", Sector.ELDERLY_CARE),
                      ("Förskola", "8140", Sector.EDUCATION)]),
            UnitSpec("Socialförvaltningen", "5000", Sector.SOCIAL_SERVICES, "Socialnämnden",
                     [("Introduktionsprogram för socialsekreterare", "5110")]),
        ],
    ),
]


@dataclass
class DemoMunicipality:
    municipality: Municipality
    bodies: dict[str, Body]
    units: dict[str, OrgUnit]
    users: dict[str, User]


def build_municipality(spec: MunicipalitySpec) -> DemoMunicipality:
    municipality = municipality_create(
        actor=SYSTEM, name=spec.name, slug=spec.slug, organisation_number=spec.organisation_number
    )
    bodies: dict[str, Body] = {}
    for name, short, kind, parent in spec.bodies:
        bodies[name] = body_create(actor=SYSTEM, municipality=municipality, name=name,
                                   short_name=short, kind=kind,
                                   parent=bodies[parent] if parent else None)
    units: dict[str, OrgUnit] = {}
    for admin in spec.administrations:
        top = org_unit_create(actor=SYSTEM, municipality=municipality, name=admin.name,
                              cost_centre=admin.cost_centre, sector=admin.sector,
                              responsible_body=bodies[admin.body])
        units[admin.name] = top
        for unit_name, cost_centre, *sector in admin.units:
            units[unit_name] = org_unit_create(actor=SYSTEM, municipality=municipality,
                                               name=unit_name, cost_centre=cost_centre,
                                               sector=sector[0] if sector else admin.sector,
                                               parent=top)
    first_admin = units[spec.administrations[0].name]
    users: dict[str, User] = {}
    for suffix, role, first, last in ROLE_USERS:
        unit_id = first_admin.pk if role == Role.UNIT_MANAGER else None
        users[role] = member_create(
            actor=SYSTEM, municipality=municipality, username=f"{spec.slug}-{suffix}",
            password=DEMO_PASSWORD, first_name=first, last_name=last,
            email=f"{suffix}@{spec.slug}.demo.invalid", roles=[(role, unit_id)],
        )
    org_unit_update(actor=SYSTEM, unit=first_admin, manager=users[Role.UNIT_MANAGER])
    return DemoMunicipality(municipality, bodies, units, users)
