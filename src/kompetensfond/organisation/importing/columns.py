"""The staff file's columns (DESIGN.md "Staff import file") and the names HR systems use."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    label: StrOrPromise
    required: bool
    aliases: tuple[str, ...] = ()


COLUMNS = [
    Column("employee_number", "anställningsnummer", _("employee number"), True,
           ("anstnr", "anst nr", "anställningsnr", "employee number", "employee_number",
            "personalnummer", "anst.nr")),
    Column("first_name", "förnamn", _("first name"), False,
           ("fornamn", "first name", "tilltalsnamn")),
    Column("last_name", "efternamn", _("last name"), False, ("last name", "surname")),
    Column("email", "e-post", _("e-mail"), False,
           ("epost", "email", "e-mail", "mejl", "e-postadress")),
    Column("gender", "kön", _("gender"), False, ("kon", "gender", "sex")),
    Column("ssyk", "ssyk", _("SSYK code"), False, ("ssyk-kod", "ssyk kod", "yrkeskod", "ssyk2012")),
    Column("cost_centre", "kostnadsställe", _("cost centre"), True,
           ("kostnadsstalle", "kst", "ansvar", "ansvarskod", "cost centre", "enhet",
            "resultatenhet")),
    Column("employment_rate", "sysselsättningsgrad", _("employment rate %"), False,
           ("sysselsattningsgrad", "syss.grad", "sysselsättning", "tjänstgöringsgrad",
            "employment rate")),
    Column("start_date", "anställd_från", _("employed from"), False,
           ("anställd från", "anstalld_fran", "startdatum", "from", "anställningsdatum")),
    Column("end_date", "anställd_till", _("employed until"), False,
           ("anställd till", "anstalld_till", "slutdatum", "to", "avgångsdatum")),
]
BY_KEY = {c.key: c for c in COLUMNS}


def normalise(header: str) -> str:
    text = unicodedata.normalize("NFC", header).strip().lower().replace("_", " ")
    return " ".join(text.split())


def auto_mapping(header: list[str]) -> dict[str, int]:
    """Column key -> index in the file, for the headers we recognise."""
    names = {normalise(h): i for i, h in reversed(list(enumerate(header)))}
    mapping: dict[str, int] = {}
    for column in COLUMNS:
        for candidate in (column.header, *column.aliases):
            index = names.get(normalise(candidate))
            if index is not None:
                mapping[column.key] = index
                break
    return mapping
