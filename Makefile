# orglearn: `make run` and `make test` set everything up on a fresh machine.
# Override the interpreter with PYTHON=/path/to/python3.12 (Python >= 3.12 is required).

VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed

.PHONY: run test lint bench clean setup

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/find-python
	@interp=$$(./scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	  echo "creating $(VENV) with $$interp"; rm -rf $(VENV); $$interp -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install -q --disable-pip-version-check uv
	$(VENV)/bin/uv pip install -q --compile-bytecode --python $(PY) -e '.[dev]' \
	  || $(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/orglearn compare scenarios/default.toml --replications 20 --out results/default

test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile -p no:cacheprovider

lint: $(STAMP)
	$(VENV)/bin/ruff check sim tests benchmarks scripts

bench: $(STAMP)
	$(PY) benchmarks/bench_run.py
	$(PY) benchmarks/bench_landscape.py
	$(PY) benchmarks/bench_chart.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
