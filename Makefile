# filrouge — two commands: `make demo` (set up + run on the bundled example) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DB     ?= demo.db

.PHONY: demo test install clean bench

$(BIN)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "filrouge needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

# the optional Ray executor (about 500 MB installed): for the tests, not for the demo
$(BIN)/.installed-ray: $(BIN)/.installed requirements-ray.lock
	$(BIN)/pip install -q -r requirements-ray.lock
	@touch $@

install: $(BIN)/.installed

demo: $(BIN)/.installed
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/filrouge ingest examples --manifest examples/manifest.csv --db $(DB)
	$(BIN)/filrouge docs --db $(DB)
	$(BIN)/filrouge timeline --db $(DB)
	$(BIN)/filrouge roles OpenAI --db $(DB)
	$(BIN)/filrouge conflicts --db $(DB)
	$(BIN)/filrouge report --db $(DB) --out story.html
	@echo "open story.html in a browser, or run: $(BIN)/filrouge serve --db $(DB)"

test: $(BIN)/.installed $(BIN)/.installed-ray
	$(BIN)/python -m pytest

bench: $(BIN)/.installed
	$(BIN)/python bench/ingest_throughput.py

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm story.html test-artifacts build *.egg-info
