# Two commands matter: `make lab` and `make test`. Both set up .venv/ first when it is
# missing or stale (scripts/bootstrap.py; quick when nothing changed).
VENV   := .venv
ifeq ($(OS),Windows_NT)
# Windows: GNU make run from Git for Windows' shell; a virtual environment keeps its programs in Scripts/.
PYTHON ?= python
PY     := $(VENV)/Scripts/python.exe
ROOT_FLAG :=
else
PYTHON ?= python3
PY     := $(VENV)/bin/python
# JupyterLab refuses to run as root unless told to (containers, CI).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
endif
PYTEST_NB := -n 2 --dist loadscope --nbval --nbval-cell-timeout=600 \
             --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: setup lock test-latest lab test test-fast test-notebooks test-browser lint execute bench student workbook clean

setup:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[0] != 3)' 2>/dev/null || \
	  { echo "setup: no Python 3 at '$(PYTHON)'; install Python 3.11 and run: make PYTHON=python3.11 lab" >&2; exit 1; }
	@$(PYTHON) scripts/bootstrap.py

## re-resolve uv.lock after changing pyproject.toml's [dependency-groups] (the only writer of uv.lock)
lock:
	@$(PYTHON) scripts/bootstrap.py --lock
	@$(MAKE) --no-print-directory setup
	$(PY) scripts/write_environment.py "$$($(PYTHON) scripts/bootstrap.py --uv)"

## drift run: newest release of every dependency in build/latest-venv (not part of `make test`)
test-latest: setup
	$(PY) scripts/test_latest.py

## JupyterLab on the student's own workbook/ (created, or refreshed where untouched, by the sync;
## your edits are never overwritten). Settings from jupyterlab-settings/: no news prompt, and nbgrader's
## instructor tools (installed for the grading test) switched off for students.
lab: setup workbook
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyterlab-settings/config $(PY) -m jupyter lab --notebook-dir=workbook \
		--LabApp.app_settings_dir=$(CURDIR)/jupyterlab-settings $(ROOT_FLAG)

## create or refresh workbook/ from labs/ (what `make lab` does first)
workbook: setup
	$(PY) scripts/workbook.py sync

## every test: lint, unit tests and nbval over labs/, nbval again on other BLAS/SIMD kernels and
## one thread (stored outputs must not depend on the CPU), then the browser suite
test: setup lint
	$(PY) -m pytest $(PYTEST_NB) -m "not browser" tests labs
	$(PY) scripts/perturbed.py $(PY) -m pytest $(PYTEST_NB) labs
	$(PY) -m pytest -m browser tests/browser

## unit tests only (seconds)
test-fast: setup
	$(PY) -m pytest -n 2 -m "not browser" tests

test-notebooks: setup
	$(PY) -m pytest $(PYTEST_NB) labs
	$(PY) scripts/perturbed.py $(PY) -m pytest $(PYTEST_NB) labs

test-browser: setup
	$(PY) -m pytest -m browser tests/browser

lint: setup
	$(PY) -m ruff check utils instructor tests scripts labs hub

## re-execute labs in place (all, or LABS="labs/01_training.ipynb ...")
execute: setup
	$(PY) scripts/execute_labs.py $(LABS)

## per lab: time to first output against a bare kernel, Run All, the longest wait at reading pace,
## kernel-side frame times; BROWSER=1 also times slider moves in Chromium (median, 95th percentile)
bench: setup
	$(PY) scripts/bench.py $(if $(BROWSER),--browser) $(LABS)

## workbook editions (stubs, hints, collapsed solutions) in build/student/, written from scratch
student: setup
	$(PY) scripts/workbook.py student $(LABS)

clean:
	rm -rf $(VENV) build .ruff_cache

.PHONY: site
## the course site in build/site/ (README, "The course site"): each lab's student edition as a web page with its
## stored figures and launch links (Colab, Binder, the class JupyterHub, a download); executes nothing, no network
## once set up (npm installs site/package-lock.json into build/site-node/ the first time)
site: setup
	$(PY) scripts/course_site.py

.PHONY: colab test-colab
## Colab editions of the labs in build/colab/: release editions (no answers) whose first cell installs utils
## from the class repository when it is missing (`make release` writes the same into the class tree's colab/)
colab: setup
	$(PY) scripts/colab_edition.py $(LABS)

## the Colab editions run as Colab runs them (not part of `make test`): build/colab-venv/ with the
## full tensorflow wheel and the newest NumPy and Keras, utils from the built wheel, empty folders
test-colab: setup
	$(PY) scripts/colab_check.py $(LABS)

.PHONY: memory
## peak resident memory (VmHWM) of each lab's kernel, median of 3 runs (for sizing a JupyterHub)
memory: setup
	$(PY) scripts/kernel_memory.py $(LABS)

.PHONY: course students assignment autograde feedback grades release
## The instructor's route (README, "Grading"), one step each, run from here (nbgrader runs in COURSE):
## course material (COURSE/source/<lab>/, nbgrader_config.py when missing; COURSE_ID sets the course id)
COURSE ?= build/course
course: setup
	$(PY) -m instructor.course source $(COURSE) $(if $(COURSE_ID),--course-id $(COURSE_ID)) $(LABS)
## the class list, once: STUDENTS=file.csv with the columns id,first_name,last_name,email
students: setup
	$(PY) -m instructor.course students $(COURSE) $(STUDENTS)
## the student notebook of LAB (COURSE/release/LAB/)
assignment: setup
	$(PY) -m instructor.course release $(COURSE) $(LAB)
## grade every submission of LAB in COURSE/submitted/ (workbook and Colab notebooks made gradable first)
autograde: setup
	$(PY) -m instructor.course autograde $(COURSE) $(LAB)
## feedback pages of LAB (COURSE/feedback/<student>/LAB/)
feedback: setup
	$(PY) -m instructor.course feedback $(COURSE) $(LAB)
## COURSE/grades.csv: a score, "not submitted" or "could not be graded" per student and lab
grades: setup
	$(PY) -m instructor.course export $(COURSE)

## the student-only tree to push as the class repository: release editions, utils, environment, student README
release: setup
	@test -n "$(DEST)" || { echo "release: say where, for example: make release DEST=../nn-labs-class" >&2; exit 1; }
	$(PY) scripts/release.py $(DEST)

.PHONY: hub-test
## a class on a real JupyterHub on this machine (README, "On a JupyterHub"): HUB_STUDENTS students at once log in,
## spawn, pull the class repository through an nbgitpuller link, run HUB_LAB with answers, hand in through
## nbgrader's exchange; the instructor collects and grades; the idle culler must stop every server. Needs root
## (one system account per student, removed at the end), Linux, node/npm and bubblewrap. Not part of `make test`
## (about 4 min with 6 students on 2 cores, 8 with 12, and it makes system accounts): run it before every release.
HUB_STUDENTS ?= 6
HUB_LAB ?= 03_softmax
HUB_PORT ?= 18000
hub-test: setup
	$(PY) -m hub.hubtest --students $(HUB_STUDENTS) --lab $(HUB_LAB) --port $(HUB_PORT) $(if $(HUB_REPO),--repo $(HUB_REPO))
