"""Login with a SAML 2 identity provider (a federation such as Sambi or Skolfederation,
ADFS, …) through djangosaml2 and pysaml2, one provider per municipality.

``SSO_SAML`` (settings, JSON in the environment) maps a municipality's slug to its
provider: ``entity_id``, ``metadata`` (the provider's metadata XML, or a path to the file),
optionally ``label``, ``email_attribute`` (default ``mail``), ``roles_attribute`` (default
``groups``) with ``roles``, a map from the provider's groups to this app's roles. The
service provider's entity id is ``SITE_URL/saml2/metadata/`` (its metadata is served
there), its assertion consumer ``SITE_URL/saml2/acs/``. Assertions must be signed by a key
in the provider's metadata (checked by xmlsec1) and answer a request this session made;
the NameID becomes ``User.external_id`` (``saml:<slug>:<name id>``) and
``accounts.sso_user_sync`` finds, links or creates the member as for OpenID Connect.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from djangosaml2.backends import Saml2Backend
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import SPConfig

from .actors import SYSTEM
from .errors import PermissionDeniedError
from .models import Municipality

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SamlProvider:
    slug: str
    entity_id: str
    metadata: str
    label: str = ""
    email_attribute: str = "mail"
    roles_attribute: str = "groups"
    roles: dict[str, str] = field(default_factory=dict)

    def metadata_xml(self) -> str:
        text = self.metadata.strip()
        return text if text.startswith("<") else Path(text).read_text(encoding="utf-8")


def providers() -> dict[str, SamlProvider]:
    return {slug: SamlProvider(slug=slug, **config)
            for slug, config in getattr(settings, "SSO_SAML", {}).items()}


def provider_of_entity(entity_id: str) -> SamlProvider | None:
    return next((p for p in providers().values() if p.entity_id == entity_id), None)


def sp_entity_id() -> str:
    return settings.SITE_URL.rstrip("/") + "/saml2/metadata/"


def config_loader(request: HttpRequest | None = None) -> SPConfig:
    """djangosaml2's configuration (``SAML_CONFIG_LOADER``), made from ``SSO_SAML``."""
    base = settings.SITE_URL.rstrip("/")
    config: dict[str, Any] = {
        "entityid": sp_entity_id(),
        "xmlsec_binary": shutil.which("xmlsec1") or "/usr/bin/xmlsec1",
        "allow_unknown_attributes": True,
        "service": {"sp": {
            "name": "kompetensfond",
            "endpoints": {
                "assertion_consumer_service": [(f"{base}/saml2/acs/", BINDING_HTTP_POST)],
                "single_logout_service": [(f"{base}/saml2/ls/", BINDING_HTTP_REDIRECT)],
            },
            "want_assertions_signed": True,
            "want_response_signed": False,
            "allow_unsolicited": False,  # only answers to a request of this session
            "authn_requests_signed": False,
        }},
        "metadata": {"inline": [p.metadata_xml() for p in providers().values()]},
    }
    if getattr(settings, "SAML_SP_KEY_FILE", "") and getattr(settings, "SAML_SP_CERT_FILE",
                                                                 ""):
        config["key_file"] = settings.SAML_SP_KEY_FILE
        config["cert_file"] = settings.SAML_SP_CERT_FILE
    loaded = SPConfig()
    loaded.load(config)
    return loaded


def login_redirect(p: SamlProvider) -> HttpResponse:
    """Start the login at the municipality's SAML provider (djangosaml2's login view)."""
    return HttpResponseRedirect(reverse("saml2_login") + "?"
                                + urlencode({"idp": p.entity_id, "next": "/"}))


def acs_failure(request: HttpRequest, exception: Exception | None = None, status: int = 403,
                **kwargs: Any) -> HttpResponse:
    """A refused SAML login ends on the login page with the reason in words."""
    log.warning("SAML login refused: %s", exception)
    return HttpResponseRedirect(settings.LOGIN_REDIRECT_URL_FAILURE)


class MunicipalitySaml2Backend(Saml2Backend):
    """The member the municipality's provider vouches for: found by the NameID, linked by
    e-mail or created, with roles from the groups attribute when configured."""

    def authenticate(self, request: Any, session_info: Any = None,
                     attribute_mapping: Any = None, create_unknown_user: bool = True,
                     assertion_info: Any = None, **kwargs: Any) -> Any:
        from .accounts import sso_user_sync
        from .sso import roles_of_groups

        if not session_info:
            return None
        p = provider_of_entity(str(session_info.get("issuer") or ""))
        name_id = getattr(session_info.get("name_id"), "text", "") or ""
        if p is None or not name_id:
            return None
        municipality = Municipality.objects.filter(slug=p.slug).first()
        if municipality is None:
            return None
        ava = session_info.get("ava") or {}

        def first(name: str) -> str:
            values = ava.get(name) or []
            return str(values[0]) if values else ""

        roles = roles_of_groups(p.roles, ava.get(p.roles_attribute))
        try:
            return sso_user_sync(
                actor=SYSTEM, municipality=municipality, external_id=f"saml:{p.slug}:{name_id}",
                username=f"{p.slug}-{name_id}"[:150], first_name=first("givenName")[:150],
                last_name=first("sn")[:150], email=first(p.email_attribute)[:254],
                roles=roles)
        except PermissionDeniedError as exc:
            log.warning("SAML login through %s refused: %s", p.slug, exc.message)
            return None
