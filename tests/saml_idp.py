"""A SAML 2 identity provider for the tests, built with pysaml2: its own key and
self-signed certificate, metadata, and signed answers to the app's authentication
requests (HTTP-Redirect in, HTTP-POST back), signatures made and checked by xmlsec1."""

from __future__ import annotations

import base64
import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server


def self_signed(folder: Path, name: str) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


class SamlIdp:
    def __init__(self, folder: Path, entity_id: str, sp_metadata: str) -> None:
        self.entity_id = entity_id
        key, cert = self_signed(folder, entity_id.rsplit("/", 1)[-1] or "idp")
        self.config = IdPConfig()
        self.config.load({
            "entityid": entity_id,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "service": {"idp": {
                "endpoints": {"single_sign_on_service": [(f"{entity_id}/sso",
                                                          BINDING_HTTP_REDIRECT)]},
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "policy": {"default": {"lifetime": {"minutes": 15},
                                       "attribute_restrictions": None}},
            }},
            "key_file": key, "cert_file": cert,
            "metadata": {"inline": [sp_metadata]},
        })
        self.server = Server(config=self.config)

    def metadata(self) -> str:
        return create_metadata_string(None, config=self.config).decode()

    def answer(self, login_redirect: str, name_id: str, attributes: dict[str, list[str]],
               *, request_read_by: SamlIdp | None = None) -> dict[str, str]:
        """The person logs in at the provider: the signed answer, as the form the browser
        posts to the app's assertion consumer. ``request_read_by``: the provider the
        request was for, when another answers it (a forgery)."""
        query = {k: v[0] for k, v in parse_qs(urlparse(login_redirect).query).items()}
        reader = (request_read_by or self).server
        request: Any = reader.parse_authn_request(query["SAMLRequest"],
                                                  BINDING_HTTP_REDIRECT).message
        response = self.server.create_authn_response(
            identity=attributes, in_response_to=request.id,
            destination=request.assertion_consumer_service_url,
            sp_entity_id=request.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name_id),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password",
                   "authn_auth": self.entity_id},
            sign_assertion=True, userid=name_id)
        return {"SAMLResponse": base64.b64encode(str(response).encode()).decode(),
                "RelayState": query.get("RelayState", "")}
