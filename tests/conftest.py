"""Shared fixtures: one spaCy pipeline per session, a tiny random encoder built in-test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def pipeline():
    from whosaid.data.segment import TextPipeline

    return TextPipeline()


@pytest.fixture(scope="session")
def tiny_encoder(tmp_path_factory) -> Path:
    """A 2-layer, 32-wide BERT with random weights and the MiniLM tokenizer (no download)."""
    from transformers import AutoTokenizer, BertConfig, BertModel

    from whosaid.training.train import default_encoder

    path = tmp_path_factory.mktemp("tiny_encoder")
    tokenizer = AutoTokenizer.from_pretrained(default_encoder())
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=512,
    )
    BertModel(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def tiny_model(tiny_encoder, tmp_path_factory) -> Path:
    """A saved whosaid checkpoint folder (config, safetensors, tokenizer) on the tiny random encoder."""
    from transformers import AutoTokenizer

    from whosaid.model.modeling import WhosaidModel

    path = tmp_path_factory.mktemp("tiny_model")
    model = WhosaidModel.from_encoder(str(tiny_encoder), max_window_tokens=64, context_tokens=24, max_sentences=4, max_candidates=12)
    model.save_pretrained(path)
    AutoTokenizer.from_pretrained(tiny_encoder).save_pretrained(path)
    return path
