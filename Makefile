# orglearn: `make run` and `make test` set everything up on a fresh machine.
# Override the interpreter with PYTHON=/path/to/python3.12 (Python >= 3.12 is required).

VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed

.PHONY: run test test-fast lint bench clean setup dashboard browser

setup: $(STAMP)

# The versions in requirements.lock (with hashes) are the ones that made the committed results;
# pyproject.toml keeps the ranges for installing orglearn into an environment of your own.
$(STAMP): pyproject.toml requirements.lock scripts/find-python
	@interp=$$(./scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	  echo "creating $(VENV) with $$interp"; rm -rf $(VENV); $$interp -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install -q --disable-pip-version-check uv==0.13.9 \
	  && $(VENV)/bin/uv pip install -q --compile-bytecode --python $(PY) --require-hashes \
	       -r requirements.lock \
	  && $(VENV)/bin/uv pip install -q --compile-bytecode --python $(PY) --no-deps -e . \
	  || { $(PY) -m pip install -q --disable-pip-version-check --require-hashes \
	         -r requirements.lock \
	       && $(PY) -m pip install -q --disable-pip-version-check --no-deps -e .; }
	@touch $(STAMP)

# The default comparison, into results/compare-default/ (not committed: the committed reference
# is results/default/, see results/README.md); running it again rewrites the same folder.
run: $(STAMP)
	$(VENV)/bin/orglearn compare scenarios/default.toml --replications 20

# The leaders' dashboard on http://127.0.0.1:8765/ (Ctrl-C stops it). For a client's
# organisation: make dashboard SCENARIO=scenarios/client-example.toml; a results folder:
# make dashboard RESULTS=results/default.
dashboard: $(STAMP)
	$(VENV)/bin/orglearn dashboard $(SCENARIO) $(if $(RESULTS),--results $(RESULTS))

# Debian's chromium for the browser tests, installed where it is missing.
browser:
	@./scripts/ensure-chromium

# The whole suite (about 5 minutes on 2 cores, browser tests included); test-fast leaves out the tests marked slow.
test: $(STAMP) browser
	$(PY) -m pytest -n 2 --dist loadfile -p no:cacheprovider

test-fast: $(STAMP) browser
	$(PY) -m pytest -n 2 --dist loadfile -p no:cacheprovider -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check sim tests benchmarks scripts

bench: $(STAMP)
	$(PY) benchmarks/bench_performance.py
	$(PY) benchmarks/bench_landscape.py
	$(PY) benchmarks/bench_chart.py
	$(PY) benchmarks/bench_memory.py
	$(PY) benchmarks/bench_dashboard.py --browser

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
