# The Makefile only wraps the CLI and pytest; all logic lives in Python.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
OUT ?= output
RUNTIME_PACKAGES := libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk
TEST_PACKAGES := poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui

.PHONY: forms letters verify test bench fonts setup clean

forms: setup
	$(BIN)/python -m generator forms --data $(DATA) --out $(OUT)

letters: setup
	$(BIN)/python -m generator letters --data $(DATA) --out $(OUT)

verify: setup
	$(BIN)/python -m generator verify --data $(DATA) --out $(OUT)

test: setup
	@tools/system-packages.sh $(TEST_PACKAGES)
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python tools/bench.py

setup: $(VENV)/.installed .fonts/.installed

fonts: .fonts/.installed

$(VENV)/.installed: requirements.lock
	@tools/system-packages.sh $(RUNTIME_PACKAGES)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	touch $@

.fonts/.installed: tools/fetch_fonts.py $(VENV)/.installed
	$(BIN)/python tools/fetch_fonts.py .fonts
	touch $@

# Keeps .venv, .fonts and the campaign secret; removes only what the commands wrote.
clean:
	rm -rf $(OUT)
