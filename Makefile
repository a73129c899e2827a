# The Makefile only wraps the CLI and pytest; all logic lives in Python.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
OUT ?= output
RUNTIME_PACKAGES := libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk
TEST_PACKAGES := poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui postgresql chromium

SCALE ?= 200
CODE := generator tests tools

.PHONY: forms scan letters verify serve test check bench screenshots templates fonts setup clean

forms: setup
	$(BIN)/python -m generator forms --data $(DATA) --out $(OUT)

# Read scanned paper ballots (SCANS: PDF/TIFF/PNG/JPEG files or folders) into OUT/scan/.
scan: setup
	$(BIN)/python -m generator scan --data $(DATA) --out $(OUT) $(SCANS)

# The clerk's station on http://127.0.0.1:8000/ (HOST=0.0.0.0 to serve the office network).
HOST ?= 127.0.0.1
PORT ?= 8000
serve: setup
	$(BIN)/python -m generator serve --data $(DATA) --out $(OUT) --host $(HOST) --port $(PORT)

letters: setup
	$(BIN)/python -m generator letters --data $(DATA) --out $(OUT)

verify: setup
	$(BIN)/python -m generator verify --data $(DATA) --out $(OUT)

# One test file per worker, a worker per core: a file's fixtures are made once.
test: setup check
	@tools/system-packages.sh $(TEST_PACKAGES)
	$(BIN)/python -m pytest -n auto --dist loadfile

# The station's pages photographed by its browser test, for docs/station.md.
screenshots: setup
	STATION_SCREENSHOTS=docs/images $(BIN)/python -m pytest -q tests/test_station_browser.py

# Lint, formatting, types and the layer contract (pyproject.toml): part of `make test`.
check: setup
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)
	$(BIN)/mypy
	$(BIN)/lint-imports

# Time per secretary and peak memory on the sample and on a generated campaign of SCALE people.
bench: setup
	$(BIN)/python tools/bench.py $(SCALE)

# Rebuild the DOCX templates in generator/templates/docx/ from their builders.
templates: setup
	$(BIN)/python -m generator.documents.docx_builders

setup: $(VENV)/.installed .fonts/.installed

# The open fonts into .fonts/, and the fontconfig mapping of the official names to them
# (.fonts/fonts.conf, ~/.config/fontconfig/conf.d/) that LibreOffice renders the DOCX files with.
fonts: .fonts/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@tools/system-packages.sh $(RUNTIME_PACKAGES)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

.fonts/.installed: tools/fetch_fonts.py generator/config/fonts.yaml generator/render/fontconfig.py \
		$(VENV)/.installed
	$(BIN)/python tools/fetch_fonts.py .fonts
	touch $@

# Keeps .venv, .fonts and the campaign secret; removes only what the commands wrote.
clean:
	rm -rf $(OUT)
