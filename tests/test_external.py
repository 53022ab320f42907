"""External benchmarks (training/external.py): the scorers on hand-made cases, and each benchmark end to end
on a few documents of ../shared/data with the rule baseline and the tiny model."""

import json

import pytest

from whosaid.data.public import Claim, detokenise, rebuild_article
from whosaid.data.records import AUTHOR, Document, Sentence
from whosaid.model.cli import main
from whosaid.training.external import (
    BENCHMARKS,
    ClaimerCounts,
    SpanCounts,
    answer_f1,
    claim_claimer,
    predicted_sources,
    token_spans,
)
from whosaid.training.train import SHARED_DATA

needs_data = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} (the shared benchmark data) is absent")


def test_span_counts_exact_overlap_and_cofenet_jaccard():
    counts = SpanCounts()
    counts.add(gold={(0, 2), (5, 9)}, predicted={(0, 2), (7, 9), (20, 21)})
    scores = counts.scores()
    assert scores["exact_precision"] == pytest.approx(100 / 3) and scores["exact_recall"] == 50.0
    assert scores["overlap_recall"] == pytest.approx(100 * (1 + 2 / 4) / 2)
    assert scores["overlap_precision"] == pytest.approx(100 * (1 + 1 + 0) / 3)
    # CofeNet: gold Jaccards (1 and 2/4) over gold spans plus the prediction touching no gold span
    assert scores["jaccard"] == pytest.approx(100 * 1.5 / 3)


def test_token_spans_and_mentions_found_in_their_sentence():
    text = "Spokeswoman Haley Morris says it will. He added more."
    assert token_spans(text, [(12, 24), (13, 24), (40, 40), (38, 39)]) == {(1, 3)}
    labelled = [
        (0, 38, Sentence("", False, "Haley Morris", "Haley Morris")),
        (39, 53, Sentence("", False, "Haley Morris", "he")),  # found case-insensitively
        (39, 53, Sentence("", False, AUTHOR, None)),
    ]
    assert predicted_sources(text, labelled) == [(12, 24), (39, 41)]


def test_answer_f1_normalises_as_the_official_scorer():
    assert answer_f1("The WHO", "WHO") == 1.0
    assert answer_f1("Dr. Anthony Fauci", "Anthony Fauci") == pytest.approx(0.8)
    assert answer_f1("<AUTHOR>", "researchers") == 0.0


def test_claimer_counts_follow_the_official_protocol():
    counts = ClaimerCounts()
    claims = [
        (Claim("a", 0, 5, True, "Anthony Fauci", True), "Fauci"),  # F1 2/3
        (Claim("b", 0, 5, True, "researchers", False), "researchers"),  # out of sentence, F1 1
        (Claim("c", 0, 5, True, "WHO", True), None),  # journalist predicted, F1 0
        (Claim("d", 0, 5, False, None, None), None),  # journalist, correct
        (Claim("e", 0, 5, False, None, None), "Fauci"),  # journalist missed
        (Claim("f", 0, 5, None, None, None), "anyone"),  # not annotated: not scored
    ]
    for claim, predicted in claims:
        counts.add(claim, predicted)
    scores = counts.scores()
    assert scores["reported_f1"] == pytest.approx(100 * (2 / 3 + 1 + 0) / 3)
    assert scores["in_sentence_f1"] == pytest.approx(100 / 3) and scores["out_of_sentence_f1"] == 100.0
    assert (scores["journalist_precision"], scores["journalist_recall"]) == (50.0, 50.0)
    assert scores["f1"] == pytest.approx((3 * scores["reported_f1"] + 2 * 50.0) / 5)


def test_claim_maps_to_the_sentence_overlapping_it_most():
    labelled = [(0, 10, Sentence("x", False, AUTHOR)), (11, 40, Sentence("y", False, "Travis Glenn")), (41, 50, Sentence("z", True))]
    assert claim_claimer(Claim("s", 5, 30, True, "Travis Glenn", False), labelled) == "Travis Glenn"
    assert claim_claimer(Claim("s", 0, 9, False, None, None), labelled) is None
    assert claim_claimer(Claim("s", 41, 50, False, None, None), labelled) is None  # boilerplate: the journalist


def test_rebuild_article_keeps_offsets():
    sentences = {"1": {"start_char": 0, "end_char": 2, "sentence": "Hi."}, "2": {"start_char": 4, "end_char": 6, "sentence": "Yo."},
                 "3": {"start_char": 9, "end_char": 11, "sentence": "Ok."}}
    assert rebuild_article(sentences) == "Hi. Yo.\n\nOk."
    with pytest.raises(ValueError, match="offsets"):
        rebuild_article({"1": {"start_char": 0, "end_char": 9, "sentence": "Hi."}})


