"""Language of stored records."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def record_language() -> translation.override:
    """Texts that are stored or leave the system as records (ledger texts, SIE files) are
    written in the municipality's language, Swedish, whatever language the user reads in::

        with record_language():
            text = _("Earmarked for %(name)s") % {...}
    """
    return translation.override(settings.LANGUAGE_CODE)
