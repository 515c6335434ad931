# The two commands: `make run` (set up everything and serve on http://127.0.0.1:8000) and `make test`.
# Everything else here is what those two need, plus a few helpers for development.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
# Debian packages the app needs at run time: Pango for WeasyPrint (PDF), gettext for translations.
# python3-venv is added when the Python in use cannot create a virtual environment.
DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext fonts-dejavu-core

.PHONY: run test install system-deps browser-deps office-deps migrate demo lint complexity format messages check-deploy clean

run: install .env $(MO_FILES)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo --if-empty
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist); PYTEST_ARGS="-n0 …" runs it in one process.
test: install .env $(MO_FILES) browser-deps office-deps
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Installs missing Debian packages when run as root (as on CI); otherwise says what to install.
system-deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	$(PYTHON) -c "import ensurepip, venv" >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installiere Debian-Pakete:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Bitte zuerst installieren: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

# The browser tests drive Debian's Chromium through Playwright (never Playwright's own browser download).
# Installed when run as root (CI); otherwise the browser tests are skipped with a note, except on CI.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installiere Chromium für die Browsertests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Hinweis: ohne /usr/bin/chromium werden die Browsertests übersprungen (sudo apt-get install chromium)."; \
	  fi; \
	fi

# The Excel tests recalculate exported workbooks with LibreOffice (headless, no GUI). Installed when run
# as root (CI); otherwise those tests are skipped with a note, except on CI.
office-deps:
	@if ! command -v soffice >/dev/null && ! command -v libreoffice >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installiere LibreOffice Calc für die Excel-Tests"; \
	    apt-get update -qq; \
	    pkg=libreoffice-calc-nogui; \
	    apt-cache policy $$pkg | grep -q 'Candidate: [0-9]' || pkg=libreoffice-calc; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkg >/dev/null; \
	  else \
	    echo "Hinweis: ohne LibreOffice werden die Neuberechnungstests übersprungen (sudo apt-get install libreoffice-calc-nogui)."; \
	  fi; \
	fi

.env:
	cp .env.example .env

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

migrate: install .env
	$(BIN)/python manage.py migrate --no-input

demo: install .env
	$(BIN)/python manage.py load_demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	@$(MAKE) --no-print-directory complexity

# No function of the app may reach radon's complexity grade E or F (cyclomatic complexity above 30).
complexity: install
	@out=$$($(BIN)/radon cc -n E -s ihk projects measures funding participation); \
	if [ -n "$$out" ]; then echo "Zu komplex (Radon-Note E oder F):"; echo "$$out"; exit 1; fi

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-extract the German source strings; translate the English catalogue, then `make` compiles it.
messages: install
	$(BIN)/python manage.py makemessages -l de -l en --no-obsolete --ignore=.venv --ignore=staticfiles

# The production settings must pass Django's deployment checks.
check-deploy: install
	DEBUG=False SECRET_KEY=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))") \
	  ALLOWED_HOSTS=ihk.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis $(MO_FILES)
