"""The command line end to end, with the rule baseline (no trained model needed)."""

import json

import pytest
from conftest import SEEDS

from whosaid.data.records import read_documents
from whosaid.model.cli import main

SEED_FILES = sorted(str(p) for p in SEEDS.glob("*.txt"))


def test_label_seeds_with_rules_and_evaluate(tmp_path, capsys):
    out = tmp_path / "labels.jsonl"
    assert main(["label", *SEED_FILES, "-o", str(out), "--model", "rules"]) == 0
    documents = read_documents(out)
    assert [len(d.sentences) for d in documents] == [25, 15]
    assert all(s.speaker for d in documents for s in d.sentences if s.boilerplate is False)
    report_dir = tmp_path / "report"
    assert main(["evaluate", str(SEEDS / "gold.jsonl"), str(out), "-o", str(report_dir)]) == 0
    table = capsys.readouterr().out
    assert "| rules |" in table and "| majority |" in table and "| labels |" in table
    assert json.loads((report_dir / "report.json").read_text())["labels"]["problems"] == []  # documents and sentences align
    assert (report_dir / "report.json").exists() and (report_dir / "confusion_rules_hedging.png").exists()


def test_bad_inputs_are_reported_and_the_rest_labelled(tmp_path, caplog):
    good = tmp_path / "good.txt"
    good.write_text("The port reopened on Monday, officials said.")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02PNG")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Le caf\u00e9 a ferm\u00e9, a dit le maire.".encode("latin-1"))
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text('{"doc_id": "a", "text": "Police said two men were arrested."}\n{broken\n{"doc_id": "c"}\n')
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.txt"
    args = ["label", str(good), str(empty), str(binary), str(latin), str(jsonl), str(tmp_path / "missing.txt")]
    assert main([*args, "-o", str(out), "--errors", str(errors), "--model", "rules"]) == 0
    assert [d.doc_id for d in read_documents(out)] == ["good", "a"]
    reasons = errors.read_text().splitlines()
    assert len(reasons) == 6
    for name, words in [("empty.txt", "empty"), ("binary.txt", "binary"), ("latin.txt", "UTF-8"), ("docs.jsonl:2", "malformed JSON"),
                        ("docs.jsonl:3", "text"), ("missing.txt", "no such file")]:
        assert any(name in line and words in line for line in reasons + [r.message for r in caplog.records]), name


def test_nothing_processable_exits_non_zero(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["label", str(empty), "--model", "rules", "-o", str(tmp_path / "o.jsonl")]) == 1


@pytest.mark.parametrize("files", [[], ["config.json"], ["config.json", "model.safetensors", "tokenizer_config.json"]])
def test_missing_or_corrupt_model_is_one_line(tmp_path, files, caplog):
    model = tmp_path / "model"
    model.mkdir()
    for name in files:
        (model / name).write_text("not a model")
    article = tmp_path / "a.txt"
    article.write_text("Officials said so.")
    assert main(["label", str(article), "--model", str(model)]) == 2
    message = caplog.records[-1].message
    assert str(model) in message and "\n" not in message and ("train" in message or "retrain" in message)
