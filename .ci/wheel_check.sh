#!/usr/bin/env bash
# The LMS as a host site gets it: build the sdist and the wheel from it, check the wheel holds every
# template, static file, font and migration (and nothing else), install it into a clean virtual
# environment, mount it into a small host app of its own, migrate, sync the curriculum and open a lesson.
# Usage: .ci/wheel_check.sh (PYTHON selects the interpreter of the clean environment; python3 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
BUILD_PYTHON=${BUILD_PYTHON:-$REPO/.venv/bin/python}
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lms-wheel-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
step() { printf '\n== %s (%ss)\n' "$1" "$SECONDS"; }

step "build the sdist, then the wheel from it"
"$BUILD_PYTHON" -m build --outdir "$WORK/dist" "$REPO" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
WHEEL=$(ls "$WORK"/dist/*.whl)
echo "$WHEEL"

step "the wheel holds lms/ and migrations/ (as lms/migrations), nothing else"
"$BUILD_PYTHON" - "$WHEEL" "$REPO" <<'EOF'
import sys
import zipfile
from pathlib import Path

wheel, repo = sys.argv[1], Path(sys.argv[2])


def files(folder: str, prefix: str) -> set[str]:
    return {prefix + path.relative_to(repo / folder).as_posix() for path in (repo / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts}


names = {name for name in zipfile.ZipFile(wheel).namelist() if ".dist-info/" not in name}
expected = files("lms", "lms/") | files("migrations", "lms/migrations/")
missing, extra = sorted(expected - names), sorted(names - expected)
assert not missing and not extra, f"missing from the wheel: {missing}\nnot part of the package: {extra}"
kinds = {"templates": "/templates/", "static files": "/static/", "fonts": "/fonts/", "migrations": "lms/migrations/"}
print(f"{len(names)} files:", ", ".join(f"{sum(key in n for n in names)} {kind}" for kind, key in kinds.items()))
EOF

step "a clean virtual environment with the wheel and its dependencies"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check "$WHEEL" 2>&1 | { grep -v "^WARNING: Location" || true; }

step "a host site of its own, the LMS mounted under /learn"
mkdir "$WORK/host"
cat >"$WORK/host/host.py" <<'EOF'
import os

from flask import Flask

from lms import LMS

app = Flask(__name__)
app.config.update(SECRET_KEY="wheel-check", LMS_DATABASE_URL=os.environ["HOST_DATABASE_URL"])


@app.get("/")
def home():
    return "The host's own home page"


LMS(app, url_prefix="/learn")
EOF
cd "$WORK/host"  # nothing from the checkout on the path: the LMS comes from the wheel
unset PYTHONPATH
export FLASK_APP=host LMS_CONTENT_DIR=$REPO HOST_DATABASE_URL="sqlite:///$WORK/host/host.sqlite3"
export LMS_KEYS_DIR=$WORK/host/keys
export LMS_BASE_URL=http://localhost  # production mode needs the site's address: the test client's host

step "flask db upgrade"
"$WORK/venv/bin/flask" db upgrade

step "flask lms sync"
"$WORK/venv/bin/flask" lms sync

step "the host's page and a lesson under /learn"
"$WORK/venv/bin/python" - "$WORK/venv" "$REPO" <<'EOF'
import sys
from pathlib import Path

import yaml
from markupsafe import escape

import lms
from host import app

venv, repo = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
print("lms imported from", lms.__file__)
assert Path(lms.__file__).resolve().is_relative_to(venv), "lms is imported from outside the clean environment"
assert not Path(lms.__file__).resolve().is_relative_to(repo), "lms is imported from the checkout"


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])


def slug(path: Path, meta: dict) -> str:
    return meta.get("id") or path.stem.split("-", 1)[1]


# The free preview: the first lesson of the first module of a course, open to visitors.
course = sorted((repo / "courses").glob("*/course.md"))[0].parent
module = sorted(p for p in course.iterdir() if p.is_dir() and (p / "module.md").is_file())[0]
lesson = sorted(p for p in module.glob("[0-9]*.md"))[0]
meta = front(lesson)
url = f"/learn/courses/{front(course / 'course.md').get('id') or course.name}/{slug(lesson, meta)}"

client = app.test_client()
home = client.get("/")
assert home.status_code == 200 and home.get_data(as_text=True) == "The host's own home page", home.status_code
page = client.get(url)
text = page.get_data(as_text=True)
assert page.status_code == 200, f"{url}: {page.status_code}"
assert str(escape(meta["title"])) in text, f"{url}: the title {meta['title']!r} is not on the page"
print(f"GET / 200; GET {url} 200 with {meta['title']!r}")
for path in ("/learn/", "/learn/lms/static/lms.css", "/learn/certificates/static/certificates.css"):
    answer = client.get(path)
    assert answer.status_code == 200, f"{path}: {answer.status_code}"
    answer.close()
    print(f"GET {path} 200")
EOF

step "done"
