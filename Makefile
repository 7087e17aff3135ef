# Two commands: `make` builds the default pack (installing what it needs), `make test` runs the tests.
# `make KIT=adoption` builds another kit; `make ORG=my-clinic` an organisation folder's kit.
VENV ?= .venv
PY := $(VENV)/bin/python
KIT ?=
ORG ?=

.PHONY: pack test test-web bench clean

pack: $(VENV)/.installed
	$(VENV)/bin/make_kit $(if $(ORG),--org $(ORG)) build $(KIT)

test: $(VENV)/.installed
	bash tests/vera/setup.sh $(PY) $(VENV)/verapdf >/dev/null  # Java, JAXB (apt) and veraPDF
	$(PY) -m pytest -q -m 'not browser'

# The web edition in a real browser: Debian's chromium (as root: apt-get install -y chromium)
# and axe-core from npm; Playwright drives the system chromium, it downloads no browser.
test-web: $(VENV)/.installed tests/web/node_modules/.installed
	test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)
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
