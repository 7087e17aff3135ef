# Two commands: `make` builds the default pack (installing what it needs), `make test` runs the tests.
# `make KIT=adoption` builds another kit; `make ORG=my-clinic` an organisation folder's kit.
VENV ?= .venv
PY := $(VENV)/bin/python
KIT ?=
ORG ?=

.PHONY: pack test test-web bench clean

pack: $(VENV)/.installed
	$(VENV)/bin/make_kit $(if $(ORG),--org $(ORG)) build $(KIT)

# Every test, the browser and validator ones included. The first run installs what they need:
# Java, JAXB and veraPDF (tests/vera/setup.sh), Debian's chromium and poppler-utils
# (tests/system.sh) and axe-core from npm; Playwright drives the system chromium.
test: $(VENV)/.installed tests/web/node_modules/.installed
	bash tests/vera/setup.sh $(PY) $(VENV)/verapdf >/dev/null
	bash tests/system.sh
	$(PY) -m pytest -q

# Only the web edition's tests, in a real browser.
test-web: $(VENV)/.installed tests/web/node_modules/.installed
	bash tests/system.sh
	$(PY) -m pytest -q tests/test_site.py

tests/web/node_modules/.installed: tests/web/package.json tests/web/package-lock.json
	npm ci --prefix tests/web --no-audit --no-fund
	touch $@

bench: $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(PY) bench/run.py

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

clean:
	rm -rf output $(VENV)
