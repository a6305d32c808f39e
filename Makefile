# Talent Ladder — the README's two commands (`make run`, `make test`) start here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := app

.PHONY: run test e2e bench lint install install-dev migrate seed clean translations

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/activate pyproject.toml
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed-demo

run: seed
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

e2e: install-dev
	$(BIN)/python -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance/*.sqlite3

translations: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -o /tmp/talent-ladder.pot --no-location --sort-output .
	$(BIN)/pybabel update -i /tmp/talent-ladder.pot -d app/translations --no-fuzzy-matching --width 110
	$(BIN)/pybabel compile -d app/translations
