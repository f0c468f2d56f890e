# Pacetray: `make run` starts the tray against the embedded local server,
# `make test` sets everything up and runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# System packages Qt (offscreen and xcb) and the desktop tests need (Debian/Ubuntu names).
APT_PACKAGES := libegl1 libgl1 libglib2.0-0 libdbus-1-3 libfontconfig1 libfreetype6 \
	libxkbcommon0 libx11-6 libbrotli1 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 \
	libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0 \
	libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1 \
	libxkbcommon-x11-0 xvfb xauth xdotool x11-utils trayer libxss1 dbus gcc linux-libc-dev \
	libwayland-cursor0 libwayland-egl1 desktop-file-utils appstream binutils
# (the last line: what Qt's Wayland plugin links, so the bundle's Debian Depends can be
# resolved, and the validators and objdump the packaging tests and `make dist` use)

.PHONY: run test lint pytest bench dist system-deps venv clean

run: system-deps venv
	@# bytecode up front (an editable install has none; PYTHONDONTWRITEBYTECODE keeps it so)
	@$(PY) -m compileall -q app
	@if $(PY) -m app tray --help >/dev/null 2>&1; then \
		exec $(PY) -m app tray --local; \
	else \
		echo "The tray app is not built yet: starting the local Timetracker server alone."; \
		exec $(PY) -m app serve; \
	fi

test: system-deps venv lint pytest

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing system packages: $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
		else \
			echo "Missing system packages (install them as root): $$missing"; \
		fi; \
	fi

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

lint: venv
	$(VENV)/bin/ruff check app tests packaging setup.py
	$(VENV)/bin/ruff format --check app tests packaging setup.py
	$(VENV)/bin/mypy

pytest: venv
	$(PY) -m pytest -q -p no:cacheprovider

bench: system-deps venv
	$(PY) -m tests.bench

# Everything this machine can build, into dist/: the sdist and wheel, the PyInstaller
# one-folder bundle (dist/pacetray/), and on Debian/Ubuntu a .deb of that bundle.
dist: system-deps venv
	rm -rf dist build/pyinstaller
	$(PY) -m build --outdir dist .
	$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/pacetray.spec
	@if command -v dpkg-deb >/dev/null; then \
		$(PY) packaging/build_deb.py dist/pacetray --out dist; \
	else \
		echo "No dpkg-deb here: skipping the Debian package."; \
	fi
	@ls -l dist

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build dist

# Translations: resources/translations/pacetray_de.ts is the source of truth (lupdate adds new
# texts from app/ as unfinished; translate them with Qt Linguist or any editor), the .qm next
# to it is compiled from it and committed, so installs need no Qt tools.
TRANSLATIONS_DIR := resources/translations
TS_FILES := $(TRANSLATIONS_DIR)/pacetray_de.ts
LUPDATE_FLAGS := -extensions py -locations none -no-obsolete

.PHONY: translations
translations: venv
	$(VENV)/bin/pyside6-lupdate $(LUPDATE_FLAGS) -target-language de app -ts $(TS_FILES)
	for ts in $(TS_FILES); do $(VENV)/bin/pyside6-lrelease "$$ts" -qm "$${ts%.ts}.qm"; done
