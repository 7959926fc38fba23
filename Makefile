# OSSIS developer commands.  "make help" lists them; README.md explains
# them.
#
# Everything lives inside the checkout and is git-ignored:
#   .venv/       Python virtualenv (requirements*.txt + this checkout, editable)
#   .web/sao/    the staff web client (tryton-sao from npm), served by trytond
#   .web/axe/    axe-core (npm), the accessibility checks of the portal tests
#   var/         the demo databases and their attachments
#   .cache/      test database caches and test results
#
# Setup steps are guarded by stamp files named after a hash of their inputs,
# so a second "make setup" does nothing, and editing requirements.txt or
# pyproject.toml re-installs.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OSSIS := $(VENV)/bin/ossis
OSSIS_CONF := config/ossis.conf

SAO_VERSION := 8.0.11
SAO_DIR := .web/sao
# The accessibility engine of the portal tests
AXE_VERSION := 4.14.1
AXE_DIR := .web/axe

DEMO_DB ?= demo
DEMO_HOST ?= 127.0.0.1
PORT ?= 8000
# The address of the demo server in links, QR codes and emails (set it when
# DEMO_HOST is 0.0.0.0, to the address that the other machines use)
DEMO_URL ?= http://$(DEMO_HOST):$(PORT)
# The port of the local mail catcher that receives the emails of the demo
MAIL_PORT ?= 1025
DEMO_ADMIN_PASSWORD ?= admin
# A valid NID that no demo applicant has: TEST_NID of src/ossis/demo.py
# (a test checks that they agree)
DEMO_NID := I55312345R

# Extra arguments for pytest, e.g. PYTEST_ARGS=addons/ossis_base
PYTEST_ARGS ?=
# PostgreSQL server for the second test run, e.g.
# OSSIS_TEST_POSTGRESQL=postgresql://postgres@127.0.0.1:5432/
OSSIS_TEST_POSTGRESQL ?=
# Set to run the two backends one after the other instead of side by side
OSSIS_TEST_SERIAL ?=
# Database that the tests create and drop on that server
OSSIS_TEST_DB_NAME ?= test_ossis

