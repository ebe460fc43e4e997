"""PDF documents through WeasyPrint, always in Swedish, amounts in Swedish format."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from kompetensfond.core.i18n import record_language


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    import weasyprint  # imported here: loading pango costs a second at start-up

    with record_language():
        html = render_to_string(template, {**context, "printed": timezone.localdate()})
    return weasyprint.HTML(string=html).write_pdf()  # type: ignore[no-any-return]
