"""The network on a tiny random encoder built in-test: shapes, masking, save/load, training steps."""

from __future__ import annotations

import pytest
import torch
from transformers import AutoTokenizer

from whosaid.data.records import Document, Sentence
from whosaid.model.features import Featurizer, WindowCollator
from whosaid.model.labeler import Labeler
from whosaid.model.modeling import IGNORE, WhosaidModel, decode_hedging
from whosaid.model.rules import RuleLabeler
from whosaid.training.dataset import build_dataset, document_inputs


def _documents() -> list[Document]:
    s = lambda *a: Sentence(*a)
    return [
        Document("d1", [
            s("Share this article", True, None, None, None, None, []),
            s("Health Minister Amara Osei said on Monday that the clinic would close.", False, "Amara Osei", "Health Minister Amara Osei", "assertion", "none", []),
            s("She warned that waiting lists could grow.", False, "Amara Osei", "She", "warning", "medium", ["could"]),
            s("\"We have no choice.", False, "Amara Osei", None, "assertion", "none", []),
            s("It is painful,\" Osei said.", False, "Osei", "Osei", "assertion", "none", []),
            s("The clinic opened in 1998.", False, "AUTHOR", None, "assertion", "none", []),
        ]),
        Document("d2", [
            s("Officials estimated that about 300 homes were flooded.", False, "Officials", "Officials", "estimate", "medium", ["estimated", "about"]),
            s("The mayor's office confirmed the figure.", False, "mayor's office", "The mayor's office", "corroboration", "none", []),
            s("Some roads remain closed.", False, None, None, None, None, None),  # partially labelled: masked
        ]),
    ]


@pytest.fixture(scope="module")
def tiny(tiny_encoder):
    torch.manual_seed(0)
    model = WhosaidModel.from_encoder(str(tiny_encoder), max_window_tokens=64, context_tokens=24, max_sentences=4, max_candidates=12)
    tokenizer = AutoTokenizer.from_pretrained(str(tiny_encoder))
    return model, tokenizer


@pytest.fixture(scope="module")
def batch(tiny, pipeline):
    model, tokenizer = tiny
    dataset = build_dataset(_documents(), Featurizer(tokenizer, model.config), pipeline, RuleLabeler())
    return WindowCollator(tokenizer.pad_token_id)([dataset[i] for i in range(len(dataset))])


def test_windows_own_every_sentence_once(tiny, pipeline):
    model, tokenizer = tiny
    featurizer = Featurizer(tokenizer, model.config)
    for doc, inputs in zip(_documents(), document_inputs(_documents(), pipeline, RuleLabeler())):
        windows = featurizer.windows(inputs, with_labels=True)
        owned = [k for w in windows for k in w.own]
        assert owned == list(range(len(doc.sentences)))
        assert all(len(w.input_ids) <= model.config.max_window_tokens for w in windows)
        assert len(windows) < len(doc.sentences)  # several sentences per encoder pass


def test_forward_shapes_and_loss_only_with_labels(tiny, batch):
    model, _ = tiny
    config = model.config
    inputs = {k: v for k, v in batch.items() if not k.endswith("_labels")}
    assert inputs["rule_sentence"].shape == (batch["input_ids"].size(0), config.max_sentences, 4)
    assert inputs["rule_sentence"].sum() > 0  # the rules' labels reach the model
    out = model(**inputs)
    b, s, c = batch["input_ids"].size(0), config.max_sentences, config.max_candidates
    assert out.loss is None
    assert out.boilerplate_logits.shape == (b, s, 2)
    assert out.stance_logits.shape == (b, s, 4)
    assert out.hedging_logits.shape == (b, s, 4)
    assert out.speaker_logits.shape == (b, s, c + 1)
    assert out.cue_logits.shape == batch["input_ids"].shape
    assert model(**batch).loss.item() > 0


def test_null_labels_are_masked(tiny, batch):
    """A fully unlabelled batch gives zero loss; changing logits of masked slots changes nothing."""
    model, _ = tiny
    masked = {k: (torch.full_like(v, IGNORE) if k.endswith("_labels") else v) for k, v in batch.items()}
    assert model(**masked).loss.item() == 0.0
    speaker_only = dict(masked, speaker_labels=batch["speaker_labels"])
    assert model(**speaker_only).loss.item() > 0


def test_training_steps_reduce_the_loss(tiny, batch):
    model, _ = tiny
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    first = None
    for _ in range(25):
        loss = model(**batch).loss
        first = first if first is not None else loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    assert loss.item() < 0.5 * first


def test_save_load_round_trip_gives_identical_predictions(tiny, pipeline, tmp_path):
    model, tokenizer = tiny
    model.save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    assert (tmp_path / "model.safetensors").exists()
    again = Labeler.from_pretrained(tmp_path, pipeline=pipeline)
    first = Labeler(model, tokenizer, pipeline)(_documents())
    assert [d.to_dict() for d in again(_documents())] == [d.to_dict() for d in first]
    assert again.model.config.stances == ["assertion", "estimate", "corroboration", "warning"]


def test_labeler_output_is_complete(tiny, pipeline):
    model, tokenizer = tiny
    labeler = Labeler(model, tokenizer, pipeline)
    text = "The council met on Monday.\n\nAdvertisement\n\nMayor Lena Park said the bridge would reopen. \"It is safe,\" she said."
    document = labeler.label_text(text, doc_id="x")
    assert document.doc_id == "x" and len(document.sentences) == 4
    for sentence in document.sentences:
        if sentence.boilerplate:
            assert sentence.speaker is None and sentence.stance is None
        else:
            assert sentence.speaker and sentence.stance in model.config.stances and sentence.hedging in model.config.hedging_levels
            assert sentence.speaker_mention is None or sentence.speaker_mention in sentence.text


def test_untrained_model_starts_from_the_rules(tiny, batch):
    """The rule paths are initialised so an untrained model agrees with the rule baseline."""
    model, _ = tiny
    fresh = WhosaidModel(model.config).eval()
    out = fresh(**{k: v for k, v in batch.items() if not k.endswith("_labels")})
    rule = batch["rule_sentence"]
    own = rule[..., 1] > 0
    assert (out.stance_logits.argmax(-1)[own] == rule[..., 1][own] - 1).all()
    assert (decode_hedging(out.hedging_logits)[own] == rule[..., 2][own] - 1).all()


def test_ordinal_loss_prefers_near_misses():
    from whosaid.model.modeling import _ordinal_loss

    gold = torch.tensor([0])
    near = _ordinal_loss(torch.tensor([[0.0, 3.0, 0.0, 0.0]]), gold)
    far = _ordinal_loss(torch.tensor([[0.0, 0.0, 0.0, 3.0]]), gold)
    assert far > near
    assert decode_hedging(torch.tensor([[0.1, 0.2, 3.0, 0.0]])).tolist() == [2]
