# The kit's single entry point. `make lab` and `make test` are the README's two commands.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FIRST_NOTEBOOK := $(firstword $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb)))
PYTEST_ARGS ?=
LAB_ARGS ?=
# make notebooks NOTEBOOKS=07-*.ipynb regenerates only those.
NOTEBOOKS ?= [0-9][0-9]-*.ipynb

# make test-fast checks the notebooks that differ from this branch (committed or not), or NOTEBOOKS=07-*.ipynb.
FAST_BASE ?= main
ifeq ($(origin NOTEBOOKS),file)
FAST_NOTEBOOKS = $(wildcard $(sort $(filter notebooks/%.ipynb,$(shell git diff --name-only $(FAST_BASE) -- notebooks \
  2>/dev/null; git ls-files --others --exclude-standard notebooks 2>/dev/null))))
else
FAST_NOTEBOOKS = $(wildcard $(addprefix notebooks/,$(NOTEBOOKS)))
endif
# What make test runs in one go: two workers, each notebook (nbval's cells and its re-run) and each test file on one.
PYTEST := $(PY) -m pytest -n 2 --dist loadfile

.PHONY: lock lab test test-fast setup notebooks images graphviz chromium clean bench site site-js

# Install (or reinstall, when the lock changes) the kit and the exact versions in requirements.lock: the versions
# the notebooks' stored outputs were made with, so that a fresh clone on any later day installs what passed
# (tests/test_environment.py fails when the installed versions and the lock disagree). uv (from PyPI, pinned)
# installs them from its cache (~/.cache/uv, filled by the first install on a machine) in seconds where pip
# takes a minute; where uv cannot be had, pip installs the same lock. Both compile the packages' bytecode (uv
# only when asked): every Django process the kit starts runs with PYTHONDONTWRITEBYTECODE, so that a sandbox
# gets no __pycache__ folders, and without compiled packages each would compile Django anew (0.8 s of CPU for a
# start of manage.py instead of 0.3 s).
UV_VERSION := 0.13.10
$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
	  { echo "djmig needs Python 3.10 or newer; run 'make PYTHON=python3.11 ...' with one that is"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "could not create a virtual environment: on Debian/Ubuntu run 'sudo apt-get install python3-venv'"; exit 1; }
	{ $(PY) -m pip install --quiet uv==$(UV_VERSION) && \
	  $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) -r requirements.lock && \
	  $(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .; } || \
	  { $(PY) -m pip install --quiet -r requirements.lock && $(PY) -m pip install --quiet --no-deps -e .; }
	touch $@

## make lock: move to today's releases: resolve pyproject.toml's ranges anew into requirements.lock, install
## them, and make every notebook's outputs with them (then run make test, and commit the three together).
lock: $(VENV)/.installed
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --universal --upgrade --quiet \
	  --custom-compile-command "make lock" -o requirements.lock
	$(MAKE) notebooks

setup: $(VENV)/.installed graphviz

# Graphviz's dot draws the DAGs; without it the kit shows them as text.
graphviz:
	@$(SHELL) .ci/system-package dot graphviz "migration graphs are shown as text instead of pictures"

# Debian's Chromium runs the real-browser test.
chromium:
	@$(SHELL) .ci/system-package chromium chromium "the real-browser test is skipped"

## make lab: set everything up and open the tutorial in JupyterLab.
# JupyterLab refuses to run as root unless told to (containers, Binder-like machines).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	cd notebooks && ../$(VENV)/bin/jupyter lab $(ALLOW_ROOT) $(LAB_ARGS) $(notdir $(FIRST_NOTEBOOK))

## make site: the notebooks, with their stored outputs and not executed, as a static website in _site/.
# The widget JavaScript (site/package.json, from npm) goes into a git-ignored cache and is copied into the site.
SITE_JS := .cache/site-js
$(SITE_JS)/.installed: site/package.json site/package-lock.json
	@$(SHELL) .ci/system-package npm npm "the site cannot show the stored widgets"
	rm -rf $(SITE_JS) && mkdir -p $(SITE_JS)
	cp site/package.json site/package-lock.json $(SITE_JS)/
	cd $(SITE_JS) && npm ci --no-audit --no-fund --ignore-scripts --silent
	touch $@

site-js: $(SITE_JS)/.installed

site: setup site-js
	$(PY) site/build.py --widgets $(SITE_JS)/node_modules _site

## make test: set everything up and run every test (unit, notebooks with nbval, browser).
test: setup chromium site-js
	$(PYTEST) $(PYTEST_ARGS)

## make test-fast: the quick loop (under 2 minutes on 2 cores): the unit tests, without the browser tests and the real
## project (Wagtail) corpus, and nbval with the re-run check for the notebooks that differ from main only
## (FAST_BASE=branch to compare with another; NOTEBOOKS=07-*.ipynb to choose them). make test runs everything.
test-fast: setup
	@echo "notebooks checked: $(or $(FAST_NOTEBOOKS),none (none differs from $(FAST_BASE)))"
	$(PYTEST) -m "nbval or not (browser or notebook or real_project)" tests $(FAST_NOTEBOOKS) $(PYTEST_ARGS)

## make notebooks: re-execute every notebook and store its outputs (the only way outputs are made).
notebooks: setup images
	rm -rf notebooks/sandboxes
	cd notebooks && for nb in $(NOTEBOOKS); do \
	  ../$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=300 "$$nb" || exit 1; \
	done
	rm -rf notebooks/sandboxes

## make images: redraw the pictures: notebook 00's four pieces, and the README's DAG of the walkthrough (with its
## title and description inside, as the notebooks' DAGs have).
images: setup
	mkdir -p notebooks/images
	dot -Tsvg notebooks/images/four-pieces.dot -o notebooks/images/four-pieces.svg
	cd notebooks && ../$(PY) -c "from pathlib import Path; \
	  from djmig_kernel import replay; \
	  from djmig_kernel.display.jupyter import dag_svg; \
	  dag = replay('sandboxes/images', '05').graph(); \
	  Path('images/walkthrough-dag.svg').write_text(dag_svg(dag))"
	rm -rf notebooks/sandboxes/images

clean:
	rm -rf notebooks/sandboxes .pytest_cache test-artifacts _site .cache/site-build

## make bench: time the kit against Django's own commands on generated projects (prints ratios).
bench: setup
	$(PY) benchmarks/run.py $(BENCH_ARGS)
