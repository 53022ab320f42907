"""Speaker canonicalisation, claim alignment and their scores, on tiny hand-made documents."""

import hashlib
import json
import logging
import re

import numpy as np
import pytest

from whosaid.data.records import Document, Sentence, write_documents
from whosaid.model.alignment import (
    PAIR_FEATURES,
    AlignmentSettings,
    Batch,
    PairScorer,
    align,
    candidate_pairs,
    differences,
    numbers,
)
from whosaid.model.canonical import canonicalise
from whosaid.training.crossdoc_metrics import (
    bcubed,
    cross_document_pairs,
    fit_pair_scorer,
    pair_examples,
    pairwise,
    save_pair_scorer,
    score_gold,
)


def bag_of_words(texts: list[str]) -> np.ndarray:
    """A deterministic stand-in for the sentence encoder: hashed word counts, L2-normalised."""
    out = np.zeros((len(texts), 256), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % 256] += 1
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


bag_of_words.encoder_name = "bag-of-words"  # as SentenceEncoder names itself, to pick its pair weights


def capitalised(texts: list[str]) -> list[list[tuple[str, str]]]:
    """A stand-in NER: capitalised words after the first are entities."""
    return [[(w, "ORG") for w in re.findall(r"(?<=\s)[A-Z][a-z]+", text)] for text in texts]


# For the bag-of-words embedder: a pair is matched where 20 * cosine + 100 * margin reaches 10.
TOY = PairScorer({name: {"cosine": 20.0, "margin": 100.0}.get(name, 0.0) for name in PAIR_FEATURES}, -10.0, 0.5)


def sentence(text, speaker="AUTHOR", stance="assertion", hedging="none", mention=None):
    return Sentence(text, boilerplate=False, speaker=speaker, speaker_mention=mention, stance=stance, hedging=hedging)


def doc(doc_id, *sentences, **meta):
    return Document(doc_id, list(sentences), source="test", meta=meta)


def ids_by_speaker(documents):
    return {(d.doc_id, s.speaker): s.speaker_id for d in documents for s in d.sentences if s.speaker_id}


def test_transliterations_join_and_the_fullest_form_names_the_cluster():
    docs = [
        doc("a", sentence("Volodymyr Zelenskyy said X.", "Volodymyr Zelenskyy"), sentence("Y, Zelenskyy said.", "Zelenskyy")),
        doc("b", sentence("Zelensky stated Z.", "Zelensky"), sentence("John Kirby added W.", "John Kirby")),
    ]
    clusters = canonicalise(docs)
    ids = ids_by_speaker(docs)
    assert ids[("a", "Volodymyr Zelenskyy")] == ids[("a", "Zelenskyy")] == ids[("b", "Zelensky")]
    assert ids[("b", "John Kirby")] != ids[("b", "Zelensky")]
    assert {c.name for c in clusters} == {"Volodymyr Zelenskyy", "John Kirby"}
    assert all(s.speaker_id is None for d in docs for s in d.sentences if s.speaker == "AUTHOR")


def test_two_kims_stay_apart_and_a_bare_surname_does_not_pick_one():
    docs = [
        doc("a", sentence("Andy Kim said X.", "Andy Kim")),
        doc("b", sentence("Young Kim said Y.", "Young Kim")),
        doc("c", sentence("Kim said Z.", "Kim")),
    ]
    canonicalise(docs)
    ids = ids_by_speaker(docs)
    assert len({ids[("a", "Andy Kim")], ids[("b", "Young Kim")], ids[("c", "Kim")]}) == 3


def test_a_bare_surname_joins_the_one_person_it_fits():
    docs = [doc("a", sentence("Andy Kim said X.", "Andy Kim")), doc("b", sentence("Kim said Z.", "Kim"))]
    canonicalise(docs)
    ids = ids_by_speaker(docs)
    assert ids[("a", "Andy Kim")] == ids[("b", "Kim")]


