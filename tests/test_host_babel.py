"""A host site that set up Flask-Babel before mounting the LMS keeps its own instance and locale selector;
the LMS's catalogue is read under the host's, so the host can reword the LMS and its own words still work."""
from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask_babel import Babel, gettext

from lms import LMS


def test_a_host_with_its_own_flask_babel_decides_the_language_and_can_reword_the_lms(make_host, tmp_path):
    folder = tmp_path / "host-translations" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = Catalog(locale="fr")
    catalog.add("Catalog", "Nos formations")  # the host's own wording of an LMS word
    catalog.add("Host words", "Mots de l’hôte")
    with open(folder / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)
    host = make_host(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "host-translations"))
    Babel(host, locale_selector=lambda: "fr")  # the host decides: always French

    @host.get("/words")
    def words():
        return gettext("Host words")

    LMS(host, url_prefix="/learn")
    assert host.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    client = host.test_client()
    page = client.get("/learn/", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="fr">' in page  # the host's selector, not the browser's
    assert ">Nos formations</a>" in page  # the host's catalogue wins where both translate
    assert ">Se connecter</a>" in page  # the LMS's own French elsewhere
    assert client.get("/words").get_data(as_text=True) == "Mots de l’hôte"


def test_a_host_without_flask_babel_gets_the_lms_selector(make_host):
    host = make_host()
    LMS(host, url_prefix="/learn")
    client = host.test_client()
    assert '<html lang="fr">' in client.get("/learn/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert '<html lang="en">' in client.get("/learn/", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
