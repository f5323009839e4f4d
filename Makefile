# Kiểm tra — the two commands a newcomer needs:
#   make run    install what is missing, build, and open the app on a demo database
#   make test   install what is missing, build, and run every test (the real app included)
# Works on Debian 12 / Ubuntu 22.04+; installs system packages with apt-get (sudo if not root).

SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export PATH := $(HOME)/.cargo/bin:$(PATH)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
KIEMTRA := $(TARGET_DIR)/debug/kiemtra
APP := $(TARGET_DIR)/debug/kiemtra-app

# Tauri's WebKitGTK build and run-time needs, plus what the end-to-end tests drive it with.
APT_PACKAGES := build-essential pkg-config curl libwebkit2gtk-4.1-dev libgtk-3-dev \
  libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev libayatana-appindicator3-dev \
  xvfb webkit2gtk-driver xauth xdotool chromium nodejs age

.PHONY: run test test-ui deps rust build lint demo-db clean

run: deps build demo-db
	@echo "Cơ sở dữ liệu / database: $$($(KIEMTRA) init --json | sed -n 's/.*"db": "\(.*\)".*/\1/p')"
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then $(APP); \
	else echo "Không có màn hình: chạy trong Xvfb (no display: running under Xvfb)"; \
	  xvfb-run -a -s "-screen 0 1366x768x24" $(APP); fi

test: deps build lint
	$(CARGO) test --workspace --locked
	@# Smoke runs of the benchmarks: small loads, every phase, failing on a wrong result (never on speed).
	$(CARGO) bench -p kiemtra-core --bench sync --locked -- --quick
	$(CARGO) bench -p kiemtra-core --bench search --locked -- --quick
	$(CARGO) bench -p kiemtra-core --bench views --locked -- --quick

deps: rust
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Cài gói hệ thống / installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@command -v tauri-driver >/dev/null || $(CARGO) install tauri-driver --locked

rust:
	@command -v $(CARGO) >/dev/null || { \
	  echo "Cài Rust (rustup) / installing Rust"; \
	  command -v curl >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq curl; }; \
	  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt; }

build:
	$(CARGO) build --workspace --locked

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

# The first run gets the 2023 demo campaign; later runs keep whatever is there.
demo-db:
	@if ! $(KIEMTRA) campaign list --json | grep -q '"id"'; then $(KIEMTRA) demo; fi

clean:
	$(CARGO) clean

# Only the UI against a fake api.js in headless Chromium (make test runs it too, as tests/ui_mock.rs).
test-ui:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }
	node tests/ui-mock/browser-check.mjs
