# The two commands a fresh clone needs (see README): `make run` and `make test`.
.PHONY: run test test-sqlite test-postgres serve test-cluster bench

PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/portal
DEMO := DJANGO_DEBUG=1

run:
	scripts/bootstrap requirements.txt
	$(DEMO) .venv/bin/python manage.py migrate --noinput -v0
	$(DEMO) .venv/bin/python manage.py load_demo_content
	$(DEMO) .venv/bin/python manage.py runserver 127.0.0.1:$(PORT)

test:
	scripts/bootstrap requirements-test.txt
	scripts/ensure-chromium
	$(MAKE) --no-print-directory test-sqlite test-postgres
	scripts/test-cluster

test-sqlite:
	@echo "== Test suite on SQLite"
	env -u DATABASE_URL .venv/bin/python -m pytest

test-postgres:
	@echo "== Test suite on PostgreSQL ($(POSTGRES_URL))"
	DATABASE_URL=$(POSTGRES_URL) .venv/bin/python -m pytest

# Production serving, the cluster test and the benchmark (README: "Serving in production", "Benchmark").
serve:
	scripts/serve

test-cluster:
	scripts/test-cluster

bench:
	scripts/bench
