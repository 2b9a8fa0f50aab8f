# The two commands a reader needs:  `make demo`  and  `make test`.
# Every target installs what it needs first (scripts/setup.sh is fast when done).

SHELL := /bin/bash
.DEFAULT_GOAL := help
BIN := .venv/bin

.PHONY: help setup demo test lint format clean distclean neo4j

help:
	@echo "make demo       build the demo network (installs Python deps into .venv)"
	@echo "make test       full setup, then ruff, mypy and pytest (scripts/test.sh)"
	@echo "make setup      full setup: .venv, Debian packages, Cypher linter"
	@echo "make neo4j      run Neo4j 5 + Graph Data Science on bolt://127.0.0.1:7687 (Ctrl-C stops)"
	@echo "make lint       ruff check, ruff format --check, mypy"
	@echo "make format     ruff format + ruff check --fix"
	@echo "make clean      remove caches and build output (keeps .venv)"
	@echo "make distclean  clean, and remove .venv and node_modules too"

setup:
	bash scripts/setup.sh

# The demo needs Python and the page's JavaScript (npm): no apt packages.
demo:
	bash scripts/setup.sh --minimal
	$(BIN)/collabnet demo

test: setup
	bash scripts/test.sh

# Embedded Neo4j Community + GDS from Maven Central (scripts/neo4j/); data in .neo4j/data.
# NEO4J_PORT, NEO4J_PASSWORD (default collabnet-test), NEO4J_DATA: see scripts/neo4j/run.sh.
neo4j:
	bash scripts/neo4j/run.sh

lint:
	bash scripts/setup.sh --minimal
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format:
	bash scripts/setup.sh --minimal
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache out
	find . -path ./.venv -prune -o -path ./scripts/cypher-lint/node_modules -prune -o \
		\( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -print0 | xargs -0 rm -rf

distclean: clean
	rm -rf .venv scripts/cypher-lint/node_modules
