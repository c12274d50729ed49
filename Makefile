# courrier — `make demo` and `make test` set up a fresh machine (Debian/Ubuntu, as root or
# with sudo): system packages through apt-get when absent, then a virtualenv in .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get

.PHONY: install system-deps test-deps demo test test-fast lint bench clean

install: system-deps $(VENV)/.installed

# tesseract with its French data; python3-venv where Debian splits it out
system-deps:
	@if ! command -v tesseract >/dev/null || ! tesseract --list-langs 2>/dev/null | grep -qx fra; then \
	  echo "installing tesseract-ocr with French data (apt-get)"; \
	  $(APT) update -qq && $(APT) install -y -qq tesseract-ocr tesseract-ocr-fra; \
	fi
	@if ! $(PYTHON) -c "import ensurepip, venv" 2>/dev/null; then \
	  echo "installing python3-venv (apt-get)"; \
	  $(APT) update -qq && $(APT) install -y -qq python3-venv; \
	fi

$(VENV)/.installed: pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

demo: install
	$(BIN)/courrier demo

# the scale-out tests run against a real RabbitMQ; they start it when it is not running
test-deps:
	@command -v rabbitmq-server >/dev/null || command -v /usr/sbin/rabbitmq-server >/dev/null || { \
	  echo "installing rabbitmq-server for the scale-out tests (apt-get)"; \
	  $(APT) update -qq && $(APT) install -y -qq rabbitmq-server; \
	}

test: install test-deps
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not slow"

lint: install
	$(BIN)/ruff check .

# measures speed against raw tesseract and ocrmypdf (see bench/README.md)
bench: install
	@command -v gs >/dev/null || { $(APT) update -qq && $(APT) install -y -qq ghostscript; }
	$(BIN)/python -m pip install -q -r bench/requirements.txt
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
