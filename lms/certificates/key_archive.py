"""The signing keys travel apart from the database backups, into the secrets backups: ``flask lms keys
export`` writes a school's key files into one tar archive (``--all``: every school's, each under
``keys/schools/<slug>/`` but the LMS_SCHOOL school's, as in the keys folder), ``keys import`` checks an
archive whole and then adds the keys the folders lack, with each folder's mode 0700 and each file's 0600."""
from __future__ import annotations

import io
import os
import re
import tarfile
from contextlib import ExitStack
from typing import BinaryIO

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .keys import KeyStore, thumbprint

MEMBER = re.compile(r"keys/(?:schools/(?P<school>[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)/)?"
                    r"(?P<created>\d{8}T\d{12}Z)-(?P<kid>[A-Za-z0-9_-]{43})\.pem")
FOLDERS = re.compile(r"keys(?:/schools(?:/[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)?)?")
MAX_KEY_BYTES = 16 * 1024  # an RSA 3072 PEM is about 2.5 kB


class KeyArchiveError(Exception):
    """An export or import refused; nothing was written."""


def export_keys(store: KeyStore, out: BinaryIO) -> int:
    """Write every key file of one school into a tar archive on ``out``; returns how many."""
    return export_schools({"": store}, out)


def export_schools(stores: dict[str, KeyStore], out: BinaryIO) -> int:
    """Write the key files of several schools into one tar archive on ``out`` (by slug; "" for the LMS_SCHOOL
    school, whose keys go under ``keys/``, another's under ``keys/schools/<slug>/``); returns how many."""
    if not any(list(store.folder.glob("*.pem")) for store in stores.values()):
        folders = ", ".join(str(store.folder) for store in stores.values())
        raise KeyArchiveError(f"No key yet in {folders}; nothing to export (one is made when the first "
                              "credential is signed).")
    count = 0
    with ExitStack() as locks:
        for store in stores.values():
            if store.folder.is_dir():
                locks.enter_context(store.lock())
        with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as archive:
            for slug, store in sorted(stores.items()):
                for path in sorted(store.folder.glob("*.pem")):
                    data = path.read_bytes()
                    info = tarfile.TarInfo(f"keys/schools/{slug}/{path.name}" if slug else f"keys/{path.name}")
                    info.size, info.mode, info.mtime = len(data), 0o600, int(path.stat().st_mtime)
                    archive.addfile(info, io.BytesIO(data))
                    count += 1
    return count


def read_archive(source: BinaryIO, shown: str) -> dict[str, bytes]:
    """Every key of an archive made by :func:`export_keys`, each checked: a file name of the store's form
    whose key id is the thumbprint of the RSA private key it holds. Anything else refuses the whole archive.
    Keys are named by file name (``schools/<slug>/<file>`` for a key of a school other than LMS_SCHOOL's)."""
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=source, mode="r|") as archive:
            for member in archive:
                if member.isdir() and FOLDERS.fullmatch(member.name.rstrip("/")):
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


def by_school(keys: dict[str, bytes]) -> dict[str, dict[str, bytes]]:
    """The keys of an archive by school slug ("" for the LMS_SCHOOL school's), each by its file name."""
    grouped: dict[str, dict[str, bytes]] = {}
    for name, data in keys.items():
        slug, _, file = name.removeprefix("schools/").rpartition("/") if name.startswith("schools/") else ("", "", name)
        grouped.setdefault(slug, {})[file] = data
    return grouped


def key_id(name: str) -> str:
    return name.rsplit("/", 1)[-1].split("-", 1)[1].removesuffix(".pem")


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
