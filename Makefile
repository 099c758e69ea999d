# The two commands of the README:
#   make build   set up .venv and build the package into site/ (database, downloads, docs)
#   make test    set up .venv (with test tools, Debian's chromium and axe-core from npm), run the linter (ruff), then the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: build test lint check serve chromium bench loadtest

# a stock Debian's python3 makes a venv only with python3-venv installed: installed here when it is missing
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

build: $(VENV)/.installed
	$(PY) build.py

check: $(VENV)/.installed
	$(PY) build.py check

serve: $(VENV)/.installed
	$(PY) build.py serve

chromium:  # and curl, which the publish workflow's fetch script runs (its test drives it)
	@command -v chromium >/dev/null && command -v curl >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends chromium curl; }

# axe-core for the browser tests' accessibility check, pinned in package-lock.json (npm, no browser download)
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends npm; }
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

test: $(VENV)/.installed chromium node_modules/.installed lint
	$(PY) -m pytest -q

bench: $(VENV)/.installed
	$(PY) benchmarks/run.py

loadtest: build
	$(PY) benchmarks/loadtest.py --clients 50 --duration 60
