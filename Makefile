# Two commands: `make` builds the default pack (installing what it needs), `make test` runs the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
KIT ?= default

.PHONY: pack test bench clean

pack: $(VENV)/.installed
	$(VENV)/bin/make_kit build $(KIT)

test: $(VENV)/.installed
	bash tests/vera/setup.sh $(PY) $(VENV)/verapdf >/dev/null  # Java, JAXB (apt) and veraPDF
	$(PY) -m pytest -q

bench: $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(PY) bench/run.py

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

clean:
	rm -rf output $(VENV)