def test_a_description_joins_the_name_its_document_links_it_to():
    linked = doc(
        "a",
        sentence("Ukrainian President Volodymyr Zelenskyy said X.", "Volodymyr Zelenskyy"),
        sentence("The Ukrainian president also said Y.", "Ukrainian president"),
    )
    unlinked = doc("b", sentence("The Ukrainian president said Z.", "Ukrainian president"))
    canonicalise([linked, unlinked])
    ids = ids_by_speaker([linked, unlinked])
    assert ids[("a", "Ukrainian president")] == ids[("a", "Volodymyr Zelenskyy")]
    assert ids[("b", "Ukrainian president")] != ids[("a", "Volodymyr Zelenskyy")]


def test_acronym_and_proper_descriptions():
    docs = [
        doc("a", sentence("The World Health Organization said X.", "World Health Organization"),
            sentence("South Korea's spy agency estimated Y.", "South Korea's spy agency")),
        doc("b", sentence("WHO said X.", "WHO"), sentence("South Korea's intelligence agency said Y.", "South Korea's intelligence agency"),
            sentence("South Korea's military said Z.", "South Korea's military")),
    ]  # fmt: skip
    canonicalise(docs)
    ids = ids_by_speaker(docs)
    assert ids[("a", "World Health Organization")] == ids[("b", "WHO")]
    assert ids[("a", "South Korea's spy agency")] == ids[("b", "South Korea's intelligence agency")]
    assert ids[("b", "South Korea's military")] != ids[("b", "South Korea's intelligence agency")]


def test_numbers_are_normalised():
    assert numbers("about 10,000 troops") == numbers("10k troops") == numbers("ten thousand troops") == {"10000"}
    assert numbers("twenty-five killed in 2024") == {"25", "2024"}


def _pair():
    a = doc(
        "a",
        sentence("Kyiv Post headline"),
        Sentence("Share this article", boilerplate=True),
        sentence("The Pentagon estimated that 1,000 soldiers died near Kursk.", "Pentagon", "estimate", "low"),
        sentence("Officials said the Kursk offensive may have stalled.", "officials", "assertion", "medium"),
    )
    b = doc(
        "b",
        sentence("Analysts in Berlin praised the Kursk Pentagon move."),
        sentence("John Kirby said 1000 soldiers died near Kursk, the Pentagon said.", "John Kirby", "assertion", "none"),
    )
    return a, b


def test_alignment_groups_the_shared_claim_and_flags_its_differences():
    a, b = _pair()
    canonicalise([a, b])
    groups = align([a, b], bag_of_words, capitalised, scorer=TOY)
    assert [g.members for g in groups] == [[(0, 2), (1, 1)]]
    fields = {d["field"]: d["detail"] for d in groups[0].differences}
    assert fields["stance"] == "estimate in a vs assertion in b"
    assert fields["hedging"] == "hedge dropped: low in a, none in b"
    assert fields["speaker"] == "Pentagon in a, John Kirby in b"


def test_hedging_changes_follow_the_order_of_levels():
    a = doc("a", sentence("X.", hedging="low"))
    b = doc("b", sentence("X.", hedging="high"))
    c = doc("c", sentence("X.", hedging="medium"))
    details = [d["detail"] for d in differences([a, b, c], [0, 0, 0])]
    assert details == ["softened: low in a, high in b", "firmed: high in b, medium in c"]
    assert differences([a, a], [0, 0]) == []


