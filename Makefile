# Talent Ladder — the README's two commands (`make run`, `make test`) start here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
BENCH_WORKERS ?= 1000000
export FLASK_APP := app

.PHONY: run serve test e2e bench bench-compare lint install install-dev migrate seed clean translations

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

# Production: gunicorn (gunicorn.conf.py) on PostgreSQL and Redis, after migrating. README "Production serving".
serve: install
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make serve: set DATABASE_URL to a PostgreSQL database" \
	  "(make run is the development server)" >&2; exit 2;; esac
	@test -n "$$REDIS_URL" || { echo "make serve: set REDIS_URL (rate limits shared by the workers, the job queue)" >&2; exit 2; }
	$(BIN)/flask db upgrade
	$(BIN)/flask reference load
	exec $(BIN)/gunicorn -c gunicorn.conf.py

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

e2e: install-dev
	$(BIN)/python -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

# Every benchmark on SQLite, and on PostgreSQL too when DATABASE_URL names one. README "Benchmarks".
bench: install-dev
	$(BIN)/python -m benchmarks --workers $(BENCH_WORKERS) $(BENCH_ARGS)

bench-compare: install-dev
	@test -n "$(A)" -a -n "$(B)" || { echo "usage: make bench-compare A=instance/bench-….json B=instance/bench-….json" >&2; exit 2; }
	$(BIN)/python -m benchmarks.compare $(A) $(B)

clean:
	rm -rf $(VENV) instance/*.sqlite3

translations: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -o /tmp/talent-ladder.pot --no-location --sort-output .
	$(BIN)/pybabel update -i /tmp/talent-ladder.pot -d app/translations --no-fuzzy-matching --width 110
	$(BIN)/pybabel compile -d app/translations
