import subprocess
import sys

import pytest
from django.urls import reverse

from kompetensfond.core.models import Role
from tests.factories import member

ROLE_SECTION = {
    Role.FUND_ADMIN: "Handläggare för fonden",
    Role.REVIEWER: "Bedömare",
    Role.SECRETARY: "Nämndsekreterare",
    Role.UNIT_MANAGER: "Chef",
    Role.EMPLOYEE: "Medarbetare",
    Role.VIEWER: "Politiker eller revisor",
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLE_SECTION))
def test_start_page_shows_the_section_of_each_role(client, municipality, role) -> None:
    from tests.factories import OrgUnitFactory

    unit = OrgUnitFactory(municipality=municipality)
    user = member(municipality, role, unit=unit)
    client.force_login(user)
    html = client.get(reverse("web:home")).content.decode()
    assert f'<h2 id="section-{role}">{ROLE_SECTION[role]}</h2>' in html
    for other in ROLE_SECTION:
        if other != role:
            assert f'id="section-{other}"' not in html


@pytest.mark.django_db
def test_unknown_url_gives_a_swedish_404_in_the_site_layout(client) -> None:
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Sidan kunde inte hittas" in html
    assert 'class="skip-link"' in html


@pytest.mark.django_db
def test_language_switch_to_english(client, fund_admin) -> None:
    client.force_login(fund_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("web:home")).content.decode()
    assert 'lang="en"' in html
    assert "Welcome" in html
    assert "Audit trail" in html


@pytest.mark.django_db
def test_an_english_browser_still_gets_swedish_until_the_user_switches(client) -> None:
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="sv"' in html
    assert "Logga in" in html


@pytest.mark.django_db
def test_base_layout_has_skip_link_landmarks_and_local_htmx(client, fund_admin) -> None:
    client.force_login(fund_admin)
    html = client.get(reverse("web:home")).content.decode()
    assert '<a class="skip-link" href="#main">Hoppa till innehållet</a>' in html
    assert '<main id="main"' in html
    for landmark in ("<nav", "<header", "<footer"):
        assert landmark in html
    assert "/static/kompetensfond/vendor/htmx-2.0.11.min.js" in html
    assert "https://" not in html


@pytest.mark.django_db
def test_responses_carry_csp_and_request_id(client, settings) -> None:
    # on the internet a client's own X-Request-ID is not trusted: one is made
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID="abc-123")
    assert len(response["X-Request-ID"]) == 32
    assert response["X-Request-ID"] != "abc-123"
    # behind a trusted proxy the proxy's id is kept, for tracing a request end to end
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp


def test_check_deploy_is_clean_with_production_settings() -> None:
    env = {
        "DJANGO_SETTINGS_MODULE": "kompetensfond.settings.prod",
        "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-" + "y" * 20,
        "DJANGO_ALLOWED_HOSTS": "kompetensfond.example.se",
        "SITE_URL": "https://kompetensfond.example.se",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True, text=True, env=env, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_a_refused_request_is_logged_on_one_line(client, municipality) -> None:
    """A 403 is logged as one line by the console handler, not with a traceback."""
    import logging

    from kompetensfond.core.logging import RefusalsOnOneLine

    console = next(h for h in logging.getLogger().handlers
                   if any(isinstance(f, RefusalsOnOneLine) for f in h.filters))
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if console.filter(record):
                records.append(record)

    keep = Keep()
    logger = logging.getLogger("django.request")
    logger.addHandler(keep)
    try:
        employee = member(municipality, Role.EMPLOYEE, username="mira")
        client.force_login(employee)
        assert client.get(reverse("audit:event-list")).status_code == 403
    finally:
        logger.removeHandler(keep)
    [record] = [r for r in records if getattr(r, "status_code", None) == 403]
    assert record.exc_info is None
    assert "\n" not in logging.Formatter().format(record)
