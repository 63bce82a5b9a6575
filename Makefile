# minishop - everything a developer runs goes through here, so a fresh clone needs nothing installed
# by hand: each target installs what it needs into virtualenvs inside the repository.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV     := .venv
PY       := $(VENV)/bin/python
SAMVENV  := .venv-sam
SAM      := $(SAMVENV)/bin/sam
PY313     = $(shell infra/scripts/find-python313)
PIP_FLAGS := --quiet --disable-pip-version-check

# sam build looks for python3.13 on PATH for the python3.13 runtime: the project venv is 3.13.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export SAM_CLI_TELEMETRY := 0
export AWS_DEFAULT_REGION ?= us-east-1

.PHONY: help deps dev test test-fast lint build lock check-locks audit bench openapi session-keys merchant-token owner ci clean console browser publish-console miniprogram mp-weixin

help:
	@echo "make dev      serve the whole API on http://127.0.0.1:3000 (moto + WeChat simulator, seeded) and the console on :3300"
	@echo "make console  build the merchant console (console/, npm ci from its lock, then vite build)"
	@echo "make miniprogram  build the shop front end (miniprogram/, uni-app): H5 for make dev, mp-weixin for WeChat DevTools"
	@echo "                  (MP_API_BASE=https://... MP_APPID=wx... for a deployed stack; docs/miniprogram.md)"
	@echo "make test     run every test (unit, handler, end-to-end); what .ci/run calls"
	@echo "make lint     sam validate --lint"
	@echo "make build    sam build (python3.13, arm64) from the locks: only locked, hash-checked files"
	@echo "make lock     regenerate every requirements*.lock.txt (ARGS='--upgrade' or '--upgrade-package NAME')"
	@echo "make audit    check the locks and pip-audit them against PyPI's advisory data; .ci/run runs it"
	@echo "make bench    cold-start, DynamoDB round-trip, order-timer load and cost tables"
	@echo "make openapi  regenerate docs/openapi.json, the fallback route table and the typed TypeScript clients"
	@echo "make session-keys   new key pairs for session and merchant tokens (ARGS='--only session|merchant-token')"
	@echo "make merchant-token a token for /admin from the running local stack (ARGS='[--name N] [--hours H] [--revoke]')"
	@echo "make owner          create the shop's owner on the running local stack (ARGS='--name N'; password asked, or OWNER_PASSWORD)"

# The virtualenvs install locks only (whole trees, hashes checked): requirements*.txt hold the direct
# requirements, `make lock` resolves them (.ci/deps.py; docs/configuration.md, "Dependencies").
$(VENV)/.installed: requirements-dev.lock.txt
	@test -x $(PY) || $(PY313) -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) --require-hashes -r requirements-dev.lock.txt
	@touch $@

$(SAMVENV)/.installed: requirements-sam.lock.txt
	@test -x $(SAMVENV)/bin/python || $(PY313) -m venv $(SAMVENV)
	$(SAMVENV)/bin/python -m pip install $(PIP_FLAGS) --require-hashes -r requirements-sam.lock.txt
	@touch $@

deps: $(VENV)/.installed

# The merchant console: npm installs its lock exactly (npm ci), Vite builds console/dist, which the
# local stack serves on :3300 with the template's security headers (infra/local/edge.py).
CONSOLE_SOURCES := $(shell find console/src console/public -type f 2>/dev/null) console/index.html \
                   console/vite.config.js console/package.json console/tsconfig.json
console/node_modules/.installed: console/package-lock.json
	cd console && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

console/dist/index.html: console/node_modules/.installed $(CONSOLE_SOURCES)
	cd console && npm run typecheck --silent && npm run build --silent
	@touch $@

# The shop front end (uni-app, Vue 3): npm ci from its lock; the H5 build (its API under /api/ on the
# page's own origin) is what make dev serves on :3400 and the browser tests drive; the mp-weixin build
# (miniprogram/dist/build/mp-weixin, opened in WeChat DevTools) is made every time, since its API base
# and AppID are settings: MP_API_BASE (default make dev's API) and MP_APPID (default a tourist AppID).
MP_API_BASE ?= http://127.0.0.1:3000
MP_APPID ?=
MP_SOURCES := $(shell find miniprogram/src -type f 2>/dev/null) miniprogram/index.html miniprogram/vite.config.js \
              miniprogram/package.json miniprogram/tsconfig.json
miniprogram/node_modules/.installed: miniprogram/package-lock.json
	cd miniprogram && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

miniprogram/dist/build/h5/index.html: miniprogram/node_modules/.installed $(MP_SOURCES)
	cd miniprogram && npm run typecheck --silent
	cd miniprogram && VITE_API_BASE=/api VITE_SIM_BASE=/sim npx --no-install uni build
	@touch $@

mp-weixin: miniprogram/node_modules/.installed
	cd miniprogram && VITE_API_BASE=$(MP_API_BASE) VITE_WX_APPID=$(MP_APPID) npx --no-install uni build -p mp-weixin

miniprogram: miniprogram/dist/build/h5/index.html mp-weixin

console: console/dist/index.html

# The browser tests drive Debian's Chromium (no browser download) with CJK fonts for the screenshots.
browser:
	@command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    chromium fonts-noto-cjk >/dev/null; }

dev: deps console miniprogram/dist/build/h5/index.html
	$(PY) -m infra.local.devstack $(ARGS)

test: deps $(SAMVENV)/.installed console miniprogram browser
	$(PY) -m pytest

test-fast: deps $(SAMVENV)/.installed console miniprogram
	$(PY) -m pytest -m "not e2e"

# Upload console/dist to the deployed stack's ConsoleBucket and invalidate ConsoleDistribution
# (ARGS='--stack-name minishop-prod'); docs/console.md.
publish-console: deps console
	$(PY) -m infra.tools.publish_console $(ARGS)

lint: $(SAMVENV)/.installed
	$(SAM) validate --lint

# sam build with pip confined to a folder of files downloaded from the locks with their hashes checked
# (aws-lambda-builders fetches the arm64 wheels by name, without hashes, so the locks alone would not
# do), then a check that every package in the output is a locked one.
WHEELHOUSE := .aws-sam/locked-wheels
build: deps $(SAMVENV)/.installed
	$(PY) .ci/deps.py check
	$(PY) .ci/deps.py wheelhouse $(WHEELHOUSE)
	PIP_NO_INDEX=1 PIP_FIND_LINKS=$(CURDIR)/$(WHEELHOUSE) $(SAM) build
	$(PY) .ci/deps.py verify-build .aws-sam/build

lock: deps
	$(PY) .ci/deps.py lock $(ARGS)

check-locks:
	$(PY313) .ci/deps.py check

audit: deps
	$(PY) .ci/deps.py audit

bench: deps console browser
	$(PY) -m bench.coldstart
	$(PY) -m bench.roundtrips
	$(PY) -m bench.timers
	$(PY) -m bench.export
	$(PY) -m bench.cost
	$(PY) -m bench.analytics
	$(PY) -m bench.console

openapi: deps
	$(PY) -m infra.tools.openapi --write
	$(PY) -m infra.tools.routes --write
	$(PY) -m infra.tools.ts_client --write

session-keys: deps
	$(PY) -m infra.tools.session_keys $(ARGS)

merchant-token: deps
	$(PY) -m infra.tools.merchant_token $(ARGS)

owner: deps
	$(PY) -m infra.tools.owner $(ARGS)

ci: audit test lint build

clean:
	rm -rf .aws-sam .pytest_cache
