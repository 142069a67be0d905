"""The signing keys travel apart from the database backups, into the secrets backups: ``flask lms keys
export`` writes every key file into one tar archive, ``keys import`` checks an archive whole and then
adds the keys the folder lacks, with the folder's mode 0700 and each file's 0600."""
from __future__ import annotations

import io
import os
import re
import tarfile
from typing import BinaryIO

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .keys import KeyStore, thumbprint

MEMBER = re.compile(r"keys/(?P<created>\d{8}T\d{12}Z)-(?P<kid>[A-Za-z0-9_-]{43})\.pem")
MAX_KEY_BYTES = 16 * 1024  # an RSA 3072 PEM is about 2.5 kB


class KeyArchiveError(Exception):
    """An export or import refused; nothing was written."""


def export_keys(store: KeyStore, out: BinaryIO) -> int:
    """Write every key file into a tar archive on ``out``; returns how many."""
    if not list(store.folder.glob("*.pem")):
        raise KeyArchiveError(f"No key yet in {store.folder}; nothing to export (one is made when the first "
                              "credential is signed).")
    with store.lock():
        paths = sorted(store.folder.glob("*.pem"))
        with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as archive:
            for path in paths:
                data = path.read_bytes()
                info = tarfile.TarInfo(f"keys/{path.name}")
                info.size, info.mode, info.mtime = len(data), 0o600, int(path.stat().st_mtime)
                archive.addfile(info, io.BytesIO(data))
    return len(paths)


def read_archive(source: BinaryIO, shown: str) -> dict[str, bytes]:
    """Every key of an archive made by :func:`export_keys`, each checked: a file name of the store's form
    whose key id is the thumbprint of the RSA private key it holds. Anything else refuses the whole archive."""
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=source, mode="r|") as archive:
            for member in archive:
                if member.isdir() and member.name.rstrip("/") == "keys":
                    continue
                match = MEMBER.fullmatch(member.name)
                if not (member.isfile() and match and member.size <= MAX_KEY_BYTES):
                    raise KeyArchiveError(f"{shown} holds {member.name!r}, which is not a signing key file "
                                          "(keys/<created>-<key id>.pem); nothing was imported.")
                data = archive.extractfile(member).read()
                _check_key(data, match["kid"], member.name, shown)
                found[member.name.removeprefix("keys/")] = data
    except tarfile.TarError as error:
        raise KeyArchiveError(f"{shown} is not a key archive made by `flask lms keys export` ({error}); "
                              "nothing was imported.") from None
    if not found:
        raise KeyArchiveError(f"{shown} holds no key; nothing was imported.")
    return found


def _check_key(data: bytes, kid: str, name: str, shown: str) -> None:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyArchiveError(f"{shown}: {name} is not an unencrypted RSA private key; nothing was imported.")
    if thumbprint(key.public_key()) != kid:
        raise KeyArchiveError(f"{shown}: {name} is named for another key than the one it holds; nothing was imported.")


def import_keys(store: KeyStore, keys: dict[str, bytes]) -> tuple[int, int]:
    """Add the keys the folder lacks (mode 0600, the folder 0700); returns (added, already there).
    Keys are only ever added, so every credential signed by any of them keeps verifying."""
    added = 0
    with store.lock():
        os.chmod(store.folder, 0o700)
        present = {key.kid for key in store.keys()}
        for name, data in sorted(keys.items()):
            if name.split("-", 1)[1].removesuffix(".pem") in present:
                continue
            partial = store.folder / f".{name}.partial"
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(partial, 0o600)
            os.rename(partial, store.folder / name)  # a whole key file or none, under the lock
            added += 1
    return added, len(keys) - added
