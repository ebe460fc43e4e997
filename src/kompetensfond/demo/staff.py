"""Synthetic staff registers for the demo municipalities (marked as demo data).

Realistic shape, not real people: a few thousand employees per municipality spread over its
units by sector, occupations typical of each sector, and the gender mix of Swedish municipal
work (far more women in care and preschool). Loaded through the real import service, so the
demo exercises the same path an HR file takes.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.models import Municipality
from kompetensfond.organisation.importing.services import (
    employee_import_confirm,
    employee_import_validate,
)
from kompetensfond.organisation.models import EmployeeImport, OrgUnit, Sector

WOMEN = ["Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Emma", "Kristina", "Elin", "Ida",
         "Malin", "Jenny", "Hanna", "Linnéa", "Sofia", "Johanna", "Åsa", "Ingrid", "Fatima",
         "Amina", "Leila", "Marja", "Aino", "Nadia", "Ebba", "Julia", "Maja", "Agnes", "Helena",
         "Camilla"]
MEN = ["Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Mikael", "Peter", "Jonas", "Oskar",
       "Ahmed", "Mohammed", "Ali", "Björn", "Göran", "Mats", "Fredrik", "Daniel", "Hassan",
       "Niklas", "Jukka", "Emil", "Viktor", "Stefan", "Martin"]
OTHERS = ["Alex", "Kim", "Robin", "Sam", "Charlie"]
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
        "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
        "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Lindström", "Olofsson",
        "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren",
        "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Ali", "Mohammed",
        "Hassan", "Yilmaz", "Virtanen", "Korhonen", "Öberg", "Åkesson", "Ek", "Holm", "Sjöberg"]

# Per sector: (SSYK code, weight, share of women)
OCCUPATIONS: dict[str, list[tuple[str, int, float]]] = {
    Sector.EDUCATION: [("2343", 22, 0.96), ("5311", 20, 0.90), ("2341", 25, 0.76),
                       ("2330", 8, 0.55), ("5312", 8, 0.70), ("2351", 5, 0.85),
                       ("1411", 2, 0.65), ("5120", 5, 0.80), ("2352", 2, 0.85),
                       ("2342", 3, 0.50)],
    Sector.ELDERLY_CARE: [("5321", 45, 0.90), ("5330", 25, 0.82), ("2221", 8, 0.90),
                          ("5343", 10, 0.72), ("1522", 2, 0.80), ("5120", 4, 0.75),
                          ("9111", 6, 0.70)],
    Sector.SOCIAL_SERVICES: [("2661", 45, 0.84), ("3411", 30, 0.62), ("1521", 4, 0.75),
                             ("3353", 15, 0.80), ("5343", 6, 0.70)],
    Sector.CULTURE_LEISURE: [("2622", 30, 0.80), ("2342", 35, 0.50), ("3439", 20, 0.55),
                             ("3422", 15, 0.40)],
    Sector.CENTRAL_ADMINISTRATION: [("2423", 25, 0.85), ("4112", 20, 0.90), ("4111", 15, 0.80),
                                    ("1221", 3, 0.70), ("2611", 5, 0.60), ("5120", 20, 0.80),
                                    ("9412", 12, 0.75)],
}
DEFAULT_MIX = [("4222", 50, 0.60), ("9111", 50, 0.60)]
# Units whose name says what they are staffed by, whatever their administration's sector:
# a preschool has förskollärare and barnskötare, a school teachers, a care unit
# undersköterskor and vårdbiträden.
UNIT_MIXES: list[tuple[tuple[str, ...], list[tuple[str, int, float]]]] = [
    (("förskol",), [("2343", 40, 0.96), ("5311", 45, 0.90), ("1422", 3, 0.85),
                    ("5120", 6, 0.85), ("2351", 6, 0.90)]),
    (("grundskol", "skola"), [("2341", 55, 0.76), ("5312", 14, 0.70), ("2351", 8, 0.85),
                              ("1412", 2, 0.65), ("5120", 6, 0.80), ("2342", 15, 0.50)]),
    (("hemtjänst", "hemvård", "äldre", "omsorgsboende", "solgläntan"),
     [("5321", 55, 0.90), ("5330", 30, 0.82), ("2221", 6, 0.90), ("1532", 2, 0.80),
      ("5120", 7, 0.75)]),
    (("måltid",), [("5120", 85, 0.80), ("9412", 15, 0.75)]),
]


def occupation_mix(unit: OrgUnit) -> list[tuple[str, int, float]]:
    name = unit.name.lower()
    for words, mix in UNIT_MIXES:
        if any(word in name for word in words):
            return mix
    return OCCUPATIONS.get(unit.sector, DEFAULT_MIX)
RATES = ["100"] * 12 + ["75"] * 3 + ["80"] * 2 + ["90", "50", "62,5"]
SIZES = {"sodertalje": 3200, "botkyrka": 2600, "orebro": 3400, "stockholm": 1600}


def staff_rows(municipality: Municipality, *, count: int, seed: int) -> list[list[str]]:
    # made-up staff, reproducible from the seed: no secret (bandit B311)
    rng = random.Random(seed)  # nosec B311
    units = list(OrgUnit.objects.filter(municipality=municipality, is_active=True)
                 .order_by("path"))
    # staff sit mostly in units; administrations keep a small office of their own
    weights = [1 if unit.depth == 0 else 8 for unit in units]
    rows: list[list[str]] = []
    for n in range(count):
        unit = rng.choices(units, weights)[0]
        mix = occupation_mix(unit)
        code, _w, women = rng.choices(mix, [m[1] for m in mix])[0]
        draw = rng.random()
        if draw < women:
            first, gender = rng.choice(WOMEN), "kvinna"
        elif draw < 0.985:
            first, gender = rng.choice(MEN), "man"
        elif draw < 0.993:
            first, gender = rng.choice(OTHERS), "annat"
        else:
            first, gender = rng.choice(OTHERS), "uppgift saknas"
        last = rng.choice(LAST)
        start = date(1992, 1, 1) + timedelta(days=rng.randrange(0, 33 * 365))
        end = ""
        if rng.random() < 0.04:
            end = (start + timedelta(days=rng.randrange(200, 3000))).isoformat()
            if end > timezone.localdate().isoformat():
                end = ""
        number = f"{10000 + n}"
        email = f"{first}.{last}.{number}@{municipality.slug}.demo.invalid".lower()
        for a, b in (("å", "a"), ("ä", "a"), ("ö", "o"), ("é", "e")):
            email = email.replace(a, b)
        rows.append([number, first, last, email, gender, code, unit.cost_centre,
                     rng.choice(RATES), start.isoformat(), end])
    rows.append(_demo_employee(municipality, units, number=f"{10000 + count}"))
    return rows


def _demo_employee(municipality: Municipality, units: list[OrgUnit], number: str) -> list[str]:
    """The demo's employee login (Mira Medarbetare) in the staff register, found by her
    e-mail address: a socialsekreterare in the first social-services unit."""
    unit = next((u for u in units if u.depth and u.sector == "social_services"), units[-1])
    return [number, "Mira", "Medarbetare", f"medarbetare@{municipality.slug}.demo.invalid",
            "kvinna", "2661", unit.cost_centre, "100", "2019-08-15", ""]


def build_staff(municipality: Municipality, *, count: int | None = None,
                seed: int = 2026) -> EmployeeImport:
    from kompetensfond.core.exports import csv_bytes
    from kompetensfond.organisation.importing.reading import csv_template

    header = csv_template().decode("utf-8-sig").splitlines()[0].split(";")
    size = count if count is not None else SIZES.get(municipality.slug, 2000)
    content = csv_bytes(header, staff_rows(municipality, count=size, seed=seed))
    job = employee_import_validate(actor=SYSTEM, municipality=municipality,
                                   file_name="demo-personal.csv", content=content)
    return employee_import_confirm(actor=SYSTEM, job=job, background=False)
