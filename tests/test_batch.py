"""Batch labelling: input kinds, CSV in and out, resume after a kill, bad records, workers."""

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT, SEEDS

from whosaid.data.corpus import load_split
from whosaid.data.records import read_documents
from whosaid.model.batch import CSV_FIELDS, OutputSink
from whosaid.model.cli import main

SEED_FILES = sorted(str(p) for p in SEEDS.glob("*.txt"))


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    """A JSONL of 80 articles (corpus test documents as raw text, repeated under new ids)."""
    documents = load_split("test")
    path = tmp_path_factory.mktemp("articles") / "articles.jsonl"
    with path.open("w") as handle:
        for i in range(80):
            doc = documents[i % len(documents)]
            handle.write(json.dumps({"doc_id": f"{doc.doc_id}-{i}", "text": "\n".join(doc.texts)}) + "\n")
    return path


def label(*args: str) -> int:
    return main(["label", *args, "--model", "rules", "--no-progress"])


def test_csv_in_and_out_with_chosen_columns(tmp_path):
    source = tmp_path / "in.csv"
    with source.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["story", "body", "outlet"])
        writer.writerow(["s1", "The mayor said the bridge would reopen in May.\nIt rained.", "Gazette"])
        writer.writerow(["s2", "Police estimated the crowd at 5,000.", "Courier"])
        writer.writerow(["", "No id here.", "Courier"])
    out = tmp_path / "out.csv"
    errors = tmp_path / "errors.txt"
    assert label(str(source), "--text-column", "body", "--id-column", "story", "-o", str(out), "--errors", str(errors)) == 0
    rows = list(csv.DictReader(out.open()))
    assert tuple(rows[0]) == CSV_FIELDS
    assert [r["doc_id"] for r in rows] == ["s1", "s1", "s2"] and rows[0]["speaker"] == "mayor"
    assert "in.csv:5" in errors.read_text() and "story" in errors.read_text()


def test_missing_csv_column_names_the_columns_and_the_fix(tmp_path, caplog):
    source = tmp_path / "in.csv"
    source.write_text("id,content\n1,Officials said so.\n")
    assert label(str(source), "-o", str(tmp_path / "o.jsonl")) == 1
    message = caplog.records[-1].message
    assert "'text'" in message and "content" in message and "--text-column" in message


def test_quoted_glob_recursive_folder_and_stdin(tmp_path, monkeypatch):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("The minister said taxes would rise.")
    (tmp_path / "a" / "b" / "two.txt").write_text("Analysts expect growth of 2%.")
    out = tmp_path / "glob.jsonl"
    assert label(str(tmp_path / "a" / "**" / "*.txt"), "-o", str(out)) == 0
    assert sorted(d.doc_id for d in read_documents(out)) == ["one", "two"]
    out = tmp_path / "folder.jsonl"
    assert label(str(tmp_path / "a"), "-o", str(out)) == 0
    assert len(read_documents(out)) == 2
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO('{"doc_id": "x", "text": "He said no."}\n'))
    out = tmp_path / "stdin.jsonl"
    assert label("-", "-o", str(out)) == 0
    assert [d.doc_id for d in read_documents(out)] == ["x"]


def test_bad_records_are_counted_and_the_run_goes_on(tmp_path, caplog):
    huge = tmp_path / "huge.txt"
    huge.write_text("The council said the road would close. " * 260_000)  # about 10 MB
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_bytes(
        b'{"doc_id": "a", "text": "Police said two men were arrested."}\n'
        b'{"doc_id": "a", "text": "A second record with the same id."}\n'
        b'{"doc_id": "b", "text": "caf\xe9"}\n'
        b'{"doc_id": "c", "title": "no text"}\n'
    )
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.txt"
    with caplog.at_level("INFO"):
        assert label(str(huge), str(jsonl), "-o", str(out), "--errors", str(errors)) == 0
    assert [d.doc_id for d in read_documents(out)] == ["a"]
    reasons = errors.read_text()
    assert "huge.txt" in reasons and "limit" in reasons
    assert "duplicate doc_id 'a'" in reasons and "docs.jsonl:3" in reasons and "UTF-8" in reasons and "docs.jsonl:4" in reasons
    assert "1 documents labelled" in caplog.text and "0 skipped" in caplog.text and "4 failed" in caplog.text


def test_rerun_skips_what_is_written_and_repairs_a_torn_tail(tmp_path, articles, caplog):
    out = tmp_path / "out.jsonl"
    first = tmp_path / "first.jsonl"
    first.write_text("".join(articles.read_text().splitlines(keepends=True)[:3]))
    assert label(str(first), "-o", str(out)) == 0
    lines = out.read_text().splitlines(keepends=True)
    out.write_text("".join(lines[:2]) + lines[2][:40])  # a crash mid-write
    with caplog.at_level("INFO"):
        assert label(str(first), "-o", str(out)) == 0
    assert "1 documents labelled" in caplog.text and "2 skipped" in caplog.text
    assert out.read_text().splitlines(keepends=True) == lines


def test_csv_output_resumes_after_a_torn_document(tmp_path):
    (tmp_path / "out.csv").write_text(",".join(CSV_FIELDS) + "\r\n" + "d1,0,Hi.,False,AUTHOR,,assertion,none,,\r\n" + "d2,0,Par")
    assert OutputSink(tmp_path / "out.csv").written_ids() == {"d1"}
    assert "d2" not in (tmp_path / "out.csv").read_text()


def test_killed_run_loses_nothing_on_resume(tmp_path, articles):
    """kill -9 mid-run: every written line is whole, and a rerun completes the output exactly."""
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "whosaid.model.cli", "label", str(articles), "-o", str(out), "--model", "rules"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.read_text().count("\n") < 1):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    written = out.read_text().splitlines(keepends=True)
    assert 0 < len(written) < 80, "the kill should land mid-run"
    for line in written[:-1]:
        json.loads(line)
    assert label(str(articles), "-o", str(out)) == 0
    reference = tmp_path / "reference.jsonl"
    assert label(str(articles), "-o", str(reference)) == 0
    assert sorted(out.read_text().splitlines()) == sorted(reference.read_text().splitlines())


def test_two_workers_give_the_single_process_output(tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert label(*SEED_FILES, "-o", str(one)) == 0
    assert label(*SEED_FILES, "-o", str(two), "--workers", "2") == 0
    assert one.read_text() == two.read_text()
