# Developer shortcuts; CI runs `bash installer/install.sh test` (which runs `lint` and the tests).
V ?= .venv/bin

.PHONY: lint test bench eval
lint:
	$(V)/ruff check .
	$(V)/ruff format --check .
	$(V)/lint-imports
	$(V)/mypy

test:
	QT_QPA_PLATFORM=offscreen $(V)/python -m pytest

bench:
	$(V)/python bench/run_all.py

eval:
	$(V)/python bench/eval/harness.py --baseline --report bench/results/eval.json
