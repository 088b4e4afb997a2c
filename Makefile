# 数智 Shuzhi — the two commands a newcomer needs:
#   make run    set up everything and start the server on http://127.0.0.1:8000
#   make test   install the test tools and run ruff and the whole test suite (TEST_WORKERS=2 in parallel)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# pytest-xdist workers for `make test` (0: serial, in one process). Groups: tests/conftest.py.
TEST_WORKERS ?= 2

.PHONY: run test install web webtest browser spark ldap demo lint bench clean help

help:
	@echo "make run    start Shuzhi on http://$(HOST):$(PORT) (builds everything it needs)"
	@echo "make test   run ruff and the test suite"
	@echo "make bench  run the benchmarks"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Shuzhi needs Python 3.11 or newer / 需要 Python 3.11 或更高版本"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed

# The web app is built only when its sources exist (frontend/package.json).
web:
	@if [ -f frontend/package.json ]; then \
		cd frontend && (npm ci --no-audit --no-fund || npm install --no-audit --no-fund) && npm run build; \
	else echo "(no web app sources yet: serving the API only)"; fi

# The web app's unit tests (vitest: chart transforms, pivot subtotals, chart-type fit rules), after `web` installed them.
webtest: web
	@if [ -f frontend/package.json ]; then cd frontend && npm test; fi

# Chromium for the web app's end-to-end tests (Debian packages; no browser downloads). Installed when
# missing and we may (root with apt, as in CI); elsewhere those tests skip and say why.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium and CJK fonts (Debian) for the web tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "(chromium not installed: the web end-to-end tests will be skipped)"; fi

# Spark for the Spark tests (tests/spark_server.py starts a local Spark Connect server): pyspark from PyPI
# (the `spark` extra; Spark 4's wheel carries the Connect server, nothing is downloaded at run time) and a
# Java runtime from Debian when java is missing and we may (root with apt, as in CI); elsewhere without java
# those tests skip and say why.
spark: $(VENV)/.spark-installed
	@if command -v java >/dev/null || [ -x "$$JAVA_HOME/bin/java" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing a Java runtime (Debian openjdk-17-jre-headless) for the Spark tests"; \
		apt-get update -qq && (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			openjdk-17-jre-headless >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends openjdk-21-jre-headless >/dev/null); \
	else echo "(java not installed: the Spark tests will be skipped)"; fi

# OpenLDAP's slapd for the LDAP sign-in tests (tests/fakes/slapd.py starts a throw-away directory): Debian's
# package, installed when missing and we may (root with apt, as in CI); elsewhere those tests skip and say why.
ldap:
	@if [ -x /usr/sbin/slapd ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing OpenLDAP's slapd (Debian) for the LDAP sign-in tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slapd >/dev/null; \
	else echo "(slapd not installed: the LDAP sign-in tests will be skipped)"; fi

$(VENV)/.spark-installed: pyproject.toml | $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	@touch $@

demo: install
	$(BIN)/shuzhi demo --if-missing

run: install web demo
	$(BIN)/shuzhi serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests benchmarks scripts

test: install lint web webtest browser spark ldap
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

bench: install
	$(BIN)/python benchmarks/demo_build.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