def test_blocking_keeps_documents_without_shared_entities_apart(caplog):
    a, b = _pair()
    other = doc("c", sentence("Residents of Lagos welcomed the Harmattan rains."))
    canonicalise([a, b, other])
    rows_docs = [a, b, other]
    groups = align(rows_docs, bag_of_words, capitalised, scorer=TOY)
    assert all(d != 2 for g in groups for d, _ in g.members)
    from whosaid.model.alignment import SentenceFeatures

    texts = [s.text for d in rows_docs for s in d.sentences]
    features = SentenceFeatures(texts, bag_of_words, capitalised)
    rows = [np.array([features.row[s.text] for s in d.sentences]) for d in rows_docs]
    assert candidate_pairs(rows_docs, rows, features, AlignmentSettings()) == [(0, 1)]
    with caplog.at_level(logging.WARNING):
        assert candidate_pairs(rows_docs, rows, features, AlignmentSettings(max_block=1)) == []
    assert "skipped" in caplog.text


def test_dates_block_documents_far_apart():
    a, b = _pair()
    a.meta["date"], b.meta["date"] = "2024-01-01", "2024-03-01"
    assert align([a, b], bag_of_words, capitalised, scorer=TOY) == []
    b.meta["date"] = "2024-01-03"
    assert len(align([a, b], bag_of_words, capitalised, scorer=TOY)) == 1


def test_bcubed_and_pairwise_on_textbook_examples():
    scores = bcubed({"a": 1, "b": 1, "c": 2}, {"a": "x", "b": "y", "c": "y"})
    assert scores["precision"] == pytest.approx(2 / 3) and scores["recall"] == pytest.approx(2 / 3)
    assert bcubed({"a": 1, "b": 1}, {"a": "x", "b": "x"})["f1"] == 1.0
    assert bcubed({"a": 1, "b": 2}, {})["f1"] == 1.0  # missing items are singletons
    scores = pairwise({(1, 2), (3, 4)}, {(1, 2), (2, 3)})
    assert scores["precision"] == 0.5 and scores["recall"] == 0.5 and scores["f1"] == 0.5
    assert cross_document_pairs([[("a", 0), ("a", 1), ("b", 2)]]) == {
        frozenset({("a", 0), ("b", 2)}), frozenset({("a", 1), ("b", 2)})
    }


def test_score_gold_reads_predicted_ids_at_gold_positions():
    a, b = _pair()
    canonicalise([a, b])
    gold = {"events": [{"event_id": "e1", "documents": ["a", "b"],
                        "speakers": [{"name": "Pentagon", "members": [["a", "Pentagon"], ["b", "John Kirby"]]},
                                     {"name": "officials", "members": [["a", "officials"]]}],
                        "claims": [{"claim": "1,000 died", "members": [["a", 2], ["b", 1]]}]}]}  # fmt: skip
    docs = {d.doc_id: d for d in (a, b)}
    result = score_gold(gold, docs, docs, [[("a", 2), ("b", 1)]], {"a": "train", "b": "train"})
    assert result["all"]["claims"]["f1"] == 1.0
    assert result["by_split"]["train"]["speakers"]["precision"] == 1.0
    assert result["all"]["speakers"]["recall"] == pytest.approx((0.5 + 0.5 + 1) / 3)


@pytest.fixture
def toy_labelled(tmp_path, monkeypatch):
    """The toy document pair as a labelled JSONL, with the toy embedder, tagger and pair scorer patched in."""
    from whosaid.model import alignment

    monkeypatch.setattr(alignment, "SentenceEncoder", lambda path=None: bag_of_words)
    monkeypatch.setattr(alignment, "spacy_tagger", lambda: capitalised)
    monkeypatch.setattr(alignment.PairScorer, "load", lambda encoder: TOY)
    labelled = tmp_path / "labelled.jsonl"
    write_documents(_pair(), labelled)
    return labelled


