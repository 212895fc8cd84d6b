# Makefile: the front door of Scoreline. Wraps CMake (build/<name>, Ninja)
# and the scripts in scripts/. `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Ports of the local stack (make run HTTPS_PORT=9443 ...), and build jobs.
HTTPS_PORT ?= 8443
HTTP_PORT ?= 8080
PG_PORT ?= 55432
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
export HTTPS_PORT HTTP_PORT PG_PORT JOBS

# make test LABEL=unit (ctest -L) and extra ctest arguments.
LABEL ?=
CTEST_ARGS ?=
# make test COVERAGE=ON: build/debug with gcov instrumentation (-O0
# --coverage), so `make test`, `make test-faults` and `make coverage-report`
# measure coverage on the one build CI makes for its tests.
COVERAGE ?= OFF

DEBUG_DIR := build/debug
ASAN_DIR := build/asan
COVERAGE_DIR := build/coverage
FUZZ_DIR := build/fuzz
# make test-fuzz FUZZ_SECONDS=10 FUZZ_TARGETS="jwt csv" (tests/fuzz/README.md).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
export FUZZ_SECONDS
FORMAT_DIRS := shared workers sse migrations tests bench

CTEST := ctest --output-on-failure --no-tests=error --parallel $(JOBS)
# C++ sources checked by clang-format (.clang-format at the top of the repo).
# Only folders that exist (find fails on a missing one; a fresh clone may lack some).
FORMAT_FILES = $(if $(wildcard $(FORMAT_DIRS)),find $(wildcard $(FORMAT_DIRS)) \
	-name node_modules -prune -o -type f \( -name '*.cpp' -o -name '*.hpp' \) -print0,true)

.PHONY: help deps build run stop status logs psql test test-faults test-asan test-fuzz coverage coverage-report browser-deps www screenshots format format-check clean bench deb ansible-lint ansible-test

help: ## list the targets
	@echo "Scoreline: make <target>   (ports: HTTPS_PORT=$(HTTPS_PORT) HTTP_PORT=$(HTTP_PORT) PG_PORT=$(PG_PORT))"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  \1\t/' | expand -t 16

deps: ## install missing Debian packages (as root) or name them
	@scripts/install-deps.sh

build: deps www ## release build in build/release
	@scripts/stack.sh build

run: www ## build and start PostgreSQL, scoreline-api and nginx; prints the URL
	@scripts/stack.sh run

stop: ## stop the local stack (data stays in .run/)
	@scripts/stack.sh stop

status: ## show which parts of the local stack are up
	@scripts/stack.sh status

logs: ## follow the logs in .run/logs
	@scripts/stack.sh logs

psql: ## psql on the local database
	@scripts/stack.sh psql

