"""Logging filters."""

from __future__ import annotations

import logging


class RefusalsOnOneLine(logging.Filter):
    """A refused request (403: no permission; 404) is an expected event, not a fault: log
    it as one line without the exception's traceback. Server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (403, 404) and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
