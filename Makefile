# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The second test run uses PostgreSQL: TEST_DATABASE_URL, or the local server when it answers.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run serve test lint format install clean bench-search bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py create_local_editor
	@echo "Serving on http://$(HOST):$(PORT)/ (admin at http://$(HOST):$(PORT)/admin/)"
	$(BIN)/gunicorn config.wsgi --config config/gunicorn.conf.py --bind $(HOST):$(PORT)

# Production mode: no demo content, no local account; settings from the environment.
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn config.wsgi --config config/gunicorn.conf.py

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	DATABASE_URL=sqlite:///db.sqlite3 $(BIN)/pytest
	@if $(BIN)/python -m tests.postgres_available "$(TEST_DATABASE_URL)"; then \
		echo "Running the suite again on PostgreSQL ($(TEST_DATABASE_URL))"; \
		DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/pytest; \
	else \
		echo "PostgreSQL not reachable at $(TEST_DATABASE_URL): skipped the PostgreSQL run"; \
	fi

# Search latency at 10,000 and 100,000 synthetic posts, SQLite and PostgreSQL (long: it
# generates the posts once and keeps them in bench/.data and bench_search_* databases).
bench-search: install
	$(BIN)/python bench/search_bench.py

.PHONY: screenshots lighthouse
# PNGs for the README in docs/screenshots/, taken in Debian's chromium (apt-get install chromium).
screenshots: install
	$(BIN)/python docs/screenshots.py

# Lighthouse 12 scores of the home and a post page, phone and desktop (needs chromium and npm).
lighthouse: install
	$(BIN)/python bench/lighthouse.py

# Every public page against a minimal Django view (the ceiling) under wrk, page cache off and
# on, at 1,000, 10,000 and 100,000 posts on SQLite and PostgreSQL (long: generating 100,000
# posts takes a quarter of an hour per engine). A quicker run:
#   make bench BENCH_ARGS="--sizes 1000 10000 --duration 5"
bench: install
	$(BIN)/python bench/site_bench.py $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .cache *.egg-info
