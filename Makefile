# Two commands do all the set-up on a fresh Debian machine with the Swift toolchain:
#   make run    install what is missing, build, run the main job on the built-in default
#   make test   install what is missing, run the test suite, the scenario regression check
#               (buig check against goldens/) and the format check
SHELL := /bin/bash
DEB_PACKAGES := libopenblas-dev liblapack-dev pkg-config zlib1g-dev python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps pydeps build run test lint format

# Debian packages, installed only when `dpkg -s` says they are missing.
deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Python packages for the tests only (an independent JSON Schema validator and xlsx reader),
# each when missing.
pydeps: deps
	@python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install --quiet jsonschema
	@python3 -c 'import openpyxl' 2>/dev/null || python3 -m pip install --quiet openpyxl

build: deps
	swift build -c release --product buig

run: build
	.build/release/buig

test: pydeps
	swift build --build-tests
	swift test
	.build/debug/buig check scenarios --junit .build/check-junit.xml
	$(MAKE) lint

lint:
	swift format lint --strict -r Sources Tests Package.swift

format:
	swift format -i -r Sources Tests Package.swift

# Benchmarks (Benchmarks/README.md): a nested package, so the root package never depends on it.
#   make bench         the full suite in interleaved rounds; writes Benchmarks/results/latest.json
#   make bench-smoke   every benchmark once on tiny sizes, with all its correctness checks
# NumPy (for the NumPy peer) and threadpoolctl (to log NumPy's BLAS kernel) come from pip.
BENCH_PYDEPS = (python3 -c 'import numpy' 2>/dev/null || python3 -m pip install --quiet numpy) && \
  (python3 -c 'import threadpoolctl' 2>/dev/null || python3 -m pip install --quiet threadpoolctl || \
  echo "threadpoolctl not installed: NumPy's BLAS kernel will not be logged")

.PHONY: bench bench-smoke
bench: build
	@$(BENCH_PYDEPS)
	swift build -c release --package-path Benchmarks
	Benchmarks/.build/release/buig-bench --root . --wait-quiet 120

bench-smoke: build
	@$(BENCH_PYDEPS)
	swift build -c release --package-path Benchmarks
	Benchmarks/.build/release/buig-bench --root . --smoke
