# make install            create .venv with the pinned environment and this package (editable)
# make test               run the test suite
# make train              train CONFIG and evaluate it on TEST_FILE (defaults: DATNet-F, WNUT-2016)
# make results            rebuild the report of REPRODUCE_DIR (allennlp reproduce's --output-dir) into docs/;
#                         EARLIER_RESULTS=docs/results.csv keeps the runs whose folders are not in REPRODUCE_DIR
# make lock               re-resolve requirements.in into requirements.lock
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export DATNET_DATA_DIR ?= $(abspath ../shared/data)

CONFIG ?= datnet_f_wnut
TEST_FILE ?= $(DATNET_DATA_DIR)/wnut2016/test.txt
RUN_DIR ?= runs/$(CONFIG)
REPRODUCE_DIR ?= reproduce

.PHONY: install test train results lock

# allennlp-models imports a module that downloads nltk's punkt and wordnet unless punkt is found,
# so every allennlp command printed two download errors offline. The marker folder makes nltk
# find it and skip the download at import; code that really needs punkt still gets nltk's own
# error. It is made before the virtual environment, so that `test-install`, the install's first
# allennlp command, is quiet too.
NLTK_MARKER := $(VENV)/nltk_data/tokenizers/punkt/README

install: $(VENV)/.installed $(NLTK_MARKER)

$(NLTK_MARKER):
	mkdir -p $(dir $@)
	echo "Not nltk's punkt: a marker that stops allennlp-models downloading it at import (see the Makefile)." > $@

$(VENV)/.installed: requirements.lock setup.cfg pyproject.toml | $(NLTK_MARKER)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Python 3.11 is required (set PYTHON=...), found " + sys.version)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --no-deps -r requirements.lock
	$(BIN)/pip install --no-deps --no-build-isolation -e .
	$(BIN)/allennlp test-install --include-package datnet_allennlp
	touch $@

test: install
	$(BIN)/python -m pytest tests

train: install
	$(BIN)/allennlp train training_configs/$(CONFIG).jsonnet -s $(RUN_DIR) --include-package datnet_allennlp $(TRAIN_FLAGS)
	$(BIN)/allennlp evaluate $(RUN_DIR)/model.tar.gz $(TEST_FILE) --output-file $(RUN_DIR)/test_metrics.json --include-package datnet_allennlp

results: install
	$(BIN)/allennlp reproduce --report $(REPRODUCE_DIR) $(if $(EARLIER_RESULTS),--earlier-results $(EARLIER_RESULTS))
	cp $(REPRODUCE_DIR)/report.md docs/results.md
	cp $(REPRODUCE_DIR)/results.csv $(REPRODUCE_DIR)/*.png docs/

lock:
	PYTHON=$(PYTHON) scripts/lock.sh
