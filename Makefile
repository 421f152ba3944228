# One command from a fresh Debian machine: `make run` (the portal with demo data) or `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 3000
GATEWAY_PORT ?= 3001
BUN_VERSION := 1.4.5
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(CURDIR)/$(BIN):$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export PORT
# The local test payment gateway that `make run` starts beside the portal.
export MYPAGE_PAYMENT_GATEWAY_URL ?= http://localhost:$(GATEWAY_PORT)

.PHONY: setup run dev test system-packages pdf-font lint bench clean

setup: $(VENV)/.installed .tools/node_modules/.bin/bun

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

.tools/node_modules/.bin/bun:
	npm install --silent --no-audit --no-fund --prefix .tools bun@$(BUN_VERSION)
	test -x $@

# Debian packages the tests drive: Chromium (with CJK fonts), poppler (PDF text), PostgreSQL, Redis.
APT_PACKAGES := chromium fonts-noto-cjk poppler-utils postgresql redis-server fonts-morisawa-bizud-gothic
system-packages:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! command -v redis-server >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	    || ! test -f $(PDF_FONT); then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); \
	fi

# The PDFs' embedded Japanese font (mypage/pdftext.py): the portal refuses to start without it.
PDF_FONT := /usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf
pdf-font:
	@test -f $(PDF_FONT) || test -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-morisawa-bizud-gothic; }

# The test payment gateway runs in the background and stops with the portal; in development,
# the addresses of メール確認 and 画面ギャラリー are printed once the portal answers.
run: setup pdf-font
	$(BIN)/mypage db upgrade
	$(BIN)/mypage demo
	$(BIN)/python -m testgateway --port $(GATEWAY_PORT) & gateway=$$!; \
	$(BIN)/python -m mypage.operator.devpages --wait & pages=$$!; \
	trap 'kill $$gateway $$pages 2>/dev/null' EXIT INT TERM; \
	$(BIN)/reflex run --env prod --single-port --frontend-port $(PORT) --backend-port $(PORT)

dev: setup pdf-font
	$(BIN)/mypage db upgrade
	$(BIN)/mypage demo
	$(BIN)/python -m testgateway --port $(GATEWAY_PORT) & gateway=$$!; \
	trap 'kill $$gateway 2>/dev/null' EXIT INT TERM; \
	$(BIN)/reflex run --env dev

test: setup system-packages
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check mypage tests bench
	$(BIN)/ruff format --check mypage tests bench

bench: setup system-packages
	$(BIN)/python -m bench

clean:
	rm -rf .web var/outbox
