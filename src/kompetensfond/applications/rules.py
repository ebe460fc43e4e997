"""The rules a decision rests on, checked by the services (refused with a clear Swedish
error, nothing written): which funds take applications, which frame a unit draws on, what
an outcome grants, when a decision may be dated, which earmark may fund what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.money import format_money, positive_amount
from kompetensfond.funds.models import Earmark, Fund, FundStatus
from kompetensfond.funds.restrictions import EarmarkRestriction, restriction_breaches
from kompetensfond.organisation.models import OrgUnit

from .codes import ErrorCode
from .lifecycle import DECIDED
from .models import Application, Outcome


def check_fund_accepts_applications(fund: Fund, on: date) -> None:
    """A closed fund, or one whose period has ended (or not begun) on ``on``, takes no
    applications."""
    if fund.status != FundStatus.OPEN:
        message = _("The fund is closed and takes no applications.")
        raise ConflictError(message, code=ErrorCode.FUND_ENDED, fields={"fund": [message]})
    if not fund.start_date <= on <= fund.end_date:
        message = _("The fund's period %(start)s–%(end)s does not include %(on)s: it takes no "
                    "applications then.") % {"start": fund.start_date.isoformat(),
                                             "end": fund.end_date.isoformat(),
                                             "on": on.isoformat()}
        raise ConflictError(message, code=ErrorCode.FUND_ENDED, fields={"fund": [message]})


def frame_for(fund: Fund, unit: OrgUnit) -> Earmark | None:
    """The frame of the unit's administration in the fund (an earmark restricted to an
    administration that contains the unit and to nothing else), the innermost if several;
    None when the unit has no frame or the choice is not clear."""
    frames = [(e, e.administration.path) for e in fund.earmarks.select_related("administration")
              .prefetch_related("strategies", "occupations")
              if e.administration is not None and EarmarkRestriction.of(e).is_frame
              and unit.path.startswith(e.administration.path)]
    if not frames:
        return None
    depth = max(len(path) for _e, path in frames)
    innermost = [e for e, path in frames if len(path) == depth]
    return innermost[0] if len(innermost) == 1 else None


def decided_amount(outcome: str, amount: Decimal | str | None, requested: Decimal) -> Decimal:
    """The amount an outcome grants: all that was asked, a part below it, or nothing."""
    if outcome not in DECIDED:
        raise ValidationError(_("Choose grant, grant in part or reject."),
                              fields={"outcome": [_("Choose grant, grant in part or reject.")]})
    if outcome == Outcome.REJECTED:
        return Decimal("0.00")
    if outcome == Outcome.GRANTED:
        return requested
    value = positive_amount(amount if amount is not None else "")
    if value >= requested:
        message = _("A partial grant must be less than the %(requested)s applied for.") % {
            "requested": format_money(requested)}
        raise ValidationError(message, fields={"amount": [message]})
    return value


def check_decision_date(application: Application, on: date) -> None:
    """A decision is dated on or after the application's submission and not after today."""
    today = timezone.localdate()
    submitted = (timezone.localdate(application.submitted_at)
                 if application.submitted_at else None)
    if on > today:
        message = _("A decision cannot be dated after today (%(today)s).") % {
            "today": today.isoformat()}
    elif submitted is not None and on < submitted:
        message = _("A decision cannot be dated before the application was submitted "
                    "(%(submitted)s).") % {"submitted": submitted.isoformat()}
    else:
        return
    raise ValidationError(message, code=ErrorCode.DECISION_DATE,
                          fields={"meeting_date": [message], "on": [message]})


def earmark_breaches(application: Application) -> list[str]:
    """What keeps the application from drawing on its earmark (unit, strategy, occupation);
    empty when it has none or may."""
    if application.earmark is None:
        return []
    return restriction_breaches(
        EarmarkRestriction.of(application.earmark), unit_path=application.unit.path,
        strategy_ids=application.strategies.values_list("pk", flat=True),
        occupation_codes=application.occupations.values_list("ssyk_code", flat=True))


def check_earmark(application: Application) -> None:
    """A grant draws only on an earmark that is open to it: refused otherwise."""
    if breaches := earmark_breaches(application):
        raise ValidationError(" ".join(breaches), code=ErrorCode.EARMARK_RESTRICTED,
                              fields={"earmark": breaches})
