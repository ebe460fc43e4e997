"""An OpenID Connect provider for the tests, written here: a real HTTP server on
127.0.0.1 with discovery, the authorization, token, userinfo and end-session endpoints
and a JWKS, issuing id tokens signed with RS256 by its own RSA key."""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


@dataclass
class Person:
    sub: str
    email: str = ""
    given_name: str = ""
    family_name: str = ""
    groups: list[str] = field(default_factory=list)


class Provider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(4)
        self.person: Person | None = None  # who "logs in" at the next authorization
        self.sign_with_other_key = False  # a forged token: not the key the JWKS publishes
        self.audience: str | None = None  # a token for another client
        self.codes: dict[str, dict[str, Any]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}/realm"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict[str, Any]:
        return {"issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "end_session_endpoint": f"{self.issuer}/logout",
                "id_token_signing_alg_values_supported": ["RS256"]}

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def authorize(self, query: dict[str, str]) -> str:
        """The user logs in and consents: back to the client with a code."""
        assert self.person is not None, "who logs in?"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**query, "person": self.person}
        return f"{query['redirect_uri']}?" + urlencode({"code": code, "state": query["state"]})

    def token(self, form: dict[str, str]) -> dict[str, Any]:
        grant = self.codes.pop(form["code"])
        assert form["client_id"] == grant["client_id"]
        assert form["redirect_uri"] == grant["redirect_uri"]
        person: Person = grant["person"]
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": person.sub, "aud": self.audience or form["client_id"],
                  "iat": now, "exp": now + 300, "nonce": grant["nonce"]}
        key = self.other_key if self.sign_with_other_key else self.key
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        access = secrets.token_urlsafe(16)
        self.codes["access:" + access] = {"person": person}
        return {"access_token": access, "token_type": "Bearer", "id_token": id_token,
                "expires_in": 300}

    def userinfo(self, authorization: str) -> dict[str, Any]:
        person: Person = self.codes["access:" + authorization.removeprefix("Bearer ")]["person"]
        return {"sub": person.sub, "email": person.email, "given_name": person.given_name,
                "family_name": person.family_name, "groups": person.groups}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: dict[str, Any], status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/realm/.well-known/openid-configuration":
                    self._json(provider.discovery())
                elif url.path == "/realm/jwks":
                    self._json(provider.jwks())
                elif url.path == "/realm/authorize":
                    self.send_response(302)
                    self.send_header("Location", provider.authorize(query))
                    self.end_headers()
                elif url.path == "/realm/userinfo":
                    self._json(provider.userinfo(self.headers.get("Authorization", "")))
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path == "/realm/token":
                    self._json(provider.token(form))
                else:
                    self._json({"error": "not_found"}, 404)

        return Handler
