"""The schemes follow the staff register: after an import has committed, every active
scheme of the municipality takes in new hires and applies its leaver rule."""

from __future__ import annotations

import logging
from typing import Any

from kompetensfond.core.actors import SYSTEM
from kompetensfond.core.errors import DomainError

log = logging.getLogger(__name__)


def update_schemes(sender: Any, municipality_id: int, **kwargs: Any) -> None:
    from .models import AllowanceScheme, SchemeStatus
    from .services import scheme_update_from_register

    for scheme in AllowanceScheme.objects.filter(municipality_id=municipality_id,
                                                 status=SchemeStatus.ACTIVE):
        try:
            scheme_update_from_register(actor=SYSTEM, scheme=scheme)
        except DomainError as exc:  # the fund cannot cover new hires: shown on the scheme
            log.warning("allowance scheme %s not updated: %s", scheme.pk, exc.message)
