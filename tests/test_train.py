"""The training script end to end: Trainer steps, best checkpoint, card, fine-tuning from it."""

from __future__ import annotations

import json

import pytest

from whosaid.data.corpus import load_split
from whosaid.data.records import write_documents
from whosaid.model.labeler import Labeler
from whosaid.training.train import parse_train_arguments, train


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus")
    write_documents(load_split("train")[:6], path / "train.jsonl")
    write_documents(load_split("dev")[:2], path / "dev.jsonl")
    return path


def _args(encoder, corpus, out, *extra):
    return parse_train_arguments([
        "--encoder", str(encoder), "--train", str(corpus / "train.jsonl"), "--dev", str(corpus / "dev.jsonl"),
        "--polnear", "", "--augment_copies", "1", "-o", str(out), "--disable_tqdm", "true", *extra,
    ])


def test_trainer_steps_reduce_loss_and_save_a_complete_checkpoint(tiny_encoder, small_corpus, tmp_path):
    out = train(*_args(tiny_encoder, small_corpus, tmp_path / "model", "--max_steps", "12", "--learning_rate", "1e-3",
                       "--eval_strategy", "steps", "--eval_steps", "6", "--save_strategy", "steps", "--save_steps", "6",
                       "--logging_steps", "3"))
    for name in ("config.json", "model.safetensors", "tokenizer.json", "README.md", "training_args.json"):
        assert (out / name).exists(), name
    assert not list(out.glob("checkpoint-*"))
    config = json.loads((out / "config.json").read_text())
    assert config["stances"] == ["assertion", "estimate", "corroboration", "warning"] and config["training"]["dev_scores"]
    assert "seeds" in (out / "README.md").read_text()
    labeler = Labeler.from_pretrained(out)
    assert labeler(["Officials said the bridge would reopen on Monday."])[0].sentences


def test_loss_goes_down_under_the_trainer(tiny_encoder, small_corpus, tmp_path):
    model_args, data_args, training_args = _args(tiny_encoder, small_corpus, tmp_path / "m", "--max_steps", "20",
                                                 "--learning_rate", "2e-3", "--eval_strategy", "no", "--save_strategy", "no",
                                                 "--load_best_model_at_end", "false", "--logging_steps", "5")
    from whosaid.training import train as train_module

    losses = []
    original = train_module.WhosaidTrainer.log

    def spy(self, logs, *args, **kwargs):
        if "loss" in logs:
            losses.append(logs["loss"])
        return original(self, logs, *args, **kwargs)

    train_module.WhosaidTrainer.log = spy
    try:
        train(model_args, data_args, training_args)
    finally:
        train_module.WhosaidTrainer.log = original
    assert len(losses) >= 3 and losses[-1] < losses[0]


def test_fine_tuning_from_a_checkpoint(tiny_encoder, small_corpus, tmp_path):
    first = train(*_args(tiny_encoder, small_corpus, tmp_path / "a", "--max_steps", "2", "--eval_strategy", "no",
                         "--save_strategy", "no", "--load_best_model_at_end", "false"))
    model_args, data_args, training_args = parse_train_arguments([
        "--init-from", str(first), "--train", str(small_corpus / "train.jsonl"), "--dev", str(small_corpus / "dev.jsonl"),
        "--polnear", "", "--augment_copies", "0", "-o", str(tmp_path / "b"), "--max_steps", "2", "--eval_strategy", "no",
        "--save_strategy", "no", "--load_best_model_at_end", "false", "--disable_tqdm", "true",
    ])
    assert model_args.init_from == str(first)
    assert (train(model_args, data_args, training_args) / "model.safetensors").exists()


@pytest.mark.slow
def test_real_default_encoder_trains_a_few_steps(small_corpus, tmp_path):
    from whosaid.training.train import default_encoder

    out = train(*_args(default_encoder(), small_corpus, tmp_path / "real", "--max_steps", "4", "--eval_strategy", "no",
                       "--save_strategy", "no", "--load_best_model_at_end", "false"))
    assert Labeler.from_pretrained(out).label_text("Police said two men were arrested.").sentences[0].speaker