def test_cli_writes_claims_and_speaker_ids(tmp_path, toy_labelled, capsys):
    from whosaid.model.cli import main

    labelled = toy_labelled
    gold = tmp_path / "alignment.json"
    gold.write_text(json.dumps({"events": [{"event_id": "e1", "documents": ["a", "b"], "speakers": [],
                                            "claims": [{"claim": "c", "members": [["a", 2], ["b", 1]]}]}]}))  # fmt: skip
    claims, out, speakers = tmp_path / "claims.jsonl", tmp_path / "out.jsonl", tmp_path / "speakers.jsonl"
    argv = ["compare", str(labelled), "-o", str(claims), "--labelled-out", str(out), "--speakers", str(speakers), "--gold", str(gold)]
    assert main(argv) == 0
    [claim] = [json.loads(line) for line in claims.read_text().splitlines()]
    assert claim["claim_id"] == "c00001" and {m["index"] for m in claim["members"]} == {2, 1}
    assert set(claim["members"][0]) == {"doc_id", "index", "text", "speaker", "speaker_id", "stance", "hedging", "hedge_cues"}
    assert {d["field"] for d in claim["differences"]} == {"stance", "hedging", "speaker"}
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records[0]["sentences"][2]["speaker_id"].startswith("s") and "speaker_id" not in records[0]["sentences"][0]
    assert len(speakers.read_text().splitlines()) == 3  # Pentagon, officials, John Kirby
    scores = json.loads(claims.with_suffix(".scores.json").read_text())
    assert scores[str(gold)]["all"]["claims"]["f1"] == 1.0
    assert "| all |" in capsys.readouterr().out


def test_cli_names_a_missing_gold_document(tmp_path, toy_labelled, caplog):
    from whosaid.model.cli import main

    labelled = toy_labelled
    gold = tmp_path / "alignment.json"
    gold.write_text(json.dumps({"events": [{"event_id": "e", "documents": ["zzz"], "speakers": [], "claims": []}]}))
    assert main(["compare", str(labelled), "-o", str(tmp_path / "c.jsonl"), "--gold", str(gold)]) == 2
    assert "zzz" in caplog.text


def test_compare_returns_documents_with_ids_and_claim_rows():
    from whosaid.model.compare import compare

    documents, claims = compare(_pair(), bag_of_words, capitalised, scorer=TOY)
    assert documents[1].sentences[1].speaker_id is not None
    assert [(m["doc_id"], m["index"]) for m in claims[0]["members"]] == [("a", 2), ("b", 1)]


def test_a_claim_split_over_two_sentences_joins_one_group_up_to_the_cap():
    a = doc("a", sentence("Officials in Kursk and Russia said 12 soldiers died."), sentence("Officials in Kursk and Russia said 30 soldiers were wounded."))
    b = doc("b", sentence("Officials in Kursk and Russia said 12 soldiers died and 30 soldiers were wounded."))
    [group] = align([a, b], bag_of_words, capitalised, scorer=TOY)
    assert sorted(group.members) == [(0, 0), (0, 1), (1, 0)]
    [group] = align([a, b], bag_of_words, capitalised, AlignmentSettings(max_per_document=1), TOY)
    assert len(group.members) == 2


def test_shipped_weights_cover_every_feature_of_both_encoders():
    for encoder in ("all-MiniLM-L6-v2", "all-mpnet-base-v2"):
        scorer = PairScorer.load(encoder)
        assert set(scorer.coefficients) == set(PAIR_FEATURES) and 0 < scorer.threshold < 1
        assert scorer.coefficients["cosine"] > 0
    with pytest.raises(ValueError, match="no pair weights for encoder 'other'"):
        PairScorer.load("other")


