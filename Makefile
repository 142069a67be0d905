# Conductor: the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/11
RUN_ENV := LMS_ENV=development FLASK_APP=lms

.PHONY: translations run test test-sqlite test-postgres install install-test install-bench browser pg-client nginx bench load two-servers replay check wheel-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(VENV)/.installed $(VENV)/.installed-test $@

install-bench: $(VENV)/.installed-bench

## make run: install, migrate, load courses/, create and print demo accounts, serve on 127.0.0.1:5000 (SQLite)
run: install
	$(RUN_ENV) $(BIN)/flask db upgrade
	$(RUN_ENV) $(BIN)/flask lms sync
	$(RUN_ENV) $(BIN)/flask lms demo-accounts
	$(RUN_ENV) $(BIN)/flask run --host 127.0.0.1 --port 5000

## make check: validate courses/ and quizzes/ without loading them
check: install
	$(RUN_ENV) $(BIN)/flask lms check

## make test: install, then the whole suite on SQLite and again on PostgreSQL
test: install-test browser node_modules/axe-core ralph
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: install-test
	$(BIN)/python -m pytest -p no:cacheprovider

test-postgres: install-test pg-client
	LMS_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -p no:cacheprovider

## make ralph: Ralph (ralph-malph), the learning record store the xAPI tests run on loopback, in its own venv
## (its CLI pins a click older than Flask's; its LRS API imports requests without declaring it)
VENV_RALPH ?= .venv-ralph
.PHONY: ralph
ralph: $(VENV_RALPH)/.installed

$(VENV_RALPH)/.installed:
	$(PYTHON) -m venv $(VENV_RALPH)
	$(VENV_RALPH)/bin/pip install --quiet 'ralph-malph[cli,lrs]==5.1.0' 'requests>=2.31'
	touch $@

## make browser: Debian's Chromium for the Playwright tests (Playwright cannot download its own here)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests"; exit 1; fi; }

## make pg-client: pg_dump and pg_restore (Debian's postgresql-client, at least the server's major version) for the backup tests
pg-client:
	@{ command -v pg_dump && command -v pg_restore; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null; \
	  else echo "Install Debian's postgresql-client (sudo apt-get install postgresql-client) for the backup tests"; exit 1; fi; }

## make nginx: Debian's nginx, the load balancer of the two-server run
nginx:
	@{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  else echo "Install Debian's nginx (sudo apt-get install nginx) for the two-server run"; exit 1; fi; }

## axe-core, injected into pages by the accessibility tests (from the npm registry)
node_modules/axe-core: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

## make load: 50 learners complete a course on gunicorn (4 workers), one worker killed mid-run, on PostgreSQL every connection of the database cut mid-run; no 500 after one retry, rows checked
load: install-test
	cd bench && ../$(BIN)/python load.py
	cd bench && ../$(BIN)/python load.py --database $(PG_TEST_URL)

## make two-servers: learners alternate between two gunicorn servers (same keys, one database, Redis) through nginx; rows and credentials checked
two-servers: install-test nginx
	cd bench && ../$(BIN)/python two_servers.py --database $(PG_TEST_URL) --redis $(REDIS_TEST_URL)

## make replay: the hardening findings replayed as an attacker would against gunicorn in production mode (Redis, one trusted proxy), on SQLite then PostgreSQL
replay: install-test
	cd bench && ../$(BIN)/python replay.py --redis $(REDIS_TEST_URL)
	cd bench && ../$(BIN)/python replay.py --database $(PG_TEST_URL) --redis $(REDIS_TEST_URL)

## make wheel-check: build the wheel, install it in a clean virtualenv, mount it in a host app, migrate, sync, open a lesson
wheel-check: install-test
	PYTHON=$(PYTHON) BUILD_PYTHON=$(BIN)/python .ci/wheel_check.sh

## make bench: the benchmarks in bench/, figures printed (wrk and Locust are the load tools)
bench: install-bench
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "Install wrk (sudo apt-get install wrk) for the throughput benchmark"; exit 1; fi; }
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) *.egg-info instance build dist

## make translations: extract the interface's words (lms/translations/messages.pot), update each language's
## catalogue from it, and compile them; translate the new entries in lms/translations/<lang>/LC_MESSAGES/messages.po
translations: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k plural_forms:1,2 --no-location --sort-output \
	  --project Conductor -o lms/translations/messages.pot .
	$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -i lms/translations/messages.pot -d lms/translations
	$(BIN)/pybabel -q compile -d lms/translations
