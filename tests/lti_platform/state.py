"""What the platform remembers: its key, the tools registered, pending launches, the gradebook, the members."""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def new_key_pair() -> tuple[str, str]:
    """A fresh RSA key pair as (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def token(prefix: str) -> str:
    return f"{prefix}-{secrets.token_urlsafe(12)}"


@dataclass
class Tool:
    """One registration of a tool with this platform (the platform's view of a client)."""
    client_id: str
    deployment_ids: list[str]
    login_url: str
    launch_url: str
    deep_link_url: str | None = None
    jwks_url: str | None = None
    jwks: dict[str, Any] | None = None
    redirect_uris: list[str] = field(default_factory=list)
    name: str = ""
    dynamic: dict[str, Any] | None = None  # the client registration a tool posted (Dynamic Registration)

    def allowed_redirects(self) -> set[str]:
        return {self.launch_url, *([self.deep_link_url] if self.deep_link_url else []), *self.redirect_uris}

    def public(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "deployment_ids": self.deployment_ids, "login_url": self.login_url,
                "launch_url": self.launch_url, "deep_link_url": self.deep_link_url, "jwks_url": self.jwks_url,
                "redirect_uris": sorted(self.allowed_redirects()), "name": self.name, "dynamic": self.dynamic}


@dataclass
class Launch:
    """A launch the test asked for: the claims to sign once the tool comes back through the auth endpoint."""
    hint: str
    login_hint: str
    client_id: str
    deployment_id: str
    kind: str  # "resource" or "deep"
    user: dict[str, Any]
    context: dict[str, Any] | None
    resource_link: dict[str, Any] | None
    line_item: str | None = None
    ags: bool = True
    nrps: bool = True
    custom: dict[str, Any] | None = None
    tamper: str | None = None
    target_link_uri: str | None = None
    document_target: str = "iframe"
    dl_data: str | None = None
    accept_types: list[str] | None = None
    captured: list[dict[str, Any]] = field(default_factory=list)  # each id_token+state the platform answered


@dataclass
class LineItem:
    id: str
    context_id: str
    client_id: str
    label: str
    score_maximum: float
    resource_link_id: str | None = None
    resource_id: str | None = None
    tag: str | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "label": self.label, "scoreMaximum": self.score_maximum}
        for key, value in (("resourceLinkId", self.resource_link_id), ("resourceId", self.resource_id),
                           ("tag", self.tag)):
            if value is not None:
                data[key] = value
        return data


@dataclass
class State:
    base_url: str
    private_key: str
    public_key: str
    lock: threading.RLock = field(default_factory=threading.RLock)
    tools: dict[str, Tool] = field(default_factory=dict)
    launches: dict[str, Launch] = field(default_factory=dict)
    contexts: dict[str, dict[str, Any]] = field(default_factory=dict)
    line_items: dict[str, LineItem] = field(default_factory=dict)
    scores: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)  # line item → user → posts
    score_attempts: dict[str, int] = field(default_factory=dict)  # line item → every POST, refused ones too
    members: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    deep_link_returns: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    used_assertions: set[str] = field(default_factory=set)
    registration_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_scores: int = 0
    down: bool = False
    counter: int = 0

    @property
    def issuer(self) -> str:
        return self.base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    def next_id(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def reset(self) -> None:
        """Everything but the key and the address back to a new platform's (between tests)."""
        fresh = State(self.base_url, self.private_key, self.public_key)
        for name in self.__dataclass_fields__:
            if name != "lock":
                setattr(self, name, getattr(fresh, name))

    def refuse(self, where: str, reason: str) -> str:
        """Record why the platform refused a request (the tests read it back) and return the reason."""
        with self.lock:
            self.errors.append({"where": where, "reason": reason, "at": time.time()})
        return reason
