# Two commands do all the set-up on a fresh Debian machine with the Swift toolchain:
#   make run    install what is missing, build, run the main job on the built-in default
#   make test   install what is missing, run the test suite, the scenario regression check
#               (buig check against goldens/) and the format check
SHELL := /bin/bash
DEB_PACKAGES := libopenblas-dev liblapack-dev pkg-config python3
PY_PACKAGES := jsonschema
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

# Python packages for the tests only (an independent JSON Schema validator), when missing.
pydeps: deps
	@python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install --quiet $(PY_PACKAGES)

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
