# Two commands do everything: `make figures` and `make test`. Both set up .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KERNEL := mfgghg
YEAR ?= 2021
FIG_LANG ?= all
STAMP := $(VENV)/.setup-done
# Silences the debugpy "frozen modules" warning that Python 3.11 kernels print to stderr.
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.DEFAULT_GOAL := help
.PHONY: help setup figures extract translations-needed test test-fast refresh-notebooks lab lock clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'
	@echo "  Variables: YEAR=$(YEAR) (report year, Gregorian or ROC), FIG_LANG=$(FIG_LANG) (zh-TW, en or all), PYTHON=$(PYTHON)"

setup: $(STAMP) ## Create .venv with the pinned stack, install the package, register the kernel

# Re-run set-up only when the pins or the package metadata change (idempotent, quick when done).
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# --no-deps: requirements.txt is the complete resolved set (make lock); one pin, cffconvert, declares an
	# older jsonschema than the set's (see requirements.txt)
	$(PY) -m pip install --disable-pip-version-check --no-deps -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python 3 ($(KERNEL))" >/dev/null
	touch $(STAMP)

figures: $(STAMP) ## Run the pipeline for YEAR: both editions (FIG_LANG=zh-TW or en: one; English in figures/YEAR/en)
	$(PY) -m mfgghg run --year $(YEAR) --lang $(FIG_LANG)

extract: $(STAMP) ## Draft YEAR's raw data from REPORT (text or PDF) into OUT (default data/raw/YEAR), with review.md
	@test -n "$(REPORT)" || { echo "usage: make extract REPORT=path/to/report.pdf YEAR=2022 [OUT=folder] [FORCE=1]"; exit 2; }
	$(PY) -m mfgghg extract "$(REPORT)" --year $(YEAR) --out "$(or $(OUT),data/raw/$(YEAR))" $(if $(FORCE),--force,)

translations-needed: $(STAMP) ## List every text YEAR's English edition shows without English (build/YEAR/translations_needed.csv)
	$(PY) -m mfgghg translations-needed --year $(YEAR)

test: $(STAMP) ## Every test: ruff, package unit tests, pipeline tests and nbval over notebooks/
	$(VENV)/bin/ruff check src tests benchmarks
	$(PY) -m pytest

test-fast: $(STAMP) ## Package unit tests only (no notebooks)
	$(PY) -m pytest tests -p no:nbval -o addopts="-ra"

refresh-notebooks: $(STAMP) ## Re-execute notebooks/ in place so their stored outputs match the data
	$(PY) -m mfgghg refresh-notebooks

lab: $(STAMP) ## Open JupyterLab on the notebooks (with --allow-root when run as root, which JupyterLab refuses otherwise)
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root,) notebooks/

lock: ## Re-resolve the pinned set from pyproject's dependencies into requirements.txt
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	# jsonschema 4.25+ imports rfc3987-syntax, which builds a Lark grammar at import: 2.4 s in every
	# process that validates a notebook (python-jsonschema/jsonschema#1428)
	.venv-lock/bin/pip install --quiet -e . pytest nbval jupyterlab jupyter_client "selenium<4.52" "jsonschema<4.25" frictionless pdfplumber pykwalify ruff==0.17.6
	# cffconvert (validates CITATION.cff in the tests): its last release declares jsonschema<4, which the
	# notebook stack cannot take; its other requirements (pykwalify, ruamel.yaml, click, requests) are above
	.venv-lock/bin/pip install --quiet --no-deps cffconvert
	.venv-lock/bin/pip freeze --exclude-editable | grep -v -E '^(pip|setuptools|wheel)==' > requirements.txt.new
	rm -rf .venv-lock && mv requirements.txt.new requirements.txt

clean: ## Remove build/ (executed notebooks); keeps data/processed and figures
	rm -rf build
