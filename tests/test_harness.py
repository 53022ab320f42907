import json

from whosaid.data.records import Document, Sentence
from whosaid.training.harness import score_system, write_report


def _doc(doc_id, labels):
    return Document(doc_id, [Sentence(t, bp, sp, None, st, h, []) for t, bp, sp, st, h in labels])


GOLD = [_doc("a", [("Share", True, None, None, None), ("He said A.", False, "Ortiz", "assertion", "none"),
                   ("It may rain.", False, "AUTHOR", "warning", "medium")])]


def test_perfect_prediction_scores_one(tmp_path):
    result = score_system("copy", GOLD, GOLD)
    assert result.scores["speaker_strict"] == 1.0 and result.scores["stance_macro_f1"] == 1.0
    assert result.scores["boilerplate_f1"] == 1.0 and not result.problems and not result.errors


def test_mismatches_are_reported_not_skipped(tmp_path):
    pred = [_doc("a", [("Share", False, "AUTHOR", "assertion", "none"), ("He said B.", False, "Maria Ortiz", "assertion", "high")]),
            _doc("zzz", [])]
    result = score_system("sys", [*GOLD, _doc("b", [("x", True, None, None, None)])], pred)
    text = "\n".join(result.problems)
    assert "a: 3 gold sentences but 2 predicted" in text
    assert "a[1]: text differs" in text
    assert "b: no prediction" in text
    assert result.scores["speaker_lenient"] == 1.0 and result.scores["speaker_strict"] == 0.0
    assert {e["field"] for e in result.errors} == {"boilerplate", "hedging"}
    report = write_report("t", [result], tmp_path)
    assert "| sys |" in report.read_text()
    assert (tmp_path / "confusion_sys_stance.png").stat().st_size > 1000
    assert json.loads((tmp_path / "report.json").read_text())["sys"]["scores"]["speaker_strict"] == 0.0
