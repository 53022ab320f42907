import pytest

from whosaid.training.metric_module import load_metric
from whosaid.training.metrics import (
    boilerplate_metrics,
    hedging_metrics,
    normalise_speaker,
    speaker_match,
    speaker_metrics,
    stance_metrics,
)


def test_normalisation_follows_the_guide():
    assert normalise_speaker("The White House") == ("white", "house")
    assert normalise_speaker("South Korea’s spy agency") == ("south", "korea", "'s", "spy", "agency")
    assert normalise_speaker("U.S. officials") == ("u", "s", "officials")


@pytest.mark.parametrize(
    ("pred", "gold", "strict", "lenient"),
    [
        ("Zelenskyy", "Volodymyr Zelenskyy", False, True),
        ("the White House", "White House", True, True),
        ("Zelensky", "Zelenskyy", False, False),
        ("Volodymyr Zelenskyy", "Zelenskyy", False, True),
        ("spy agency", "South Korea's spy agency", False, True),
        ("South Korea", "South Korea's spy agency", False, False),
        ("AUTHOR", "AUTHOR", True, True),
        (None, "AUTHOR", False, False),
    ],
)
def test_speaker_matching(pred, gold, strict, lenient):
    assert speaker_match(pred, gold) is strict
    assert speaker_match(pred, gold, lenient=True) is lenient


def test_speaker_metrics_hand_computed():
    gold = ["AUTHOR", "Volodymyr Zelenskyy", "White House", "AUTHOR", None]
    pred = ["AUTHOR", "Zelenskyy", "AUTHOR", "officials", "Kirby"]
    m = speaker_metrics(pred, gold)
    assert m["n"] == 4
    assert m["strict_accuracy"] == pytest.approx(1 / 4)
    assert m["lenient_accuracy"] == pytest.approx(2 / 4)
    # attributed: gold has 2, predicted 2 (Zelenskyy, officials), 1 right
    assert m["attributed_precision"] == pytest.approx(0.5)
    assert m["attributed_recall"] == pytest.approx(0.5)
    assert m["attributed_f1"] == pytest.approx(0.5)


def test_boilerplate_metrics_hand_computed():
    m = boilerplate_metrics([True, True, False, False, True], [True, False, True, False, None])
    assert (m["precision"], m["recall"], m["f1"]) == (0.5, 0.5, 0.5)


def test_stance_metrics_hand_computed():
    gold = ["assertion", "assertion", "warning", "estimate"]
    pred = ["assertion", "warning", "warning", "assertion"]
    m = stance_metrics(pred, gold)
    assert m["accuracy"] == 0.5
    # per class F1 over present classes: assertion 0.5, warning 2/3, estimate 0
    assert m["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 0) / 3)
    assert m["per_class"]["corroboration"]["support"] == 0


def test_hedging_metrics_hand_computed():
    gold = ["none", "low", "medium", "high"]
    pred = ["none", "medium", "medium", "none"]
    m = hedging_metrics(pred, gold)
    assert m["exact_accuracy"] == 0.5
    assert m["within_one_accuracy"] == 0.75
    assert -1 <= m["quadratic_kappa"] < 1
    perfect = hedging_metrics(gold, gold)
    assert perfect["quadratic_kappa"] == pytest.approx(1.0) and perfect["macro_f1"] == 1.0


def test_evaluate_module_matches_functions():
    rows_gold = [
        {"boilerplate": False, "speaker": "Volodymyr Zelenskyy", "stance": "estimate", "hedging": "low"},
        {"boilerplate": True, "speaker": None, "stance": None, "hedging": None},
        {"boilerplate": False, "speaker": "AUTHOR", "stance": "assertion", "hedging": "none"},
    ]
    rows_pred = [
        {"boilerplate": False, "speaker": "Zelenskyy", "stance": "estimate", "hedging": "medium"},
        {"boilerplate": False, "speaker": "AUTHOR", "stance": "assertion", "hedging": "none"},
        {"boilerplate": False, "speaker": "AUTHOR", "stance": "assertion", "hedging": "none"},
    ]
    scores = load_metric().compute(predictions=rows_pred, references=rows_gold)
    assert scores["speaker_lenient"] == 1.0 and scores["speaker_strict"] == 0.5
    assert scores["boilerplate_f1"] == 0.0
    assert scores["hedging_exact"] == 0.5 and scores["hedging_within_one"] == 1.0
