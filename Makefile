# Two commands do all the set-up on a fresh Debian machine with the Swift toolchain:
#   make run    install what is missing, build, run the main job on the built-in default
#   make test   install what is missing, run the test suite, the scenario regression check
#               (buig check against goldens/), the format check, and the HTML report and the
#               what-if page of buig serve checked in headless Chromium (make browser-test,
#               Tests/browser/README.md); curl is the HTTP client of the buig serve tests
SHELL := /bin/bash
DEB_PACKAGES := libopenblas-dev liblapack-dev pkg-config zlib1g-dev python3 curl
# For make browser-test only: a real browser, its WebDriver, pdftotext and a font; Selenium and Pillow.
BROWSER_DEB_PACKAGES := chromium chromium-driver poppler-utils fonts-dejavu-core
BROWSER_PY_PACKAGES := selenium Pillow
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps pydeps browser-deps browser-test build run test lint format

# Debian packages, installed only when `dpkg -s` says they are missing.
deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Python packages for the tests only (an independent JSON Schema validator and xlsx reader;
# Selenium and Pillow for the browser check), each when missing.
pydeps: deps
	@python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install --quiet jsonschema
	@python3 -c 'import openpyxl' 2>/dev/null || python3 -m pip install --quiet openpyxl
	@python3 -c 'import selenium, PIL' 2>/dev/null || python3 -m pip install --quiet $(BROWSER_PY_PACKAGES)

# Debian's Chromium, its chromedriver, poppler's pdftotext and DejaVu fonts, only when `dpkg -s` says they are
# missing (about 425 MiB once installed; Tests/browser/README.md has the timings).
browser-deps: pydeps
	@missing=""; \
	for p in $(BROWSER_DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	swift build -c release --product buig

run: build
	.build/release/buig

test: pydeps
	swift build --build-tests
	swift test
	.build/debug/buig check scenarios --junit .build/check-junit.xml
	$(MAKE) browser-test
	$(MAKE) lint

# The HTML report in headless Chromium (Tests/browser/check_report.py): no network request, the
# first screen and every chart drawn, printed to A4 PDF with the CSS page numbers. The fixture
# page is the check's own self-test and always runs; the real report is checked as soon as
# `buig report` exists, and until then the run says that it was skipped.
BROWSER_OUT := .build/browser
browser-test: browser-deps
	swift build --product buig
	rm -rf $(BROWSER_OUT) && mkdir -p $(BROWSER_OUT)/fixture $(BROWSER_OUT)/report $(BROWSER_OUT)/report-en
	python3 Tests/browser/check_report.py Tests/browser/fixture-report.html $(BROWSER_OUT)/fixture
	@echo "check_report.py on a broken page, which must fail every check:"; \
	python3 Tests/browser/check_report.py Tests/browser/fixture-broken-report.html $(BROWSER_OUT)/broken \
	  > $(BROWSER_OUT)/broken.log; rc=$$?; \
	for expected in 'CSS url(http' '<img src="https' 'network request attempted' 'request failed in the browser' \
	  'first screen looks blank' 'chart-empty: its' 'chart-zero: size' 'chart-outside: at' \
	  "chart-unlabelled: role" 'chart-unlabelled: no <title>' 'chart-unlabelled: no <desc>' \
	  'not A4' 'page number pattern' "page label '1 / 1'"; do \
	  grep -qF -- "$$expected" $(BROWSER_OUT)/broken.log || { echo "missed: $$expected"; missing=1; }; \
	done; \
	if [ $$rc -ne 1 ] || [ -n "$$missing" ]; then cat $(BROWSER_OUT)/broken.log; echo "exit $$rc"; exit 1; fi; \
	echo "  $$(grep -c '^FAIL:' $(BROWSER_OUT)/broken.log) failures found, as expected"
	.build/debug/buig report scenarios/groningen-2018.json --output $(BROWSER_OUT)/report/report.html --paths 2000 --quiet
	python3 Tests/browser/check_report.py $(BROWSER_OUT)/report/report.html $(BROWSER_OUT)/report
	.build/debug/buig report scenarios/groningen-2018.json --lang en --compare scenarios/groningen-2018-mechanistic.json \
	  --output $(BROWSER_OUT)/report-en/report.html --paths 1000 --quiet
	python3 Tests/browser/check_report.py $(BROWSER_OUT)/report-en/report.html $(BROWSER_OUT)/report-en
	$(MAKE) browser-test-serve

# The what-if page of buig serve in headless Chromium (Tests/browser/check_serve.py): a slider
# moved with the keyboard, the figures on the page against buig run --set of the same change.
.PHONY: browser-test-serve
browser-test-serve: browser-deps
	swift build --product buig
	python3 Tests/browser/check_serve.py .build/debug/buig $(BROWSER_OUT)/serve

lint:
	swift format lint --strict -r Sources Tests Fuzz Package.swift

format:
	swift format -i -r Sources Tests Fuzz Package.swift

# Benchmarks (Benchmarks/README.md): a nested package, so the root package never depends on it.
#   make bench         the full suite in interleaved rounds; writes Benchmarks/results/latest.json
#   make bench-smoke   every benchmark once on tiny sizes, with all its correctness checks
# NumPy (for the NumPy peer) and threadpoolctl (to log NumPy's BLAS kernel) come from pip.
BENCH_PYDEPS = (python3 -c 'import numpy' 2>/dev/null || python3 -m pip install --quiet numpy) && \
  (python3 -c 'import threadpoolctl' 2>/dev/null || python3 -m pip install --quiet threadpoolctl || \
  echo "threadpoolctl not installed: NumPy's BLAS kernel will not be logged")

# The test suite under the address sanitizer (LeakSanitizer included) and then under the thread
# sanitizer, each in its own build folder. Tests/sanitizers/lsan.supp names the leak suppressions
# (test harness and Foundation only) and why; the thread sanitizer needs none, and any report
# fails the run (halt_on_error).
.PHONY: sanitize sanitize-address sanitize-thread
sanitize: sanitize-address sanitize-thread

sanitize-address: pydeps
	swift build --build-tests --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/sanitizers/lsan.supp:print_suppressions=0 \
	  swift test --skip-build --sanitize=address --scratch-path .build-asan

sanitize-thread: pydeps
	swift build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS=halt_on_error=1:abort_on_error=1 \
	  swift test --skip-build --sanitize=thread --scratch-path .build-tsan

# buig plan on a real single-node Slurm (Debian's slurm-wlm and munge, installed when missing),
# started by scripts/slurm-local.sh and stopped at the end: scripts/test-slurm.sh says what it
# checks. Needs root (or sudo) for munged and slurmd.
.PHONY: test-slurm
test-slurm: deps
	swift build --product buig
	scripts/test-slurm.sh .build/debug/buig

# libFuzzer over the JSON reader, the scenario decoder, the rule-file reader and --set
# (scripts/fuzz.sh; Fuzz/Fuzz.swift): FUZZ_SECONDS per target (default 30), or FUZZ_RUNS
# executions each. Crashes land in .build-fuzz/artifacts/ and fail the target.
.PHONY: fuzz
fuzz: deps
	scripts/fuzz.sh

.PHONY: bench bench-smoke
bench: build
	@$(BENCH_PYDEPS)
	swift build -c release --package-path Benchmarks
	Benchmarks/.build/release/buig-bench --root . --wait-quiet 120

# The smoke run checks correctness, not speed: it runs the debug buig (which make test has
# built), so that CI builds the engine in release mode once, for the harness, not twice.
bench-smoke: deps
	@$(BENCH_PYDEPS)
	swift build --product buig
	swift build -c release --package-path Benchmarks
	Benchmarks/.build/release/buig-bench --root . --smoke --buig .build/debug/buig
