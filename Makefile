# EduCrowd: `make run` starts the whole platform, `make test` runs the whole test suite.
# Both create .venv and install what is needed on first use (Python 3.11 is all they need).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: install run test bench bench-load bench-payments bench-webhooks bench-settlement bench-campaign bench-certificates bench-certificates-cohort bench-certificate-verify bench-announcements bench-websockets bench-discussion clean-data

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install -q --disable-pip-version-check -e ".[test]"
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

run: install
	@$(PY) -m config.devstack

test: install
	@$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	@$(PY) bench/tenant_creation.py

bench-load: install
	@$(PY) bench/learner_load.py

bench-payments: install
	@$(PY) bench/payments.py

bench-settlement: install
	@$(PY) bench/settlement.py

bench-campaign: install
	@$(PY) bench/campaign_page.py $(BENCH_ARGS)

bench-certificates: install
	@$(PY) bench/certificate_pdf.py $(BENCH_ARGS)

bench-certificates-cohort: install
	@$(PY) bench/certificates_cohort.py $(BENCH_ARGS)

bench-certificate-verify: install
	@$(PY) bench/certificate_verify.py $(BENCH_ARGS)

bench-announcements: install
	@$(PY) bench/announcement_fanout.py $(BENCH_ARGS)

bench-discussion: install
	@$(PY) bench/discussion_thread.py $(BENCH_ARGS)

bench-webhooks: install
	@$(PY) bench/webhooks.py $(BENCH_ARGS)

bench-websockets: install
	@$(PY) bench/websockets.py $(BENCH_ARGS)

clean-data:
	rm -rf .data