hash = $(shell cat $(1) | sha256sum | cut -c1-16)
VENV_STAMP := $(VENV)/.stamp-setup-$(call hash,requirements.txt pyproject.toml)
TEST_STAMP := $(VENV)/.stamp-test-$(call hash,requirements.txt requirements-test.txt pyproject.toml)
# The web client is installed again when its translations or corrections
# change
SAO_INPUTS := scripts/install-sao.sh scripts/sao-po2json.js \
	web/sao/custom.js $(wildcard web/sao/locale/*.po)
SAO_STAMP := $(SAO_DIR)/.stamp-$(SAO_VERSION)-$(call hash,$(SAO_INPUTS))
AXE_STAMP := $(AXE_DIR)/.stamp-$(AXE_VERSION)-$(call hash,scripts/install-axe.sh)

# Test databases with the modules activated are cached (DB_CACHE).  Tryton
# names a cache after the module names only, so the folder is named after
# the content of addons/ and of the pins: any change starts a fresh cache.
# Recursive (=) so that it is computed only by the test targets.
TEST_CACHE_KEY = $(shell { find addons -type f ! -name '*.pyc' \
	! -path '*/__pycache__/*' -print0 | LC_ALL=C sort -z \
	| xargs -0 sha256sum; sha256sum requirements.txt pyproject.toml; } \
	| sha256sum | cut -c1-16)
RESULTS := .cache/test-results

# The demo runs on SQLite in var/db unless TRYTOND_DATABASE_URI says
# otherwise (e.g. postgresql://user@host:5432/).  Its links point to the
# port it serves on, its emails go to the mail catcher of MAIL_PORT.
DEMO_ENV = TRYTOND_DATABASE_URI="$${TRYTOND_DATABASE_URI:-sqlite://}" \
	TRYTOND_DATABASE__PATH=$(CURDIR)/var/db \
	TRYTOND_WEB__ROOT=$(CURDIR)/$(SAO_DIR) \
	TRYTOND_EMAIL__URI=smtp://127.0.0.1:$(MAIL_PORT) \
	TRYTOND_OSSIS_PORTAL__URL='$(DEMO_URL)/$(DEMO_DB)/portal/track' \
	TRYTOND_OSSIS_PORTAL__VERIFY_URL='$(DEMO_URL)/$(DEMO_DB)/portal/verify/{verification_code}' \
	TRYTOND_OSSIS_SEAL__DIRECTORY=$(CURDIR)/var/seal \
	TRYTOND_OSSIS_SEAL__TRUST=$(CURDIR)/var/seal/demo-authority.pem

.PHONY: help setup setup-test chromium demo demo-db test test-sqlite \
	test-postgresql clean distclean

help:
	@echo "OSSIS make targets:"
	@echo "  make setup       .venv with pinned requirements + the web client"
	@echo "  make demo        demo database ($(DEMO_DB)) and server on" \
		"http://$(DEMO_HOST):$(PORT)/"
	@echo "  make demo-db     create/update the demo database only"
	@echo "  make test        all tests on SQLite, and on PostgreSQL when" \
		"OSSIS_TEST_POSTGRESQL is set"
	@echo "  make test PYTEST_ARGS=addons/ossis_base   one module's tests"
	@echo "  make clean       remove test caches;" \
		"make distclean: also .venv, .web and var (demo data)"

# --- setup -----------------------------------------------------------------

setup: $(VENV_STAMP) $(SAO_STAMP)

$(VENV_STAMP):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		2>/dev/null || { echo "ossis: Python 3.11 or later is needed;" \
		"give one with PYTHON=python3.X" >&2; exit 1; }
	@if ! $(PY) -c '' 2>/dev/null; then \
		echo "Creating $(VENV) with $$($(PYTHON) --version)"; \
		rm -rf $(VENV); \
		$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
			echo "ossis: cannot create the virtualenv; on Debian/Ubuntu:" \
			"apt-get install python3-venv" >&2; exit 1; }; \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check \
		-r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(PY) -m pip check --disable-pip-version-check
	@rm -f $(VENV)/.stamp-setup-*
	@touch $@

$(SAO_STAMP): $(SAO_INPUTS)
	scripts/install-sao.sh $(SAO_VERSION) $(SAO_DIR)
	@touch $@

setup-test: setup $(TEST_STAMP) $(AXE_STAMP) chromium

$(AXE_STAMP): scripts/install-axe.sh
	scripts/install-axe.sh $(AXE_VERSION) $(AXE_DIR)
	@rm -f $(AXE_DIR)/.stamp-*
	@touch $@

$(TEST_STAMP): $(VENV_STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check \
		-r requirements-test.txt
	$(PY) -m pip check --disable-pip-version-check
	@rm -f $(VENV)/.stamp-test-*
	@touch $@

# The browser tests drive the Debian chromium through Playwright's
# executable_path; Playwright's own browser download is not used.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing chromium for the browser tests"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq chromium </dev/null; \
	else \
		echo "ossis: /usr/bin/chromium is missing, the browser tests" \
			"need it: sudo apt-get install chromium" >&2; \
		if [ -n "$$CI" ]; then exit 1; fi; \
	fi

# --- demo ------------------------------------------------------------------

var/demo-admin-password:
	@mkdir -p var
	@(umask 077 && printf '%s\n' '$(DEMO_ADMIN_PASSWORD)' > $@)

demo-db: setup var/demo-admin-password
	$(DEMO_ENV) $(OSSIS) -c $(OSSIS_CONF) init -d $(DEMO_DB) \
		--admin-password-file var/demo-admin-password
	$(DEMO_ENV) $(OSSIS) -c $(OSSIS_CONF) demo -d $(DEMO_DB)

demo: demo-db
	@echo
	@echo "OSSIS demo: $(DEMO_URL)/#$(DEMO_DB)  (type the" \
		"database $(DEMO_DB) in the login dialog: the server does not list" \
		"its databases; admin password in var/demo-admin-password;" \
		"Ctrl-C stops the server)"
	@echo "Citizen portal: $(DEMO_URL)/$(DEMO_DB)/portal/"
	@echo "Logins: elbasan.front, elbasan.back, elbasan.head... (password" \
		"ossis-demo); a new citizen: NID $(DEMO_NID)"
	@echo "Emails go to a mail catcher on 127.0.0.1:$(MAIL_PORT), e.g." \
		"python -m aiosmtpd -n -l 127.0.0.1:$(MAIL_PORT); the scheduled" \
		"jobs run every minute"
	@echo
	$(DEMO_ENV) exec $(OSSIS) -c $(OSSIS_CONF) serve -d $(DEMO_DB) --cron \
		--listen $(DEMO_HOST):$(PORT)

# --- tests -----------------------------------------------------------------

# Both backends run even when one fails, so that CI reports both.  With
# PostgreSQL they run side by side (one per core), each into its log, which
# is printed when it ends; OSSIS_TEST_SERIAL=1 runs them one after the other.
test: setup-test
	@if [ -z "$(OSSIS_TEST_POSTGRESQL)" ]; then \
		$(MAKE) --no-print-directory test-sqlite; status=$$?; \
		echo "PostgreSQL: not tested (set OSSIS_TEST_POSTGRESQL," \
			"e.g. postgresql://postgres@127.0.0.1:5432/)"; \
		exit $$status; \
	fi; \
	if [ -n "$(OSSIS_TEST_SERIAL)" ]; then \
		status=0; \
		$(MAKE) --no-print-directory test-sqlite || status=1; \
		$(MAKE) --no-print-directory test-postgresql || status=1; \
		exit $$status; \
	fi; \
	mkdir -p $(RESULTS); \
	echo "== OSSIS tests on SQLite and PostgreSQL side by side" \
		"(logs: $(RESULTS)/sqlite.log, $(RESULTS)/postgresql.log)"; \
	$(MAKE) --no-print-directory test-sqlite \
		>$(RESULTS)/sqlite.log 2>&1 & sqlite=$$!; \
	$(MAKE) --no-print-directory test-postgresql \
		>$(RESULTS)/postgresql.log 2>&1 & postgresql=$$!; \
	status=0; \
	wait $$sqlite || status=1; \
	cat $(RESULTS)/sqlite.log; \
	wait $$postgresql || status=1; \
	cat $(RESULTS)/postgresql.log; \
	exit $$status

# The tests never read a configuration file (TRYTOND_CONFIG is dropped, so
# that one pointing at a real database cannot be used by mistake); the
# backend is given by TRYTOND_DATABASE_URI and DB_NAME.  pytest exits with 5
# when it collected no test: that is a failure too.
define run_pytest
	mkdir -p $(RESULTS) .cache/data; \
	rm -f $(RESULTS)/$(1).xml; \
	echo "== OSSIS tests on $(1)"; \
	env -u TRYTOND_CONFIG TRYTOND_DATABASE__PATH=$(CURDIR)/.cache/data \
		$(PY) -m pytest --junitxml=$(RESULTS)/$(1).xml $(PYTEST_ARGS); \
	status=$$?; \
	if [ $$status -eq 5 ]; then \
		echo "ossis: no tests ran on $(1)" >&2; status=1; \
	fi; \
	exit $$status
endef

test-sqlite: setup-test
	@key=$(TEST_CACHE_KEY); \
	mkdir -p .cache/db; \
	find .cache/db -mindepth 1 -maxdepth 1 ! -name "$$key" \
		-exec rm -rf {} +; \
	export TRYTOND_DATABASE_URI=sqlite:// DB_NAME=:memory: \
		DB_CACHE=$(CURDIR)/.cache/db/$$key; \
	$(call run_pytest,sqlite)

# Tryton creates and drops $(OSSIS_TEST_DB_NAME) itself.  The database
# cache is a set of template databases on the server, named ossis-<key>-*
# (conftest.py), copied in a fraction of the time a dump takes to restore;
# those of another key are dropped first.
test-postgresql: setup-test
	@if [ -z "$(OSSIS_TEST_POSTGRESQL)" ]; then \
		echo "ossis: set OSSIS_TEST_POSTGRESQL, e.g." \
			"postgresql://postgres@127.0.0.1:5432/" >&2; exit 1; \
	fi
	@$(PY) -c 'import sys, psycopg; psycopg.connect(sys.argv[1], \
		dbname="template1", connect_timeout=10).close()' \
		'$(OSSIS_TEST_POSTGRESQL)' 2>/dev/null || { \
		echo "ossis: cannot connect to the PostgreSQL server of" \
			"OSSIS_TEST_POSTGRESQL (is it running? does the user exist" \
			"and may it create databases?)" >&2; exit 1; }
	@key=$(TEST_CACHE_KEY); \
	$(PY) scripts/drop-test-templates.py '$(OSSIS_TEST_POSTGRESQL)' "$$key"; \
	export TRYTOND_DATABASE_URI='$(OSSIS_TEST_POSTGRESQL)' \
		DB_NAME=$(OSSIS_TEST_DB_NAME) \
		DB_CACHE='$(OSSIS_TEST_POSTGRESQL)' OSSIS_TEST_CACHE_KEY=$$key; \
	$(call run_pytest,postgresql)

# --- cleaning --------------------------------------------------------------

clean:
	rm -rf .cache

# var/ holds the demo databases: they are rebuilt by "make demo".
distclean: clean
	rm -rf $(VENV) .web var
