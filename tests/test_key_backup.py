"""``flask lms keys export`` and ``import``: the signing keys go to the secrets backups as one tar
archive, apart from the database backups, and come back checked, with modes 0700 and 0600."""
from __future__ import annotations

import io
import stat
import tarfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

KEY_NAME = "20260101T000000000000Z-{kid}.pem"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def kids(folder: Path) -> list[str]:
    return sorted(path.stem.split("-", 1)[1] for path in folder.glob("*.pem"))


def archive(*members: tuple[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if symlink:
            info = tarfile.TarInfo(symlink)
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(info)
    return buffer.getvalue()


def test_keys_export_to_a_private_archive_and_import_into_a_new_site(app, runner, make_app, tmp_path):
    for _ in range(2):
        assert runner.invoke(args=["lms", "keys", "rotate"]).exit_code == 0
    source = Path(app.config["LMS_KEYS_DIR"])
    exported = tmp_path / "keys.tar"
    result = runner.invoke(args=["lms", "keys", "export", str(exported)])
    assert result.exit_code == 0 and f"Exported 2 keys from {source} to {exported}." in result.output
    assert mode(exported) == 0o600
    with tarfile.open(exported) as tar:
        assert sorted(tar.getnames()) == sorted(f"keys/{path.name}" for path in source.glob("*.pem"))
        assert {member.mode for member in tar.getmembers()} == {0o600}

    target = tmp_path / "restored-keys"
    restored = make_app(LMS_KEYS_DIR=str(target)).test_cli_runner()
    result = restored.invoke(args=["lms", "keys", "import", str(exported)])
    assert result.exit_code == 0, result.output
    newest = sorted(source.glob("*.pem"))[-1].stem.split("-", 1)[1]
    assert f"Imported 2 keys into {target} (0 already there); 2 published, {newest} signs for default." in result.output
    assert kids(target) == kids(source)
    assert mode(target) == 0o700 and {mode(path) for path in target.glob("*.pem")} == {0o600}
    assert [p.read_bytes() for p in sorted(target.glob("*.pem"))] == [p.read_bytes() for p in sorted(source.glob("*.pem"))]

    again = restored.invoke(args=["lms", "keys", "import", "-"], input=exported.read_bytes())  # from stdin
    assert again.exit_code == 0 and "Imported 0 keys" in again.output and "(2 already there)" in again.output


def test_the_newest_key_signs_after_an_import_and_a_loose_folder_is_tightened(app, runner, make_app, tmp_path):
    assert runner.invoke(args=["lms", "keys", "rotate"]).exit_code == 0
    streamed = runner.invoke(args=["lms", "keys", "export", "-"])  # to stdout, for an encrypting pipe
    assert streamed.exit_code == 0 and "Exported 1 key" in streamed.stderr
    target = tmp_path / "site-keys"
    target.mkdir(mode=0o755)
    target.chmod(0o755)
    site = make_app(LMS_KEYS_DIR=str(target)).test_cli_runner()
    assert site.invoke(args=["lms", "keys", "rotate"]).exit_code == 0  # this site already made a key of its own
    result = site.invoke(args=["lms", "keys", "import", "-"], input=streamed.stdout_bytes)
    assert result.exit_code == 0 and "Imported 1 key" in result.output and "2 published" in result.output
    assert mode(target) == 0o700
    listing = site.invoke(args=["lms", "keys", "list"]).output.splitlines()
    assert len(listing) == 3 and listing[0].startswith("default (") and listing[-1].endswith("(signing)")


def test_an_export_needs_keys_and_a_new_file(app, runner, tmp_path):
    result = runner.invoke(args=["lms", "keys", "export", str(tmp_path / "keys.tar")])
    assert result.exit_code == 1 and "No key yet" in result.stderr and "nothing to export" in result.stderr
    assert not (tmp_path / "keys.tar").exists()
    assert runner.invoke(args=["lms", "keys", "rotate"]).exit_code == 0
    existing = tmp_path / "old.tar"
    existing.write_text("keep me")
    result = runner.invoke(args=["lms", "keys", "export", str(existing)])
    assert result.exit_code == 1 and "already exists; nothing was written" in result.stderr
    assert existing.read_text() == "keep me"


def test_an_archive_that_is_not_only_signing_keys_is_refused_whole(app, runner, make_app, tmp_path):
    assert runner.invoke(args=["lms", "keys", "rotate"]).exit_code == 0
    [key_file] = Path(app.config["LMS_KEYS_DIR"]).glob("*.pem")
    good = (f"keys/{key_file.name}", key_file.read_bytes())
    other_kid = "A" * 43
    ec_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    cases = {
        "not-a-tar.tar": (b"not a tar archive" * 40, "is not a key archive made by `flask lms keys export`"),
        "empty.tar": (archive(), "holds no key"),
        "foreign.tar": (archive(good, ("keys/../../etc/cron.d/evil", b"* * * * * root sh")), "which is not a signing key file"),
        "symlink.tar": (archive(good, symlink=f"keys/{KEY_NAME.format(kid=other_kid)}"), "which is not a signing key file"),
        "renamed.tar": (archive(good, (f"keys/{KEY_NAME.format(kid=other_kid)}", good[1])),
                        "is named for another key than the one it holds"),
        "not-rsa.tar": (archive(good, (f"keys/{KEY_NAME.format(kid=other_kid)}", ec_key)),
                        "is not an unencrypted RSA private key"),
    }
    target = tmp_path / "target-keys"
    site = make_app(LMS_KEYS_DIR=str(target)).test_cli_runner()
    for name, (data, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = site.invoke(args=["lms", "keys", "import", str(path)])
        assert result.exit_code == 1, name
        assert message in result.stderr and "nothing was imported" in result.stderr, (name, result.stderr)
        assert not target.exists() or not list(target.glob("*.pem")), name