def _run(tmp_path, *args) -> dict:
    out = tmp_path / "out"
    assert main(["benchmark", *args, "-o", str(out)]) == 0
    (result,) = out.glob("*.json")
    assert result.with_suffix(".md").exists()
    return json.loads(result.read_text())


@needs_data
def test_polnear_slice_with_rules(tmp_path):
    result = _run(tmp_path, "polnear", str(SHARED_DATA / "polnear"), "--split", "dev", "--limit", "1", "--model", "rules")
    scores = result["scores"]
    assert scores["articles"] == 1 and scores["gold_spans"] > 3
    assert scores["exact_f1"] > 20  # offsets line up: the rules find many sources exactly
    assert scores["overlap_f1"] >= scores["exact_f1"]


@needs_data
def test_newsclaims_slice_with_rules_writes_official_predictions(tmp_path):
    result = _run(tmp_path, "newsclaims", str(SHARED_DATA / "newsclaims"), "--split", "dev", "--limit", "2", "--model", "rules")
    gold = json.loads((SHARED_DATA / "newsclaims" / "dev.json").read_text())
    predicted = result["predictions"]
    assert {doc: set(claims) for doc, claims in predicted.items()} == {doc: set(gold[doc]) for doc in predicted}
    assert all(p["has_claimer"] == (p["claimer"] != "<AUTHOR>") for claims in predicted.values() for p in claims.values())
    assert result["scores"]["reported_claims"] + result["scores"]["journalist_claims"] > 0


@pytest.fixture(scope="module")
def tiny_labeler(tiny_model, pipeline):
    from whosaid.model.labeler import Labeler

    return Labeler.from_pretrained(tiny_model, pipeline=pipeline)


@needs_data
@pytest.mark.parametrize(
    ("benchmark", "path", "key"),
    [
        ("polnear", "polnear", "exact_f1"),
        ("newsclaims", "newsclaims", "f1"),
        ("hedging", "factuality/MEANTIME", "sentences"),
        ("hedging", "hedge_cues/szeged_uncertainty/factbank.xml", "cue_f1"),
    ],
)
def test_each_benchmark_runs_on_a_slice_with_the_tiny_model(tiny_labeler, benchmark, path, key):
    result = BENCHMARKS[benchmark](tiny_labeler, str(SHARED_DATA / path), "dev", 1, 16)
    assert 0 <= result["scores"][key] <= 100


class _FixedHedging:
    """A stand-in labeler that gives each sentence the hedging level it is told to."""

    def __init__(self, levels: dict[str, str]) -> None:
        self.levels = levels

    def __call__(self, documents, batch_size=16):
        return [Document(d.doc_id, [Sentence(s.text, False, AUTHOR, hedging=self.levels[s.text]) for s in d.sentences]) for d in documents]


def test_factuality_correlation_uses_the_main_event_certainty(tmp_path):
    rows = [("It rained .", 3.0, "none"), ("It may rain .", 1.2, "medium"), ("It did not rain .", -3.0, "none"),
            ("Rain is possible , perhaps .", 0.0, "high"), ("It probably rained .", 2.0, "low")]
    path = tmp_path / "test.jsonl"
    path.write_text("".join(json.dumps({"text": text, "targets": [{"span1": [1, 2], "label": score, "span_text": "x"}]}) + "\n"
                            for text, score, _ in rows))
    labeler = _FixedHedging({detokenise(text): level for text, _, level in rows})
    result = BENCHMARKS["hedging"](labeler, str(tmp_path), "test", None, 16)
    assert result["scores"]["sentences"] == 5
    assert result["scores"]["spearman"] == pytest.approx(-1.0)  # |score| (negation is not hedging) falls as hedging rises
    assert result["by_level"]["none"] == {"sentences": 2, "mean_certainty": 3.0}


def test_missing_benchmark_data_is_one_line(tmp_path, caplog):
    assert main(["benchmark", "newsclaims", str(tmp_path / "absent"), "--model", "rules"]) == 2
    assert "no such file or folder" in caplog.text
    assert main(["benchmark", "newsclaims", str(tmp_path), "--model", "rules"]) == 2
    assert "dev.json" not in caplog.text and "test.json: missing" in caplog.text
