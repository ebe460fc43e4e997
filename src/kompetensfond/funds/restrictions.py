"""Earmark restrictions as a pure rule: which applications an earmark (a pot or an
administration's frame) may fund. Read from the database by ``EarmarkRestriction.of``;
checked at submission (a finding) and at decision (a refusal)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Earmark


@dataclass(frozen=True)
class EarmarkRestriction:
    name: str
    administration_path: str | None
    administration_name: str
    strategies: dict[int, str]        # id → code
    occupations: dict[str, str]       # SSYK code → name

    @classmethod
    def of(cls, earmark: Earmark) -> EarmarkRestriction:
        administration = earmark.administration
        return cls(
            name=earmark.name,
            administration_path=administration.path if administration else None,
            administration_name=administration.name if administration else "",
            strategies={s.pk: s.code for s in earmark.strategies.all()},
            occupations={o.ssyk_code: str(o) for o in earmark.occupations.all()})

    @property
    def is_frame(self) -> bool:
        """An administration's frame (Botkyrka's 6.2 MSEK for education): restricted to an
        administration and to nothing else."""
        return bool(self.administration_path) and not self.strategies and not self.occupations


def restriction_breaches(restriction: EarmarkRestriction, *, unit_path: str,
                         strategy_ids: Iterable[int],
                         occupation_codes: Iterable[str]) -> list[str]:
    """What keeps an application from drawing on the earmark, in Swedish (none: it may)."""
    out = []
    if restriction.administration_path and not unit_path.startswith(
            restriction.administration_path):
        out.append(_("The earmark %(earmark)s may only fund units in %(administration)s.")
                   % {"earmark": restriction.name,
                      "administration": restriction.administration_name})
    if restriction.strategies and not set(strategy_ids) & set(restriction.strategies):
        out.append(_("The earmark %(earmark)s may only fund applications linked to the "
                     "strategy %(strategies)s.")
                   % {"earmark": restriction.name,
                      "strategies": ", ".join(sorted(restriction.strategies.values()))})
    if restriction.occupations and not set(occupation_codes) & set(restriction.occupations):
        out.append(_("The earmark %(earmark)s may only fund applications for the occupations "
                     "%(occupations)s.")
                   % {"earmark": restriction.name,
                      "occupations": ", ".join(sorted(restriction.occupations.values()))})
    return out
