# The two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= python3.10
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(PY) -m rasa
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3

VENV_STAMP := $(VENV)/.installed-stamp
SPACY_MODEL := models/spacy_lawbot/meta.json
MODEL := models/lawbot.tar.gz
TRAINING_INPUTS := config.yml $(shell find domain data -name '*.yml') \
                   bot/rasa/nlu.py bot/rasa/topic_reader.py $(SPACY_MODEL)
RESULTS := var/results
STRANGERS_MIN_PASS ?= 0.90

.PHONY: run test venv model migrate example-firms validate lint typecheck unit stories evaluate triage strangers clean

run: $(MODEL) migrate example-firms
	@$(PY) -m bot.ops.cli serve

test: $(MODEL) migrate lint typecheck validate unit stories browser-tests evaluate triage strangers
	@echo "All tests passed."

venv: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml requirements/runtime.txt requirements/dev.txt
	@if ! $(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then \
	  echo "error: Rasa 3.6 needs Python 3.10, and '$(PYTHON)' is missing or another version."; \
	  echo "       Install Python 3.10 (e.g. 'pyenv install 3.10'; .python-version selects it)"; \
	  echo "       or run 'make PYTHON=/path/to/python3.10 ...'."; \
	  exit 1; fi
	@echo "==> Creating the virtual environment in $(VENV) (first time: about 3 minutes)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip wheel 2>&1 | grep -v 'is ignored' || true
	@# requirements/*.txt (pip-compile, requirements/README.md) pin and hash every package: the
	@# runtime set and the development tools apart; pyproject.toml names the direct dependencies.
	@$(PY) -m pip install --progress-bar off --require-hashes \
	  -r requirements/runtime.txt -r requirements/dev.txt 2>&1 \
	  | grep -E '^(Collecting|Successfully|ERROR)' | sed -e 's/^Collecting /    installing /'; \
	  test $${PIPESTATUS[0]} -eq 0
	@# --no-deps: the project itself has no hash, its dependencies are all installed above.
	@$(PY) -m pip install --quiet --no-deps -e . 2>&1 | grep -v 'is ignored'; test $${PIPESTATUS[0]} -eq 0
	@touch $@

$(SPACY_MODEL): bot/knowledge/terms.yml bot/rasa/spacy_pipeline.py | $(VENV_STAMP)
	@echo "==> Building the spaCy pipeline (jieba + legal-term entity ruler)"
	@$(PY) -m bot.rasa.spacy_pipeline models/spacy_lawbot 2>&1 | grep -v -E 'Building prefix|Loading model|Prefix dict|Dumping model|cuda|cpu_feature|AVX|rebuild TensorFlow'

model: $(MODEL)

$(MODEL): $(TRAINING_INPUTS) | $(VENV_STAMP)
	@echo "==> Training the Rasa model (about a minute and a half on 2 cores)"
	@mkdir -p models var
	@$(RASA) train --domain domain --data data --config config.yml --out models \
	  --fixed-model-name lawbot 2>&1 | tee var/train.log | grep -E --line-buffered \
	  'Epochs:.*100%|Starting to train|Finished training|Your Rasa model|error|Error' || true
	@test -f $(MODEL) && touch $(MODEL)
	@# the second topic reader (bot/topic_reader.py) is trained now, not by each server at its start
	@$(PY) -c 'from bot import topic_reader; [topic_reader.reader(language) for language in ("en", "zh")]' 2>&1 \
	  | { grep -v -E 'Building prefix|Loading model|Prefix dict|Dumping model' || true; }; test $${PIPESTATUS[0]} -eq 0

migrate: $(VENV_STAMP)
	@echo "==> Migrating the leads database"
	@$(PY) -m bot.ops.cli db upgrade

# The demo's firm directory: EXAMPLE DATA, fictional firms, embedded profile only (adds missing
# firms only: a firm staff deactivated stays deactivated).
example-firms: migrate
	@$(PY) -m bot.ops.cli firms import --examples examples/firms.example.yml

lint: $(VENV_STAMP)
	@echo "==> ruff format --check, ruff check"
	@$(PY) -m ruff format --check --quiet bot actions tests scripts migrations benchmarks
	@$(PY) -m ruff check bot actions tests scripts migrations benchmarks

typecheck: $(VENV_STAMP)
	@echo "==> mypy (strict on bot/)"
	@$(PY) -m mypy

validate: $(VENV_STAMP)
	@echo "==> rasa data validate"
	@$(RASA) data validate --domain domain --data data --config config.yml --fail-on-warnings 2>&1 \
	  | grep -v -E 'cuda|cpu_feature|AVX|rebuild TensorFlow'; test $${PIPESTATUS[0]} -eq 0

unit: $(MODEL) nginx-installed
	@echo "==> pytest"
	@$(PY) -m pytest -q tests --ignore=tests/browser

stories: $(MODEL)
	@echo "==> story tests"
	@rm -rf $(RESULTS)/core $(RESULTS)/stories
	@mkdir -p $(RESULTS)/stories && cp tests/stories/*.yml $(RESULTS)/stories/
	@$(PY) -m scripts.intake_stories $(RESULTS)/stories
	@$(RASA) test core --model $(MODEL) --stories $(RESULTS)/stories --out $(RESULTS)/core \
	  --fail-on-prediction-errors 2>&1 | grep -E 'Failed|Correct|failed|Error|error' ; \
	  test $${PIPESTATUS[0]} -eq 0

# The issue's bar: macro F1 0.95 per language (README, "Measured").
NLU_MIN_F1 ?= 0.95
evaluate: $(MODEL)
	@echo "==> held-out NLU evaluation"
	@$(PY) -m bot.ops.evaluation --out $(RESULTS)/nlu --min-f1 $(NLU_MIN_F1)

# The issue's bar: urgent recall 0.95 / precision 0.90 in each language (584 messages each, 292
# urgent; README, "Measured").
TRIAGE_MIN_RECALL ?= 0.95
TRIAGE_MIN_PRECISION ?= 0.90
triage: $(VENV_STAMP)
	@echo "==> triage evaluation (tests/triage, written apart from the rules)"
	@$(PY) -m bot.ops.triage_eval --min-recall $(TRIAGE_MIN_RECALL) --min-precision $(TRIAGE_MIN_PRECISION)

# Simulated strangers (tests/strangers, written apart from the rules and the training data)
# play whole intakes over REST; every lead is checked. Chart: docs/strangers.png.
strangers: $(MODEL) migrate
	@echo "==> strangers: simulated users playing whole intakes"
	@$(PY) -m scripts.strangers --min-pass $(STRANGERS_MIN_PASS) --chart $(RESULTS)/strangers.png

clean:
	rm -rf models var .rasa

# ---- Website widget: real-browser tests (wired into `test` separately) ----
# Debian's Chromium drives the Playwright tests (`playwright install` needs the internet);
# a CJK font so that Chinese renders in screenshots. Installed only when missing.
CHROMIUM := /usr/bin/chromium
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: browser browser-tests widget-vendor

browser: $(CHROMIUM) $(CJK_FONT)

$(CHROMIUM) $(CJK_FONT) &:
	@echo "==> Installing Debian's chromium, chromium-driver and a CJK font (for the browser tests)"
	@$(SUDO) apt-get update -qq
	@DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver \
	  fonts-wqy-zenhei >/dev/null
	@test -x $(CHROMIUM) && test -f $(CJK_FONT)

browser-tests: $(MODEL) browser
	@echo "==> browser tests (headless Chromium: the website widget)"
	@$(PY) -m pytest -q tests/browser

# Re-vendors socket.io-client (the widget) and Chart.js (the staff dashboard) into
# web/static/vendor/ (needs npm; the runtime does not).
# Versions are pinned in web/package.json and web/package-lock.json.
widget-vendor:
	@cd web && npm ci --no-audit --no-fund --silent
	@cp web/node_modules/socket.io-client/dist/socket.io.min.js web/static/vendor/socket.io.min.js
	@cp web/node_modules/socket.io-client/LICENSE web/static/vendor/socket.io-client.LICENSE
	@echo "vendored socket.io-client $$(node -p "require('./web/node_modules/socket.io-client/package.json').version")"
	@cp web/node_modules/chart.js/dist/chart.umd.min.js web/static/vendor/chart.umd.min.js
	@cp web/node_modules/chart.js/LICENSE.md web/static/vendor/chart.js.LICENSE
	@echo "vendored chart.js $$(node -p "require('./web/node_modules/chart.js/package.json').version")"

# ---- Production profile on this machine: N Rasa servers behind nginx (README "Production profile") ----
# Debian's nginx, installed when missing; run by the supervisor as a child of its own with a
# config under var/nginx/ (never the system service, nothing under /etc/nginx is used).
# deploy/local.env holds DEVELOPMENT-ONLY settings and secrets; variables already set win.
NGINX := /usr/sbin/nginx
INSTANCES ?= 2

.PHONY: run-production nginx-installed

run-production: $(MODEL) nginx-installed
	@LAWBOT_INSTANCES=$(INSTANCES) $(PY) -m bot.ops.cli serve --env-file deploy/local.env

nginx-installed:
	@if [ ! -x $(NGINX) ]; then \
	  echo "==> Installing Debian's nginx (the production stack's proxy; not started as a service)"; \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	      --no-install-recommends nginx >/dev/null; } \
	  || { echo "error: 'apt-get install nginx' failed; install Debian's nginx package (it must provide"; \
	       echo "       $(NGINX)) and run make again."; exit 1; }; \
	  test -x $(NGINX) || { echo "error: the nginx package did not provide $(NGINX)"; exit 1; }; \
	fi
