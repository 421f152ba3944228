# One command from a fresh Debian machine: `make run` (the portal with demo data) or `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 3000
BUN_VERSION := 1.4.5
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(CURDIR)/$(BIN):$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export PORT

.PHONY: setup run dev test chromium lint bench clean

setup: $(VENV)/.installed .tools/node_modules/.bin/bun

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

.tools/node_modules/.bin/bun:
	npm install --silent --no-audit --no-fund --prefix .tools bun@$(BUN_VERSION)
	test -x $@

chromium:
	@command -v chromium >/dev/null || { \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-noto-cjk) \
	  || (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-noto-cjk); }

run: setup
	$(BIN)/mypage db upgrade
	$(BIN)/mypage demo
	$(BIN)/reflex run --env prod --single-port --frontend-port $(PORT) --backend-port $(PORT)

dev: setup
	$(BIN)/mypage db upgrade
	$(BIN)/mypage demo
	$(BIN)/reflex run --env dev

test: setup chromium
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check mypage tests bench
	$(BIN)/ruff format --check mypage tests bench

bench: setup chromium
	$(BIN)/python -m bench

clean:
	rm -rf .web var/outbox
