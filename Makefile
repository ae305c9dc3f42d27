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
	$(BIN)/reportgen build dashboards/twistlock-overview.yaml --logs sample --out out
	@echo "Open out/twistlock-overview.html in a browser."

lint: $(STAMP)
	$(BIN)/ruff check reportgen tests benchmarks
	$(BIN)/ruff format --check reportgen tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -n auto --dist loadgroup

# A developer check of the command-line contract, kept outside this repository (../shared).
# It builds without --logs, the zero-config default of a terminal, which CI=... refuses.
contract: $(STAMP)
	@test -x ../shared/bin/contract-check || \
	  { echo "make contract: ../shared/bin/contract-check is not here (it is not part of a clone)"; exit 1; }
	env -u CI PATH="$(CURDIR)/$(BIN):$$PATH" ../shared/bin/contract-check

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
