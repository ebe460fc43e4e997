import pytest
from django.urls import reverse

from kompetensfond.audit.models import AuditEvent
from kompetensfond.core.accounts import api_token_create
from kompetensfond.organisation.models import Body


@pytest.mark.django_db
def test_me_with_token_auth_returns_the_user_municipality_and_roles(api_client, fund_admin,
                                                                    municipality) -> None:
    token = api_token_create(actor=fund_admin, user=fund_admin)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    data = api_client.get(reverse("me")).json()
    assert data["username"] == fund_admin.username
    assert data["municipality"]["slug"] == municipality.slug
    assert data["role_codes"] == ["fund_admin"]


@pytest.mark.django_db
def test_me_with_session_auth(client, fund_admin) -> None:
    client.force_login(fund_admin)
    assert client.get(reverse("me")).json()["username"] == fund_admin.username


@pytest.mark.django_db
def test_anonymous_request_gets_401_with_code_and_swedish_detail(api_client) -> None:
    response = api_client.get(reverse("me"))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["detail"] == "Autentiseringsuppgifter ej tillhandahållna."


@pytest.mark.django_db
def test_malformed_json_gets_400_with_code_and_swedish_detail(api_client, fund_admin) -> None:
    api_client.force_authenticate(fund_admin)
    response = api_client.post(reverse("body-list"), data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "JSON" in response.json()["detail"]


@pytest.mark.django_db
def test_invalid_fields_get_400_with_field_errors(api_client, fund_admin) -> None:
    api_client.force_authenticate(fund_admin)
    response = api_client.post(reverse("body-list"), {"name": "", "kind": "parliament"},
                               format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "Begäran innehåller fel."
    assert set(body["fields"]) == {"name", "kind"}


@pytest.mark.django_db
def test_fund_admin_creates_a_body_through_the_api_with_an_audit_event(api_client, fund_admin,
                                                                      municipality) -> None:
    api_client.force_authenticate(fund_admin)
    response = api_client.post(reverse("body-list"),
                               {"name": "Kommunstyrelsen", "short_name": "KS",
                                "kind": "executive_board"}, format="json")
    assert response.status_code == 201, response.json()
    body = Body.objects.get(pk=response.json()["id"])
    assert body.municipality == municipality
    assert AuditEvent.objects.filter(action="body.created", object_id=str(body.pk)).exists()


@pytest.mark.django_db
def test_duplicate_body_is_a_409_with_swedish_detail(api_client, fund_admin) -> None:
    api_client.force_authenticate(fund_admin)
    payload = {"name": "Socialnämnden", "kind": "committee"}
    api_client.post(reverse("body-list"), payload, format="json")
    response = api_client.post(reverse("body-list"), payload, format="json")
    assert response.status_code == 409
    assert response.json() == {"code": "conflict",
                               "detail": "Det finns redan en nämnd med det namnet."}


@pytest.mark.django_db
def test_viewer_cannot_create_a_body(api_client, viewer) -> None:
    api_client.force_authenticate(viewer)
    response = api_client.post(reverse("body-list"), {"name": "X", "kind": "committee"},
                               format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Body.objects.exists()


@pytest.mark.django_db
def test_openapi_schema_and_docs_are_served_without_internet(client, fund_admin) -> None:
    client.force_login(fund_admin)
    schema = client.get(reverse("schema"))
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    docs = client.get(reverse("swagger-ui")).content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs
    assert "cdn" not in docs.lower()


@pytest.mark.django_db
def test_createtoken_command_prints_a_token_and_audits(fund_admin) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("createtoken", fund_admin.username, stdout=out, stderr=StringIO())
    assert len(out.getvalue().strip()) == 43  # 32 random bytes, URL-safe base64
    event = AuditEvent.objects.get(action="user.api_token_created")
    assert out.getvalue().strip() not in str(event.changes)  # never the key itself


@pytest.mark.django_db
def test_api_tokens_are_stored_hashed_and_expire(api_client, fund_admin) -> None:
    import hashlib
    from datetime import timedelta

    from django.utils import timezone

    from kompetensfond.core.models import ApiToken

    key = api_token_create(actor=fund_admin, user=fund_admin, days=30)
    token = ApiToken.objects.get(user=fund_admin)
    assert key not in token.key_hash  # the key itself is stored nowhere
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get(reverse("me")).status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key[:-1]}x")
    assert api_client.get(reverse("me")).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get(reverse("me"))
    assert response.status_code == 401
    assert "gått ut" in response.json()["detail"]


@pytest.mark.django_db
def test_createtoken_prints_a_new_key_once(fund_admin, capsys) -> None:
    from django.core.management import call_command

    call_command("createtoken", fund_admin.username, days=7)
    first = capsys.readouterr()
    call_command("createtoken", fund_admin.username)
    second = capsys.readouterr()
    assert first.out.strip() != second.out.strip()  # a new token each time
    assert "visas bara nu" in first.err
    assert len(first.out.strip()) >= 40
