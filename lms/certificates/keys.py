"""Signing keys live in files outside the database (a database dump never leaks them), one folder per
school (each school signs with its own keys), and rotate by adding a newer key: older public keys stay
published, so every credential already issued keeps verifying. Which key signs is decided by the
database (see ``signing.py``), the same on every server."""
from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app

from ..db import utcnow
from ..schools.models import School

KEY_SIZE = 3072  # RS256 with a key that stays strong for the life of a certificate
_loaded: dict[Path, tuple[float, "SigningKey"]] = {}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass(frozen=True)
class SigningKey:
    kid: str  # the RFC 7638 thumbprint of the public key
    created: str
    private_key: rsa.RSAPrivateKey

    def public_jwk(self) -> dict[str, str]:
        numbers = self.private_key.public_key().public_numbers()
        return {"kty": "RSA", "n": _int_b64(numbers.n), "e": _int_b64(numbers.e), "alg": "RS256", "use": "sig",
                "kid": self.kid}


def thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638: the SHA-256 of the canonical JWK, a key id any verifier can recompute."""
    numbers = public_key.public_numbers()
    canonical = json.dumps({"e": _int_b64(numbers.e), "kty": "RSA", "n": _int_b64(numbers.n)}, separators=(",", ":"))
    return b64url(hashlib.sha256(canonical.encode()).digest())


class KeyStore:
    """A folder of ``<created>-<kid>.pem`` files (mode 0600), the private halves this server holds."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def keys(self) -> list[SigningKey]:
        """Every key, oldest first."""
        if not self.folder.is_dir():
            return []
        return [self._load(path) for path in sorted(self.folder.glob("*.pem"))]

    def rotate(self) -> SigningKey:
        with self.lock():
            return self.create()

    def remove(self, key: SigningKey) -> None:
        """Delete a key file made a moment ago that lost the race to be registered first."""
        for path in self.folder.glob(f"*-{key.kid}.pem"):
            path.unlink()
            _loaded.pop(path, None)

    def lock(self):
        """Held while keys are made, exported or imported, so no process sees half a key file."""
        missing = [folder for folder in (self.folder, *self.folder.parents) if not folder.exists()]
        for folder in reversed(missing):  # a school's folder and the ``schools/`` above it: private too
            folder.mkdir(mode=0o700, exist_ok=True)
        return _FileLock(self.folder / ".lock")

    def create(self) -> SigningKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
        created = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        path = self.folder / f"{created}-{thumbprint(key.public_key())}.pem"
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        os.chmod(path, 0o600)
        return self._load(path)

    @staticmethod
    def _load(path: Path) -> SigningKey:
        mtime = path.stat().st_mtime
        cached = _loaded.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise ValueError(f"{path} is not an RSA private key")
        key = SigningKey(thumbprint(private_key.public_key()), path.name.split("-", 1)[0], private_key)
        _loaded[path] = (mtime, key)
        return key


class _FileLock:
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        self.handle = open(self.path, "a")  # noqa: SIM115 (closed in __exit__)
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def keys_root() -> Path:
    """``LMS_KEYS_DIR``, or ``keys/`` in the instance folder."""
    return Path(current_app.config.get("LMS_KEYS_DIR") or Path(current_app.instance_path) / "keys")


def key_store(school: School) -> KeyStore:
    """A school's keys: the ``LMS_SCHOOL`` school's in the keys folder itself (where every key was before
    schools had their own), any other's in ``schools/<slug>/`` under it."""
    root = keys_root()
    return KeyStore(root if school.slug == current_app.config["LMS_SCHOOL"] else root / "schools" / school.slug)
