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

.PHONY: setup run dev test system-packages pdf-font lint bench clean serve lock

setup: $(VENV)/.installed .tools/node_modules/.bin/bun

# Every Python package, transitive ones included, at the version and hashes of requirements.lock;
# then the portal itself (editable, no dependencies of its own to resolve).
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# After a change of pyproject.toml's dependencies: the lock file again, with hashes (uv's resolver).
UV_VERSION := 0.9.30
lock: setup
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --universal --python-version 3.11 \
	  -o requirements.lock

.tools/node_modules/.bin/bun:
	npm install --silent --no-audit --no-fund --prefix .tools bun@$(BUN_VERSION)
	test -x $@

# Debian packages the tests drive: Chromium (with CJK fonts), poppler (PDF text), PostgreSQL, Redis, nginx, the PDF font.
APT_PACKAGES := chromium fonts-noto-cjk poppler-utils postgresql redis-server nginx fonts-morisawa-bizud-gothic
system-packages:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! command -v redis-server >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	    || ! test -x /usr/sbin/nginx || ! test -f $(PDF_FONT); then \
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

# The production launch (no demo data, no test gateway): migrations, the frontend built into
# MYPAGE_STATIC_DIR, MYPAGE_WORKERS backend workers on 127.0.0.1:MYPAGE_WORKER_PORT and the ports
# after it, sharing state in Redis; nginx in front (deploy/README.md). Stops with Ctrl-C.
serve: export MYPAGE_ENV ?= production
serve: setup pdf-font
	$(BIN)/mypage serve

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
