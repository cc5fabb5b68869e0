# The whole set-up: `make run` serves the product, `make test` proves it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev lint format migrate-check clean bench load bench-seekers

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(FLASK) db upgrade
	$(FLASK) demo seed --if-empty
	@echo ""
	@echo "株洲招聘会服务平台：http://$(HOST):$(PORT)"
	@echo "演示账号（密码均为 recruit-demo-2026）："
	@echo "  admin 系统管理员 · organizer 市级组织者 · liling 醴陵组织者 · employer 用人单位 · viewer 领导查看"
	@echo ""
	RECRUIT_EMBED_SCHEDULER=1 FLASK_RUN_HOST=$(HOST) FLASK_RUN_PORT=$(PORT) $(FLASK) run

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@echo "--- the suite on SQLite"
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest
ifneq ($(strip $(TEST_DATABASE_URL)),)
	@echo "--- the same suite on PostgreSQL: $(TEST_DATABASE_URL)"
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m pytest
endif

# Benchmarks of DESIGN §6 on SQLite and PostgreSQL; appends the figures to bench/README.md.
bench: install-dev
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

# 50 concurrent users on gunicorn (4 workers) + the scheduler on PostgreSQL, loopback only.
load: install-dev
	@command -v wrk >/dev/null || { command -v apt-get >/dev/null && apt-get install -y wrk; }
	$(BIN)/python bench/load.py --record $(LOAD_ARGS)

# The hour a fair opens: 5,000 entries + 3,000 applications via the seekers' API on gunicorn.
bench-seekers: install-dev
	$(BIN)/python bench/seeker_bench.py --record $(SEEKER_BENCH_ARGS)

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
