"""The authored corpus: schema, splits, no overlap with held-out gold, augmentation."""

from __future__ import annotations

import json
import random

from whosaid.data.augment import augment
from whosaid.data.corpus import AUTHORED, SPLITS_FILE, authored_documents, check, load_split, make_splits
from whosaid.data.records import read_documents


def test_every_file_validates_and_the_corpus_is_clean():
    for path in sorted(AUTHORED.glob("part_*.jsonl")):
        assert read_documents(path)
    assert check() == []  # schema, one split per document, no seed sentence in the corpus


def test_check_finds_a_leaked_gold_sentence(tmp_path):
    prose = next(s for s in load_split("train")[0].sentences if s.is_prose)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc_id": "g", "sentences": [{"text": prose.text, "boilerplate": False}]}) + "\n")
    problems = check(held_out=(gold,))
    assert any("also in held-out gold" in p for p in problems)


def test_splits_are_disjoint_cover_everything_and_keep_events_together():
    splits = json.loads(SPLITS_FILE.read_text())
    ids = [d for members in splits.values() for d in members]
    assert len(ids) == len(set(ids))
    documents = authored_documents()
    assert set(ids) == {doc.doc_id for doc in documents}
    assert len(splits["test"]) >= 0.1 * len(ids)
    split_of = {d: s for s, members in splits.items() for d in members}
    events: dict[str, set[str]] = {}
    for doc in documents:
        if doc.meta.get("event_id"):
            events.setdefault(doc.meta["event_id"], set()).add(split_of[doc.doc_id])
    assert events and all(len(s) == 1 for s in events.values())
    assert make_splits(documents, existing=split_of) == split_of
    originals = [d for d in documents if not d.doc_id.startswith("a08-")]  # part 08 was added to train only
    fresh = make_splits(originals)
    assert fresh == {d: s for d, s in split_of.items() if d in fresh}  # the first split is reproducible
    new = make_splits(documents[:5], existing={documents[0].doc_id: "test"}, new_split="train")
    assert new[documents[0].doc_id] == "test" and all(new[d.doc_id] == "train" for d in documents[1:5])


def test_augmentation_is_seeded_and_keeps_labels_consistent():
    doc = next(d for d in load_split("train") if any(s.speaker and " " in s.speaker and s.speaker[0].isupper() for s in d.sentences))
    first, again = augment(doc, random.Random(3)), augment(doc, random.Random(3))
    assert first == again and first.doc_id.endswith("~aug")
    prose = [s for s in first.sentences if s.is_prose]
    assert len(prose) == sum(s.is_prose for s in doc.sentences)
    for sentence in prose:
        assert sentence.speaker_mention is None or sentence.speaker_mention in sentence.text
        assert all(cue.lower() in sentence.text.lower() for cue in sentence.hedge_cues or [])
    assert any(s.boilerplate for s in first.sentences)
