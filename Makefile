# Airflux: the two commands a newcomer needs are `make run` and `make test`.
# Everything is installed into .venv from the pinned requirements.txt; nothing by hand.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test venv lint typecheck bench lock clean

venv: $(STAMP)

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Airflux needs Python 3.11 (set PYTHON=/path/to/python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@# include/ holds the engine (airflux) and the API emulator (kubesim): make them importable everywhere.
	@echo "$(CURDIR)/include" > $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/airflux-include.pth
	@touch $(STAMP)

run: venv
	$(BIN)/python scripts/devstack.py

test: venv
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check include dags plugins tests bench

typecheck: venv
	$(BIN)/mypy

bench: venv
	@for b in bench/*_bench.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Re-resolve requirements.in into the fully pinned requirements.txt.
lock:
	rm -rf /tmp/airflux-lock && $(PYTHON) -m venv /tmp/airflux-lock
	/tmp/airflux-lock/bin/pip install --quiet -r requirements.in
	(echo "# Every package pinned exactly: the pip freeze of a venv built from requirements.in (Python 3.11)."; \
	 echo "# Regenerate: make lock"; /tmp/airflux-lock/bin/pip freeze | grep -v '^-e') > requirements.txt

clean:
	rm -rf $(VENV) var .airflux
