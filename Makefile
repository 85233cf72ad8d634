# Everything bootstraps itself: a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test test-future lint format bench bench-smoke chaos clean

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

run: $(INSTALLED)  ## migrate the embedded SQLite database (or PAPERWORK_DATABASE_URL) and serve on :8006
	$(BIN)/paperwork db upgrade
	$(BIN)/paperwork serve --no-migrate

test: $(INSTALLED)  ## the whole suite (PostgreSQL tests too when PAPERWORK_TEST_DATABASE_URL is set)
	$(BIN)/pytest $(PYTEST_ARGS)

# SQLite only (the PostgreSQL server keeps the real time); needs Debian's faketime.
test-future: $(INSTALLED)  ## the suite with the date two years ahead: no test may depend on the real date
	CI= PAPERWORK_TEST_DATABASE_URL= faketime -f '+730d' $(BIN)/python tests/in_the_future.py $(PYTEST_ARGS)

bench: $(INSTALLED)  ## benchmark at 100,000 programs on the local PostgreSQL (bench/README.md); BENCH_ARGS="--programs 1000000"
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-smoke: $(INSTALLED)  ## 2,000 programs, 2 s per target: proves the harness works
	$(BIN)/python -m bench --smoke

# Needs PostgreSQL 15's server binaries, redis-server and nginx (Debian packages; .ci/run
# installs them). Starts and deletes everything it uses; results in chaos/results/.
chaos: $(INSTALLED)  ## the fault suite (chaos/README.md): 10-minute soak; CHAOS_ARGS="--soak 60 --only 1,3"
	$(BIN)/python -m chaos $(CHAOS_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check src tests bench chaos
	$(BIN)/ruff format --check src tests bench chaos
	$(BIN)/mypy

format: $(INSTALLED)
	$(BIN)/ruff check --fix src tests bench chaos
	$(BIN)/ruff format src tests bench chaos

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
