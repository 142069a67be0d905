"""Two servers (two keys folders, one database) publish the same key set: a credential signed on
either verifies against the JWKS of both; a server lacking the current private key refuses to sign
and makes no key of its own."""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from lms.extensions import db

from .certificate_support import finish_course, only_certificate
from .conftest import Auth
from .test_open_badges import verify


def _run(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["lms", "keys", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_two_servers_publish_one_key_set_and_sign_credentials_both_verify(
        synced, make_app, learner, auth, client, tmp_path, caplog):
    server_b = make_app(LMS_KEYS_DIR=str(tmp_path / "keys_b"))
    client_b = server_b.test_client()
    Auth(client_b).login()
    finish_course(auth)
    certificate = only_certificate(synced)
    _run(synced, "rotate")
    archive = tmp_path / "keys.tar"
    _run(synced, "export", str(archive))
    _run(server_b, "import", str(archive))

    jwks_a = client.get("/issuers/default/jwks.json").get_json()
    assert jwks_a == client_b.get("/issuers/default/jwks.json").get_json() and len(jwks_a["keys"]) == 1
    tokens = [each.get(f"/certificates/{certificate.credential_id}.jwt").get_data(as_text=True) for each in (client, client_b)]
    for token in tokens:
        for server in (client, client_b):
            verify(server, token)
    assert client_b.get("/issuers/default/status/revocation").status_code == 200

    # A rotates and B is not given the new key: B still publishes it, and refuses to sign.
    _run(synced, "rotate")
    folder_b = Path(server_b.config["LMS_KEYS_DIR"])
    before = sorted(folder_b.glob("*.pem"))
    jwks_a = client.get("/issuers/default/jwks.json").get_json()
    assert jwks_a == client_b.get("/issuers/default/jwks.json").get_json() and len(jwks_a["keys"]) == 2
    with caplog.at_level(logging.ERROR):
        assert client_b.get(f"/certificates/{certificate.credential_id}.jwt").status_code == 503
        assert client_b.get("/issuers/default/status/revocation").status_code == 503
    assert "is not in this server's keys folder" in caplog.text and "no key was made" in caplog.text
    assert sorted(folder_b.glob("*.pem")) == before
    assert "(signing)  (not in this server's folder)" in _run(server_b, "list")
    verify(client_b, client.get(f"/certificates/{certificate.credential_id}.jwt").get_data(as_text=True))

    # Given the keys again, B signs with the new key.
    _run(synced, "export", str(tmp_path / "keys2.tar"))
    assert "1 key into" in _run(server_b, "import", str(tmp_path / "keys2.tar"))
    verify(client, client_b.get(f"/certificates/{certificate.credential_id}.jwt").get_data(as_text=True))


def test_keys_already_in_a_folder_are_registered_on_first_use(synced, make_app, tmp_path):
    """An install from before the registry: its key files are published by `keys list` or a JWKS request."""
    from lms.certificates.keys import KeyStore

    key = KeyStore(synced.config["LMS_KEYS_DIR"]).rotate()
    jwks = synced.test_client().get("/issuers/default/jwks.json").get_json()
    assert [jwk["kid"].rsplit("/", 1)[1] for jwk in jwks["keys"]] == [key.kid]
    server_b = make_app(LMS_KEYS_DIR=str(tmp_path / "keys_b"))
    assert server_b.test_client().get("/issuers/default/jwks.json").get_json() == jwks
    assert f"{key.kid}  (signing)  (not in this server's folder)" in _run(server_b, "list")


def test_a_server_without_the_current_key_records_completions_and_issues_certificates(
        synced, make_app, make_user, tmp_path, caplog):
    """Certificates are issued on completion without a signature; only the download needs the key."""
    _run(synced, "rotate")
    server_b = make_app(LMS_KEYS_DIR=str(tmp_path / "keys_b"))
    make_user()
    client_b = server_b.test_client()
    auth_b = Auth(client_b)
    auth_b.login()
    finish_course(auth_b)
    certificate = only_certificate(server_b)
    with caplog.at_level(logging.ERROR):
        assert client_b.get(f"/certificates/{certificate.credential_id}.jwt").status_code == 503
    assert "no key was made" in caplog.text and not Path(server_b.config["LMS_KEYS_DIR"]).exists()


def test_two_servers_making_the_first_key_at_once_register_one(synced, make_app, tmp_path):
    """A fresh install whose two servers sign at the same moment: one key is registered, the other
    server's key file is deleted and that server refuses to sign."""
    from lms.certificates.signing import SigningKeyUnavailable, published, signing_key
    from lms.schools.services import default_school

    with synced.app_context():
        default_school()
        db.session.commit()

    apps = [synced, make_app(LMS_KEYS_DIR=str(tmp_path / "keys_b"))]
    barrier, outcomes = threading.Barrier(2), []

    def sign(app) -> None:
        with app.app_context():
            barrier.wait()
            try:
                outcomes.append(signing_key(default_school()).kid)
                db.session.commit()
            except SigningKeyUnavailable as error:
                db.session.rollback()
                outcomes.append(str(error))

    threads = [threading.Thread(target=sign, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with synced.app_context():
        [registered] = [key.kid for key in published(default_school())]
    files = [path for app in apps for path in Path(app.config["LMS_KEYS_DIR"]).glob("*.pem")]
    assert [path.name.split("-", 1)[1] for path in files] == [registered + ".pem"]
    assert registered in outcomes and len(outcomes) == 2
