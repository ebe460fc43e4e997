"""Login with the municipality's own identity provider: OpenID Connect (Entra ID/Azure AD,
Keycloak, …) through mozilla-django-oidc, one provider per municipality.

``SSO_OIDC`` (settings, from the environment as JSON) maps a municipality's slug to its
provider: ``issuer`` (its discovery document is read from
``{issuer}/.well-known/openid-configuration``), ``client_id``, ``client_secret``, and
optionally ``roles_claim`` (default ``groups``) with ``roles``, a map from the provider's
groups to this app's roles; without ``roles`` the roles stay managed in the app. The login
page offers "Log in with …" for each; ``/sso/<slug>/`` starts the code flow (state, nonce,
PKCE), the shared callback ``/sso/callback/`` finishes it. The id token must be signed
(RS256) by a key of the provider's JWKS and name the provider as issuer and this app as
audience; the subject becomes ``User.external_id`` (``oidc:<slug>:<sub>``) and
``accounts.sso_user_sync`` finds, links or creates the member and sets the roles. A person
of another municipality is refused. Local login stays for small municipalities and the
demo.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.crypto import get_random_string
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import (
    absolutify,
    add_state_and_verifier_and_nonce_to_session,
    generate_code_challenge,
)

from .actors import SYSTEM
from .errors import PermissionDeniedError
from .models import Municipality

log = logging.getLogger(__name__)
SESSION_PROVIDER = "kf_sso_provider"
SESSION_LOGOUT = "kf_sso_logout"


@dataclass(frozen=True)
class Provider:
    slug: str
    issuer: str
    client_id: str
    client_secret: str
    label: str = ""
    roles_claim: str = "groups"
    roles: dict[str, str] = field(default_factory=dict)


def providers() -> dict[str, Provider]:
    return {slug: Provider(slug=slug, **config)
            for slug, config in getattr(settings, "SSO_OIDC", {}).items()}


def provider(slug: str | None) -> Provider | None:
    return providers().get(slug or "")


def discovery(p: Provider) -> dict[str, Any]:
    """The provider's discovery document (kept for an hour); its issuer must be ours."""
    key = "kf:oidc:" + hashlib.sha256(p.issuer.encode()).hexdigest()
    document = cache.get(key)
    if document is None:
        response = requests.get(p.issuer.rstrip("/") + "/.well-known/openid-configuration",
                                timeout=10)
        response.raise_for_status()
        document = response.json()
        if document.get("issuer") != p.issuer:
            raise SuspiciousOperation("the discovery document names another issuer")
        cache.set(key, document, 3600)
    return dict(document)


def roles_of_groups(mapping: dict[str, str], groups: Any) -> list[str] | None:
    """The app's roles the provider's groups give (one group or a list); None when the
    provider maps no groups: then roles are managed in the app."""
    if not mapping:
        return None
    listed = groups if isinstance(groups, list) else [groups] if groups else []
    return [mapping[group] for group in listed if group in mapping]


def login_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Start the login at the municipality's provider: the code flow (OpenID Connect), or
    a SAML request (``core/saml.py``)."""
    from . import saml

    saml_provider = saml.providers().get(slug)
    if saml_provider is not None:
        return saml.login_redirect(saml_provider)
    p = provider(slug)
    if p is None:
        raise Http404
    try:
        endpoints = discovery(p)
    except (requests.RequestException, ValueError, SuspiciousOperation) as exc:
        log.warning("the identity provider of %s does not answer: %s", slug, exc)
        return HttpResponseRedirect(reverse("login") + "?sso=svarar-inte")
    state, nonce = get_random_string(32), get_random_string(32)
    verifier = get_random_string(64)
    challenge = generate_code_challenge(verifier, "S256")
    params = {"response_type": "code", "client_id": p.client_id, "scope": "openid email profile",
              "redirect_uri": absolutify(request, reverse("oidc_authentication_callback")),
              "state": state, "nonce": nonce, "code_challenge": challenge,
              "code_challenge_method": "S256"}
    add_state_and_verifier_and_nonce_to_session(request, state, params, verifier)
    request.session[SESSION_PROVIDER] = p.slug
    request.session["oidc_login_next"] = None
    return HttpResponseRedirect(f"{endpoints['authorization_endpoint']}?{urlencode(params)}")


class MunicipalityOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow with the provider of the municipality whose login
    was started, its issuer and audience checked, and the member found by the subject."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # settings come per provider
        self.UserModel = get_user_model()
        self.provider: Provider | None = None

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if request is None or "code" not in request.GET:
            return None
        p = provider(request.session.get(SESSION_PROVIDER))
        if p is None:
            return None
        endpoints = discovery(p)
        self.provider = p
        self.OIDC_OP_TOKEN_ENDPOINT = endpoints["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = endpoints["userinfo_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = endpoints["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = p.client_id
        self.OIDC_RP_CLIENT_SECRET = p.client_secret
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            user = super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as exc:
            log.warning("login through %s refused: %s", p.slug, exc)
            return None
        if user is not None:
            request.session[SESSION_LOGOUT] = endpoints.get("end_session_endpoint", "")
        return user

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        payload = super().verify_token(token, **kwargs)  # signature (JWKS), expiry, nonce
        assert self.provider is not None  # nosec B101 - set by authenticate
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss") != self.provider.issuer:
            raise SuspiciousOperation("the id token names another issuer")
        if self.provider.client_id not in audiences:
            raise SuspiciousOperation("the id token is for another client")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: Any) -> Any:
        from .accounts import sso_user_sync

        p = self.provider
        assert p is not None  # nosec B101 - set by authenticate
        claims = {**self.get_userinfo(access_token, id_token, payload), **payload}
        subject = str(payload.get("sub") or "")
        if not subject:
            raise SuspiciousOperation("the id token has no subject")
        municipality = Municipality.objects.filter(slug=p.slug).first()
        if municipality is None:
            return None
        roles = roles_of_groups(p.roles, claims.get(p.roles_claim))
        try:
            return sso_user_sync(
                actor=SYSTEM, municipality=municipality, external_id=f"oidc:{p.slug}:{subject}",
                username=f"{p.slug}-{subject}"[:150],
                first_name=str(claims.get("given_name") or "")[:150],
                last_name=str(claims.get("family_name") or "")[:150],
                email=str(claims.get("email") or "")[:254], roles=roles)
        except PermissionDeniedError as exc:
            log.warning("login through %s refused: %s", p.slug, exc.message)
            return None


class LoginView(auth_views.LoginView):
    """The local login, with "Log in with …" for each municipality's provider."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        from . import saml

        both: list[Provider | saml.SamlProvider] = [*providers().values(),
                                                    *saml.providers().values()]
        names = dict(Municipality.objects.filter(slug__in=[p.slug for p in both])
                     .values_list("slug", "name"))
        context["sso_providers"] = [(p.slug, p.label or names.get(p.slug, p.slug))
                                    for p in both]
        context["sso_refused"] = self.request.GET.get("sso") == "nekad"
        context["sso_down"] = self.request.GET.get("sso") == "svarar-inte"
        return context


class LogoutView(auth_views.LogoutView):
    """The app's logout; after a login through a provider, on to the provider's
    end-session endpoint so that its session ends too, and back to the login page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        end_session = request.session.get(SESSION_LOGOUT, "")
        slug = request.session.get(SESSION_PROVIDER)
        response = super().post(request, *args, **kwargs)
        p = provider(slug)
        if end_session and p is not None:
            back = absolutify(request, reverse("login"))
            return HttpResponseRedirect(f"{end_session}?" + urlencode(
                {"client_id": p.client_id, "post_logout_redirect_uri": back}))
        return response
