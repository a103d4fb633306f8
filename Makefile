# Industry Brain — the two commands: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test setup assets browser-deps java-deps serve migrate lint messages benchmark clean deploy-check soak

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

src/industry_brain/static/vendor/.built: node_modules/.package-lock.json scripts/copy_assets.js
	npm run --silent build
	touch $@

setup: $(VENV)/.installed src/industry_brain/static/vendor/.built
	$(PY) scripts/compile_messages.py >/dev/null

assets: src/industry_brain/static/vendor/.built

migrate: setup
	$(PY) manage.py migrate --noinput -v0

# 1) Set up and run the platform on the embedded default (SQLite, demo data, logins printed).
demo: migrate
	$(PY) manage.py seed_demo --if-empty
	@echo "Industry Brain: http://127.0.0.1:$(PORT)/  (synthetic demo data)"
	DEBUG=0 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0 \
		$(PY) manage.py runserver --nostatic 127.0.0.1:$(PORT)

# Debian's Chromium and CJK fonts for the browser tests (never a downloaded browser).
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; fi; \
	fi

# Java 17 for the PySpark tests of economic monitoring (Spark 4 needs 17), from Debian's packages.
java-deps:
	@if ! java -version 2>&1 | grep -q 'version "17'; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; fi; \
	fi

# 2) Set up and run the whole suite: SQLite always, PostgreSQL too when DATABASE_URL names one.
test: setup browser-deps java-deps
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(PY) scripts/check_messages.py
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(VENV)/bin/pytest -n 2 -q
	@if [ -n "$$DATABASE_URL" ]; then echo "== test suite on $${DATABASE_URL%%://*} =="; $(VENV)/bin/pytest -n 2 -q; fi

messages: setup
	$(PY) scripts/compile_messages.py

benchmark: setup  # the harness migrates and seeds its own database (benchmarks/README.md)
	$(PY) benchmarks/run.py

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks scripts

# The production stack on this machine: gunicorn + Celery worker + beat against PostgreSQL and Redis, over HTTP
# on 127.0.0.1; everything started is stopped again (docs/deployment.md).
deploy-check: setup
	scripts/deploy_check_services.sh
	$(PY) scripts/deploy_check.py

# A bounded load run against gunicorn + PostgreSQL on loopback (SOAK_SECONDS, SOAK_RATE); results in
# benchmarks/RESULTS-soak.md.
SOAK_SECONDS ?= 600
SOAK_RATE ?= 50
soak: setup
	scripts/deploy_check_services.sh
	$(PY) benchmarks/soak.py --seconds $(SOAK_SECONDS) --rate $(SOAK_RATE) --output benchmarks/RESULTS-soak.md

clean:
	rm -rf $(VENV) node_modules var src/industry_brain/static/vendor
