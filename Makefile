# Two commands on a fresh machine with Python 3.11+: `make demo` and `make test`.
# Both create the virtual environment .venv first (no global installs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint check contract clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/reportgen build dashboards/twistlock-overview.yaml --out out
	@echo "Open out/twistlock-overview.html in a browser."

lint: $(STAMP)
	$(BIN)/ruff check reportgen tests benchmarks
	$(BIN)/ruff format --check reportgen tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -n auto --dist loadgroup

contract: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" ../shared/bin/contract-check

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
