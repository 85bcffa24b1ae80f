# The two commands a fresh clone needs (see README): `make run` and `make test`.
.PHONY: run test test-sqlite test-postgres test-sqlite-then-cluster serve test-cluster bench

PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/portal
DEMO := DJANGO_DEBUG=1

# `make run` serves the demo on SQLite (db.sqlite3). A DATABASE_URL exported in the shell (production's, a
# test server's) is left out, so the demo is never loaded into it by accident; `make run DATABASE_URL=...`
# serves that database on purpose.
ifeq ($(origin DATABASE_URL),command line)
RUN_ENV := $(DEMO)
else
RUN_ENV := env -u DATABASE_URL $(DEMO)
endif

run:
	scripts/bootstrap requirements.txt
ifeq ($(origin DATABASE_URL),environment)
	@echo "== make run leaves out the DATABASE_URL exported in your shell and uses SQLite (db.sqlite3);"
	@echo "   make run DATABASE_URL=\$$DATABASE_URL would serve that database instead."
endif
	$(RUN_ENV) .venv/bin/python manage.py migrate --noinput -v0
	$(RUN_ENV) .venv/bin/python manage.py load_demo_content
	$(RUN_ENV) .venv/bin/python manage.py serve_demo 127.0.0.1:$(PORT)

# The suite runs on both databases. The browser tests (pages and htmx in Chromium, marked `browser`) run once,
# on PostgreSQL, production's database: what differs between the databases lies below the pages and is tested
# on both. Two lines of work side by side (one per core; each prints its output when it ends): the PostgreSQL
# pass, and the SQLite pass followed by the cluster scenarios (their load figures are left to
# `make test-cluster`, which prints them). About 7 minutes on a 2-core machine (README "Time").
test:
	scripts/bootstrap requirements-test.txt
	scripts/ensure-chromium
	$(MAKE) --no-print-directory -j2 --output-sync=target test-postgres test-sqlite-then-cluster

test-sqlite-then-cluster:
	$(MAKE) --no-print-directory test-sqlite PYTEST_ARGS="-m 'not browser and not cluster'"
	scripts/test-cluster --no-figures

# `make test-sqlite` alone runs everything on SQLite, the browser tests included.
test-sqlite:
	@echo "== Test suite on SQLite"
	env -u DATABASE_URL .venv/bin/python -m pytest $(PYTEST_ARGS)

test-postgres:
	@echo "== Test suite on PostgreSQL ($(POSTGRES_URL))"
	DATABASE_URL=$(POSTGRES_URL) .venv/bin/python -m pytest $(PYTEST_ARGS)

# Production serving, the cluster test and the benchmark (README: "Serving in production", "Benchmark").
serve:
	scripts/serve

test-cluster:
	scripts/test-cluster

bench:
	scripts/bench