def _event(n: int) -> tuple[dict, list[Document]]:
    """An event of two documents: two shared claims in different words, and one unrelated sentence each."""
    place, river, count = f"Town{n}", ("Ravi", "Indus", "Tana", "Volta", "Congo", "Niger", "Oder", "Elbe", "Rhine", "Po")[n], 10 + n
    a = doc(f"a{n}", sentence(f"Floods in {place} killed {count} people, officials said."),
            sentence(f"The River {river} in {place} burst its banks after heavy rain."),
            sentence(f"Schools in {place} will reopen on Monday."))  # fmt: skip
    b = doc(f"b{n}", sentence(f"Officials in {place} said {count} people were killed by floods."),
            sentence(f"Heavy rain made the River {river} burst its banks in {place}."),
            sentence(f"A local football club in {place} cancelled its match."))  # fmt: skip
    claims = [{"claim": "toll", "members": [[a.doc_id, 0], [b.doc_id, 0]]},
              {"claim": "river", "members": [[a.doc_id, 1], [b.doc_id, 1]]}]  # fmt: skip
    return {"event_id": f"e{n}", "documents": [a.doc_id, b.doc_id], "speakers": [], "claims": claims}, [a, b]


def test_pair_examples_label_the_gold_pairs():
    event, documents = _event(1)
    features, labels = pair_examples(Batch(documents, bag_of_words, capitalised), [event])
    assert features.shape == (9, len(PAIR_FEATURES))
    assert labels.tolist() == [True, False, False, False, True, False, False, False, False]


def test_fitted_scorer_aligns_held_out_events_and_round_trips(tmp_path):
    events, documents = zip(*(_event(n) for n in range(6)))
    documents = [d for pair in documents for d in pair]
    gold = {"events": list(events)}
    scorer, how = fit_pair_scorer(gold, documents, bag_of_words, capitalised, {d.doc_id: "train" for d in documents})
    assert how["train_events"] == 6 and how["cv_claim_pair_f1"] >= 0.75  # held-out events of this toy scheme
    path = tmp_path / "weights.json"
    save_pair_scorer(path, "toy", scorer, how)
    assert PairScorer.load("toy", path) == scorer
    _, new = _event(9)
    groups = align(new, bag_of_words, capitalised, scorer=scorer)
    assert [g.members for g in groups] == [[(0, 0), (1, 0)], [(0, 1), (1, 1)]]
    with pytest.raises(ValueError, match="train-split events"):
        fit_pair_scorer(gold, documents, bag_of_words, capitalised, {})


def test_cli_fit_weights_needs_train_events_in_the_gold(tmp_path, monkeypatch, caplog):
    from whosaid.model import alignment
    from whosaid.model.cli import main

    monkeypatch.setattr(alignment, "SentenceEncoder", lambda path=None: bag_of_words)
    monkeypatch.setattr(alignment, "spacy_tagger", lambda: capitalised)
    monkeypatch.setattr(alignment, "WEIGHTS_FILE", tmp_path / "weights.json")
    labelled = tmp_path / "labelled.jsonl"
    write_documents(_pair(), labelled)
    assert main(["compare", str(labelled), "-o", str(tmp_path / "c.jsonl"), "--fit-weights"]) == 2
    assert "needs --gold" in caplog.text
    gold = tmp_path / "alignment.json"
    gold.write_text(json.dumps({"events": [{"event_id": "e", "documents": ["a", "b"], "speakers": [], "claims": []}]}))
    assert main(["compare", str(labelled), "-o", str(tmp_path / "c.jsonl"), "--gold", str(gold), "--fit-weights"]) == 2
    assert "train-split events" in caplog.text and not (tmp_path / "weights.json").exists()
    assert main(["compare", str(labelled), "--encoder", str(tmp_path / "nowhere")]) == 2
    assert "not an encoder folder" in caplog.text


def test_cli_names_an_encoder_without_pair_weights(tmp_path, monkeypatch, caplog):
    from whosaid.model import alignment
    from whosaid.model.cli import main

    monkeypatch.setattr(alignment, "SentenceEncoder", lambda path=None: bag_of_words)
    monkeypatch.setattr(alignment, "spacy_tagger", lambda: capitalised)
    labelled = tmp_path / "labelled.jsonl"
    write_documents(_pair(), labelled)
    assert main(["compare", str(labelled), "-o", str(tmp_path / "c.jsonl")]) == 2
    assert "no pair weights for encoder 'bag-of-words'" in caplog.text
