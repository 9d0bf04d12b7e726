# One command each on a fresh clone: `make run`, `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# make run keeps its data where the installed `frugalkit` looks for it (FRUGALKIT_HOME, else
# the user data directory), so that the README's commands find the demo's runs afterwards.

.PHONY: run test lint bench serve clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	CMAKE_ARGS="-DLLAVA_BUILD=OFF" $(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/frugalkit demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy src
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/measure_overhead.py
	$(BIN)/python benchmarks/bench_text.py
	$(BIN)/python benchmarks/bench_image_audio.py
	$(BIN)/python benchmarks/web_load.py
	$(BIN)/python benchmarks/jobs_throughput.py
	$(BIN)/python benchmarks/observatory.py
	$(BIN)/python benchmarks/library_demo_eval.py
	$(BIN)/python benchmarks/library_eval.py
	$(BIN)/python benchmarks/library_speed.py
	$(BIN)/python benchmarks/datacenter.py
	$(BIN)/python benchmarks/serve_meter.py
	$(BIN)/python benchmarks/callbacks_overhead.py

serve: $(STAMP)
	$(BIN)/frugalkit serve

clean:
	rm -rf $(VENV) .frugalkit .mypy_cache .ruff_cache .pytest_cache
