# Two commands on a fresh Debian 12 machine (as root): `make run` and `make test`.
# Both first run deploy/local/bootstrap.sh, which installs whatever is missing.

SHELL := /bin/bash
STACK := uv run --no-sync python -m guichet_stack

# Writing .pyc files saves seconds at every Python start (tests start many processes).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test lint fmt bootstrap stack-up stack-down stack-status

## run: install what is missing, start the dev stack and every service (Ctrl-C stops all)
run: bootstrap
	$(STACK) run

## test: install what is missing, lint + type-check, then pytest on a throwaway stack
test: bootstrap
	$(STACK) test

## lint: ruff check, ruff format --check, mypy (strict)
lint: bootstrap
	$(STACK) lint

## fmt: format and auto-fix the code
fmt: bootstrap
	uv run --no-sync ruff format .
	uv run --no-sync ruff check --fix .

bootstrap:
	@bash deploy/local/bootstrap.sh

## stack-up / stack-down / stack-status: the dev stack alone (PostgreSQL, NATS, S3, OIDC, SMTP)
stack-up: bootstrap
	$(STACK) up

stack-down:
	$(STACK) down

stack-status:
	$(STACK) status
