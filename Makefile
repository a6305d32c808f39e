# Talent Ladder — the README's two commands (`make run`, `make test`) start here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
BENCH_WORKERS ?= 1000000
export FLASK_APP := app

.PHONY: run serve test e2e bench bench-compare lint install install-dev migrate seed clean translations lock audit

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Dependencies come from the hashed lock files (`make lock` writes them from pyproject.toml); the project itself
# goes in editable without dependencies, and `pip check` fails loudly if pyproject.toml names one the lock lacks.
$(VENV)/.installed: $(BIN)/activate pyproject.toml requirements.lock
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/pip check
	touch $@

$(VENV)/.installed-dev: $(BIN)/activate pyproject.toml requirements.lock requirements-dev.lock
	$(BIN)/pip install -q --require-hashes -r requirements-dev.lock
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/pip check
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

# Pin every dependency, with hashes: requirements.lock (runtime) and requirements-dev.lock (dev tools, held to the
# runtime pins). Pins already there are kept; LOCK_ARGS=--upgrade (or --upgrade-package NAME) moves them.
LOCK_COMPILE = $(BIN)/pip-compile -q --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock: $(BIN)/activate
	$(BIN)/pip install -q pip-tools
	$(LOCK_COMPILE) --output-file requirements.lock pyproject.toml
	$(LOCK_COMPILE) --extra dev --constraint requirements.lock --output-file requirements-dev.lock pyproject.toml

# Static security scan (bandit, medium severity and up fails) and the dependency audit (pip-audit of the lock files;
# exits 3 when no vulnerability service answers, or only warns with AUDIT_ARGS=--warn-unreachable as CI does here).
audit: install-dev
	$(BIN)/bandit -q -c pyproject.toml -r app credentials ladder --severity-level medium
	$(BIN)/python .ci/dependency-audit.py $(AUDIT_ARGS)

clean:
	rm -rf $(VENV) instance/*.sqlite3

translations: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -o /tmp/talent-ladder.pot --no-location --sort-output .
	$(BIN)/pybabel update -i /tmp/talent-ladder.pot -d app/translations --no-fuzzy-matching --width 110
	$(BIN)/pybabel compile -d app/translations
