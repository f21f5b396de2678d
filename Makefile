# Dromen.Doen: `make run` to try it, `make test` to test it. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint format messages bench bench-sortition vendor clean audit licences lock \
	system-packages-run system-packages-test

# Stop early, with a clear message, when Python 3.12+ is not there.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

# pip itself, the same as the Dockerfile's PIP_VERSION: an older pip (Python 3.12's bundled 23.2)
# refuses a hashed lock in which a package asks for another's extra (fonttools[woff]).
PIP_VERSION := 26.3
# How many pinned packages the install brings, for its progress line.
PINS = $(shell grep -c '^[A-Za-z0-9]' requirements-dev.lock)
# Where make test writes pytest's JUnit report, read back by scripts/test_summary.py.
JUNIT_XML := $(or $(TEST_OUTPUT_DIR),var)/test-results.xml

$(STAMP): requirements-dev.lock
	@if [ -z "$(PYTHON)" ]; then \
		echo ""; \
		echo "Dromen.Doen needs Python 3.12 or newer, and none was found."; \
		echo "Install it (for example with pyenv: 'pyenv install 3.12') and run this command again."; \
		echo ""; exit 1; \
	fi
	@test -x $(PY) || { echo "Creating the virtualenv in $(VENV) ($$($(PYTHON) --version))…"; $(PYTHON) -m venv $(VENV); }
	@echo "Installing $(PINS) Python packages from requirements-dev.lock, about 2 minutes the first time…"
	@start=$$(date +%s); \
		$(PY) -m pip install --quiet --disable-pip-version-check "pip==$(PIP_VERSION)" && \
		$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock && \
		echo "Python packages installed in $$(( $$(date +%s) - start )) s."
	@touch $(STAMP)

install: $(STAMP)

# System packages first (scripts/system-packages.sh): installed when root, otherwise the one
# command to run, before two minutes go into the Python install.
system-packages-run:
	@scripts/system-packages.sh run

system-packages-test:
	@scripts/system-packages.sh test

run: system-packages-run $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data
	@echo "Dromen.Doen runs at http://127.0.0.1:8000 (mailbox: http://127.0.0.1:8000/dev/mailbox/)"
	$(PY) manage.py runserver 127.0.0.1:8000

# pytest's exit status is make's; the summary of what did not run comes after its last line.
test: system-packages-test $(STAMP)
	@mkdir -p $(dir $(JUNIT_XML)) && rm -f $(JUNIT_XML)
	@status=0; $(PY) -m pytest --junitxml=$(JUNIT_XML) $(PYTEST_ARGS) || status=$$?; \
		echo ""; $(PY) scripts/test_summary.py $(JUNIT_XML); exit $$status

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Known vulnerabilities in requirements.lock (pip-audit) and high-severity findings in our code
# (bandit). Says loudly, without failing, when no vulnerability service can be reached.
audit: $(STAMP)
	$(PY) scripts/audit.py

# Every installed dependency's licence against the project's (AGPL-3.0-or-later).
licences: $(STAMP)
	$(PY) scripts/licences.py

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(STAMP)
	$(PY) manage.py makemessages -l nl --ignore=.venv --ignore=static/vendor --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

# The scale benchmark: figures at 1,000 and 100,000 dreams (BENCH_ARGS=--million: and
# 1,000,000), capacity under an open-loop load test and mail throughput, into BENCHMARKS.md
# (README, Benchmark). Needs PostgreSQL and Redis databases of its own.
bench: $(STAMP)
	@if [ -z "$$DATABASE_URL" ] || [ -z "$$REDIS_URL" ]; then \
		echo "make bench needs a PostgreSQL database and a Redis database of its own, e.g.:"; \
		echo "  psql -h 127.0.0.1 -U postgres -c 'create database dromen_bench'"; \
		echo "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/dromen_bench \\"; \
		echo "  REDIS_URL=redis://127.0.0.1:6379/15 make bench"; \
		exit 1; \
	fi
	export DJANGO_DEBUG=0 MAILBOX_ENABLED=1 DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-bench-only-not-secret}" && \
		$(PY) manage.py migrate --noinput -v0 && \
		$(PY) manage.py bench $(BENCH_ARGS)

# The panel selection benchmark (issue 18): maximin against the greedy legacy method, 20 from
# 200 and 100 from 1,000, into BENCHMARKS.md ("Panel selection"). No database needed; about
# 25 minutes on 2 cores. BENCH_SORTITION_ARGS="--sizes 200:20 --no-write" for a quick look.
bench-sortition: $(STAMP)
	$(PY) -m bench.sortition $(BENCH_SORTITION_ARGS)

# Two lock files with hashes: requirements.lock is what production runs (the image installs only
# this one); requirements-dev.lock adds the test and lint tools on top, at the same versions.
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.12 \
		--custom-compile-command "make lock" -q -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.12 \
		--custom-compile-command "make lock" -q -c requirements.lock -o requirements-dev.lock

vendor:
	./scripts/vendor.sh

clean:
	rm -rf $(VENV) var db.sqlite3
