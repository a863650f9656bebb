# RSU citizen portal. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PYBABEL := $(VENV)/bin/pybabel
TRANSLATIONS := app/translations
# POT can be pointed elsewhere: the translation test extracts into a scratch file.
POT ?= $(TRANSLATIONS)/messages.pot

.DEFAULT_GOAL := help
.PHONY: help setup dev-keys system-packages static-assets run test test-fast fuzz lint translations-extract \
        translations-update translations-compile clean cluster-test

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-22s %s\n", $$1, $$2}'

setup: system-packages $(VENV)/.installed app/static/vendor/.installed static-assets translations-compile dev-keys ## Install everything (safe to run again); no server, no tests

system-packages: ## Install Chromium, fonts and PDF libraries through apt when possible
	@scripts/system-packages.sh

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# A self-signed key pair that signs certificates in development and tests.
# Production sets SIGNING_KEY_FILE and SIGNING_CERT_FILE instead.
dev-keys: $(VENV)/.installed
	@$(PY) scripts/dev_keys.py

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# htmx and axe-core are installed by npm and copied here, never committed.
app/static/vendor/.installed: node_modules/.installed
	mkdir -p app/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js app/static/vendor/htmx.min.js
	cp node_modules/axe-core/axe.min.js app/static/vendor/axe.min.js
	touch $@

# Fingerprinted copies of our static files (css/app-<md5>.css), each with a
# gzip and a brotli copy, and the manifest templates link through
# (app/web/static_assets.py). Generated, never committed; remade when a
# source file changes.
STATIC_SOURCES := $(shell find app/static/css app/static/js app/static/img -type f \
  ! -name '*.gz' ! -name '*.br' ! -regex '.*-[0-9a-f]\{32\}\.[A-Za-z0-9]*' 2>/dev/null)
static-assets: app/static/cache_manifest.json ## Fingerprint and precompress the static files

app/static/cache_manifest.json: $(VENV)/.installed app/static/vendor/.installed $(STATIC_SOURCES)
	$(FLASK) digest clean >/dev/null
	$(FLASK) digest compile >/dev/null

run: setup ## Serve the portal on :8000 and the development identity provider on :8001
	$(FLASK) db upgrade
	$(FLASK) demo seed --households 200 --if-empty
	@scripts/run-dev.sh

test: setup ## Run every test against PostgreSQL (TEST_DATABASE_URL or local 127.0.0.1:5432)
	@$(PY) scripts/ensure_test_database.py
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-fast: setup ## Tests without the browser ones
	@$(PY) scripts/ensure_test_database.py
	$(VENV)/bin/pytest -m "not e2e" $(PYTEST_ARGS)

# make test runs a fixed sample of the fuzz test (FUZZ_EXAMPLES, 1200); this
# draws a new, longer one each time and says how many requests it sent.
fuzz: setup ## Long fuzz run: hostile input on every route as every role (FUZZ_EXAMPLES, default 20000)
	@$(PY) scripts/ensure_test_database.py
	FUZZ_RANDOM=1 FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-20000} $(VENV)/bin/pytest tests/web/test_fuzz.py $(PYTEST_ARGS); \
	  status=$$?; cat test-artifacts/fuzz-summary.txt; exit $$status

# Two portal nodes behind HAProxy in network namespaces, one killed under
# load (tests/cluster/run.py). Needs root; skipped, saying why, without it.
cluster-test: setup ## Several nodes behind HAProxy, one killed under load (root, ~1-2 min)
	@$(PY) scripts/ensure_test_database.py >/dev/null
	$(PY) -m tests.cluster.run $(CLUSTER_ARGS)

lint: setup ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

translations-extract: $(VENV)/.installed ## Regenerate the .pot from the code and templates
	$(PYBABEL) extract -F babel.cfg -k lazy_gettext -k _l -k _n:1,2 \
	  --add-comments=Translators: --no-location --sort-output \
	  --project="RSU portal" --version=1 --msgid-bugs-address=rsu-portal@example.invalid \
	  -o $(POT) app
	@$(PY) scripts/normalize_pot.py $(POT)

translations-update: translations-extract ## Merge the .pot into the ar and fr catalogs
	$(PYBABEL) update -i $(POT) -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

translations-compile: $(VENV)/.installed ## Compile the catalogs (.mo files are not committed)
	@$(PYBABEL) compile -d $(TRANSLATIONS) 2>&1 | grep -v "^compiling catalog" || true

clean: ## Remove the virtual env, node_modules and generated files
	rm -rf $(VENV) node_modules app/static/vendor instance
