# The README's two commands: `make book` (default-profile pipeline, then the book) and
# `make test`. Both create the virtual environment and install the pinned set if needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PROFILE ?= default
STAMP := $(VENV)/.installed

.PHONY: setup book run bench test test-fast lint lab clean-runs

# torch is installed first, alone and pinned, so no CUDA build is ever pulled; the lock
# is a complete `pip freeze`, so the rest installs with --no-deps exactly as pinned.
$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "torch==$$(grep '^torch==' requirements.lock | cut -d= -f3)"
	$(PY) -m pip install -q --no-deps -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (lipost-book)" >/dev/null
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(PY) -m helpers.pipeline run --profile $(PROFILE)

book: setup
	$(PY) -m helpers.pipeline all --profile $(PROFILE)

# speed figures of this machine for the profile (after `make book`): prints them and
# writes runs/bench/bench.json, which the book's environment appendix shows
bench: setup
	$(PY) -m helpers.pipeline.bench --profile $(PROFILE)

# the browser check of the built book needs Debian's chromium (installed once, if missing)
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "installing Debian's chromium for the browser check"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# ruff, the layering contracts (pyproject.toml: parts above the shared machinery, no part
# importing another, no cycle inside a part), then the tests
test: setup browser
	$(PY) -m ruff check src tests
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

test-fast: setup
	$(PY) -m pytest -m "not slow"

lint: setup
	$(PY) -m ruff check src tests
	$(VENV)/bin/lint-imports

# JupyterLab on the book's kernel, from the repository root: a chapter run top to bottom
# writes under runs/dev/<part>/ of the repository, as papermill's runs write under runs/<profile>/
lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=.

clean-runs:
	rm -rf runs
