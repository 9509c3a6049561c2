# Two commands: `make run` serves the demo, `make test` runs the suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
FLASK  := $(BIN)/flask --app wsgi

.PHONY: setup run test bench translations-extract translations-compile clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV). On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

translations-compile: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations --statistics

translations-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching -w 100

setup: $(VENV)/.installed translations-compile
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) reindex-search --missing-only

run: setup
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: setup $(VENV)/.installed-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache
