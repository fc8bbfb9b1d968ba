# The two commands a newcomer needs:  `make run` (demo school on SQLite)  and  `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_DIR := tests/realtime/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed
OIDC_DIR := tests/sso/provider
OIDC_STAMP := $(OIDC_DIR)/node_modules/.installed
WEB_DIR := src/schoolchat/web
WEB_STAMP := $(WEB_DIR)/static/.built

.PHONY: run test test-sqlite test-postgres check install lock web clean

# Exactly the Python packages that were tested: every one pinned with its hashes in requirements.lock.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

## After changing the dependencies in pyproject.toml: pin them all again (with hashes) in requirements.lock.
lock: $(STAMP)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 -o requirements.lock

# The official SignalR JavaScript client, which the real-time tests drive under Node.js.
$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	npm ci --prefix $(NODE_DIR) --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# The test OpenID provider (oidc-provider, OpenID-certified), which tests/sso and tests/web sign in through.
$(OIDC_STAMP): $(OIDC_DIR)/package.json $(OIDC_DIR)/package-lock.json
	npm ci --prefix $(OIDC_DIR) --no-audit --no-fund --loglevel=error
	touch $(OIDC_STAMP)

# The browser UI: TypeScript in $(WEB_DIR)/ui, bundled by esbuild into $(WEB_DIR)/static (not committed).
$(WEB_DIR)/node_modules/.installed: $(WEB_DIR)/package.json $(WEB_DIR)/package-lock.json
	npm ci --prefix $(WEB_DIR) --no-audit --no-fund --loglevel=error
	touch $@

# The UI's types of the API (ui/types.ts names them), generated with openapi-typescript from the OpenAPI document
# the Python sources describe, so the UI compiles against what the server really sends. Not committed.
API_DOCUMENT := $(WEB_DIR)/openapi.json
API_TYPES := $(WEB_DIR)/ui/schema.ts
$(API_TYPES): $(STAMP) $(WEB_DIR)/node_modules/.installed $(shell find src/schoolchat -name '*.py' -not -path '*/node_modules/*')
	$(BIN)/schoolchat openapi $(API_DOCUMENT)
	npm run --prefix $(WEB_DIR) --silent types

$(WEB_STAMP): $(API_TYPES) $(WEB_DIR)/node_modules/.installed $(WEB_DIR)/tsconfig.json $(wildcard $(WEB_DIR)/ui/*)
	npm run --prefix $(WEB_DIR) --silent build
	touch $@

install: $(STAMP)

web: $(WEB_STAMP)

## Set up, migrate, seed the demo school and serve it at http://127.0.0.1:8000 (logins are printed).
run: install web
	$(BIN)/schoolchat demo

## The whole suite: on SQLite, then again on PostgreSQL (127.0.0.1:5432; skipped with a reason when it is
## unreachable, except in CI where that is a failure).
test: check web $(NODE_STAMP) $(OIDC_STAMP)
	$(BIN)/pytest
	SCHOOLCHAT_TEST_DATABASE=postgresql $(BIN)/pytest

## The machines' checks, run first by `make test` (so in CI): lint and format, types (strict for src/), the layers.
check: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

test-sqlite: install web $(NODE_STAMP) $(OIDC_STAMP)
	$(BIN)/pytest

test-postgres: install web $(NODE_STAMP) $(OIDC_STAMP)
	SCHOOLCHAT_TEST_DATABASE=postgresql $(BIN)/pytest

clean:
	rm -rf $(VENV) data
