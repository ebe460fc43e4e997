"""Session store that refuses session keys Django itself could not have issued.

Django only checks a cookie's session key for length, so a hostile ``sessionid``
cookie with a NUL byte reached PostgreSQL and became a server error. Keys Django
creates are 32 lower-case letters and digits; anything else is treated as no
session at all, as an expired cookie would be.
"""

from __future__ import annotations

import re

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

SESSION_KEY_PATTERN = re.compile(r"[a-z0-9]{8,40}")


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        return bool(key) and SESSION_KEY_PATTERN.fullmatch(key or "") is not None