test: deps browser-deps www ## debug build in build/debug (COVERAGE=ON: with gcov), then every ctest test (unit, integration, e2e)
	cmake -S . -B $(DEBUG_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSCORELINE_TEST_ROUTES=ON \
		-DSCORELINE_COVERAGE=$(COVERAGE)
	cmake --build $(DEBUG_DIR) --parallel $(JOBS)
	find $(DEBUG_DIR) -name '*.gcda' -delete
	$(CTEST) --test-dir $(DEBUG_DIR) $(if $(LABEL),-L '$(LABEL)',-LE faults) $(CTEST_ARGS)

test-faults: deps ## the fault suite (label faults) on the build/debug build (COVERAGE as for test): kill -9, SIGTERM, SIGHUP, PostgreSQL restart, nginx reload under load
	cmake -S . -B $(DEBUG_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSCORELINE_TEST_ROUTES=ON \
		-DSCORELINE_COVERAGE=$(COVERAGE)
	cmake --build $(DEBUG_DIR) --parallel $(JOBS)
	$(CTEST) --test-dir $(DEBUG_DIR) -L faults $(CTEST_ARGS)

# test-asan builds the executables of the tests it runs and the three servers
# (tests/CMakeLists.txt: a tests-<label> target per label), not the e2e tests'
# executables it never starts: about half of the tree.
ASAN_TARGETS = $(if $(LABEL),all,tests-unit tests-integration scoreline-api scoreline-migrate scoreline-sse)
test-asan: deps ## ASan+UBSan build in build/asan, then the unit and integration tests
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSCORELINE_SANITIZE=ON \
		-DSCORELINE_TEST_ROUTES=ON
	cmake --build $(ASAN_DIR) --parallel $(JOBS) --target $(ASAN_TARGETS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(CTEST) --test-dir $(ASAN_DIR) -L '$(or $(LABEL),unit|integration)' $(CTEST_ARGS)

coverage: deps browser-deps www ## coverage build in build/coverage (-O0 --coverage), every test but label browser, then the per-folder gates (scripts/coverage.sh)
	cmake -S . -B $(COVERAGE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSCORELINE_COVERAGE=ON \
		-DSCORELINE_TEST_ROUTES=ON
	cmake --build $(COVERAGE_DIR) --parallel $(JOBS)
	find $(COVERAGE_DIR) -name '*.gcda' -delete
	$(CTEST) --test-dir $(COVERAGE_DIR) $(if $(LABEL),-L '$(LABEL)',-LE 'faults|browser') $(CTEST_ARGS)
	scripts/coverage.sh $(COVERAGE_DIR)

coverage-report: ## the per-folder coverage gates (scripts/coverage.sh) on build/debug after make test COVERAGE=ON (and test-faults): CI's coverage step
	scripts/coverage.sh $(DEBUG_DIR)

test-fuzz: deps ## clang libFuzzer build in build/fuzz, then every tests/fuzz target for FUZZ_SECONDS (60) each
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
		-DSCORELINE_FUZZ=ON -DSCORELINE_BUILD_TESTS=OFF
	cmake --build $(FUZZ_DIR) --parallel $(JOBS) --target fuzz
	tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_TARGETS)
# The sqlmap scan (tests/security/sqlmap.sh) on a stack of its own, from the
# Release binaries; SECURITY_TIMEOUT bounds the scan (about 4 minutes on 2 cores).
SECURITY_TIMEOUT ?= 900
.PHONY: test-security
test-security: build ## sqlmap against every route with parameters on its own stack: 0 injectable or it fails (docs/security.md)
	timeout --kill-after=60 $(SECURITY_TIMEOUT) tests/security/sqlmap.sh

browser-deps: ## npm install of playwright-core and axe-core into tests/browser (the browser tests drive Chromium)
	@if [[ ! -d tests/browser/node_modules/playwright-core || ! -d tests/browser/node_modules/axe-core || tests/browser/package.json -nt tests/browser/node_modules ]]; then \
		echo "installing playwright-core and axe-core into tests/browser (npm)"; \
		npm install --prefix tests/browser --no-audit --no-fund --loglevel=error; \
		touch tests/browser/node_modules; \
	fi

# The web UI's vendored files (nginx/vendor-src/package.json pins them; npm
# ci from its lock) and the served copy of docs/openapi.yaml, both gitignored.
WWW_VENDOR := nginx/www/vendor
www: ## vendor swagger-ui-dist into nginx/www/vendor/ and copy docs/openapi.yaml to nginx/www/ (the /api-docs/ page)
	@if [[ ! -d nginx/vendor-src/node_modules/swagger-ui-dist || nginx/vendor-src/package-lock.json -nt nginx/vendor-src/node_modules ]]; then \
		echo "installing swagger-ui-dist into nginx/vendor-src (npm ci)"; \
		npm ci --prefix nginx/vendor-src --no-audit --no-fund --loglevel=error; \
		touch nginx/vendor-src/node_modules; \
	fi
	@mkdir -p $(WWW_VENDOR)/swagger-ui
	@cp -u nginx/vendor-src/node_modules/swagger-ui-dist/{swagger-ui-bundle.js,swagger-ui.css,LICENSE,NOTICE} \
		$(WWW_VENDOR)/swagger-ui/
	@cp -u docs/openapi.yaml nginx/www/openapi.yaml

# Screenshots of every page at 1280 and 390 px (docs/screenshots/, committed and
# linked from README.md): the browser suite with SCREENSHOT_DIR set.
screenshots: deps browser-deps www ## run the browser tests (label browser) and keep their screenshots in docs/screenshots/
	cmake -S . -B $(DEBUG_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSCORELINE_TEST_ROUTES=ON
	cmake --build $(DEBUG_DIR) --parallel $(JOBS)
	mkdir -p docs/screenshots
	SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(CTEST) --test-dir $(DEBUG_DIR) -L browser $(CTEST_ARGS)

format: ## clang-format -i every C++ file
	@$(FORMAT_FILES) | xargs -0 -r clang-format -i
	@echo "formatted: $(FORMAT_DIRS)"

format-check: ## fail when a C++ file is not clang-formatted
	@$(FORMAT_FILES) | xargs -0 -r clang-format --dry-run -Werror || \
		{ echo "format-check: the files above are not clang-formatted; 'make format' fixes them" >&2; exit 1; }
	@echo "format-check: all C++ files under $(FORMAT_DIRS) are formatted"

bench: deps ## run the load scenarios on a dedicated stack (.bench-run/); report in bench/results/ (BENCH_QUICK=1, BENCH_ONLY=, BENCH_DURATION=; bench/README.md)
	@bench/run.sh

# The Debian package (packaging/, docs/deployment.md): the Release build of
# `make build` (build/release: Release, no tests, the same one make run and
# make test-security use), then build/scoreline_VERSION_ARCH.deb, then lintian.
DEB_DIR := build/release
deb: build ## the Release build of make build, then build/scoreline_*.deb (packaging/build-deb.sh) checked by lintian
	@command -v lintian >/dev/null || { echo "deb: lintian is missing: apt-get install lintian" >&2; exit 1; }
	deb="$$(packaging/build-deb.sh $(DEB_DIR) build | tail -n 1)"; \
		lintian --fail-on error "$$deb"; \
		echo "$$deb"

# ansible/: the roles' configuration checks on good and broken files, then
# ansible-lint's production profile, then a syntax check of every playbook
# against both inventories (docs/deployment.md).
ANSIBLE_PLAYBOOKS := site.yml deploy.yml backup.yml restore.yml failover.yml
ansible-lint: ## the roles' validate: checks (tests/ansible/checks_test.sh), ansible-lint --profile production on ansible/, ansible-playbook --syntax-check of every playbook
	tests/ansible/checks_test.sh
	@command -v ansible-lint >/dev/null || { echo "ansible-lint: missing: apt-get install ansible ansible-lint" >&2; exit 1; }
	cd ansible && ansible-lint --profile production
	cd ansible && for inv in inventories/single inventories/production; do \
		for p in $(ANSIBLE_PLAYBOOKS); do \
			ansible-playbook --syntax-check -i $$inv/hosts.yml $$p; \
		done; \
	done

# The converge test (docs/deployment.md, "Converge test"): five Debian 12
# hosts made on this machine (debootstrap root, netns, systemd as PID 1),
# site.yml, smoke, second converge changed=0, restore and failover drills.
# Root only; ANSIBLE_TEST_ARGS="--roles common,postgresql" for one host.
ANSIBLE_TEST_ARGS ?=
ansible-test: deb ## converge test: site.yml on five Debian 12 hosts made here (netns + systemd), smoke, changed=0, restore, deploy-under-load and failover drills (root)
	tests/ansible/converge.sh $(ANSIBLE_TEST_ARGS)

clean: ## remove build/ (the stack's data in .run/ stays; see docs/local-stack.md)
	rm -rf build
