"""ONNX export and the ONNX Runtime backend of the Labeler, on the tiny model."""

from __future__ import annotations

import shutil

import pytest
from conftest import SEEDS

from whosaid.model.cli import main
from whosaid.model.export import export_model
from whosaid.model.labeler import Labeler, ModelLoadError, check_model_dir
from whosaid.model.onnx_backend import FP32_FILE, INT8_FILE, OnnxWhosaidModel


@pytest.fixture(scope="module")
def seed_texts() -> list[dict]:
    return [{"doc_id": path.stem, "text": path.read_text()} for path in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture(scope="module")
def torch_labels(tiny_model, pipeline, seed_texts):
    return Labeler.from_pretrained(tiny_model, pipeline)(seed_texts, batch_size=4)


@pytest.fixture(scope="module")
def fp32_dir(tiny_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("onnx_fp32")
    export_model(tiny_model, out)
    return out


@pytest.fixture(scope="module")
def int8_dir(tiny_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("onnx_int8")
    export_model(tiny_model, out, int8=True)
    return out


def sentences(documents):
    return [sentence for document in documents for sentence in document.sentences]


def test_export_writes_a_loadable_onnx_folder(fp32_dir, int8_dir):
    assert (fp32_dir / FP32_FILE).is_file() and not (fp32_dir / INT8_FILE).exists()
    assert (int8_dir / INT8_FILE).is_file() and not (int8_dir / FP32_FILE).exists()
    assert (int8_dir / INT8_FILE).stat().st_size < (fp32_dir / FP32_FILE).stat().st_size
    for folder in (fp32_dir, int8_dir):
        check_model_dir(folder)
        assert {"config.json", "tokenizer_config.json", "README.md"} <= {p.name for p in folder.iterdir()}
        assert not (folder / "model.safetensors").exists()
    assert "## ONNX export" in (int8_dir / "README.md").read_text()


def test_fp32_labels_equal_pytorch_on_the_seeds(fp32_dir, pipeline, seed_texts, torch_labels):
    labeler = Labeler.from_pretrained(fp32_dir, pipeline)
    assert isinstance(labeler.model, OnnxWhosaidModel)
    labelled = labeler(seed_texts, batch_size=4)
    assert [d.to_dict() for d in labelled] == [d.to_dict() for d in torch_labels]


def test_int8_labels_mostly_agree_with_pytorch(int8_dir, pipeline, seed_texts, torch_labels):
    labelled = sentences(Labeler.from_pretrained(int8_dir, pipeline)(seed_texts, batch_size=4))
    expected = sentences(torch_labels)
    assert [s.text for s in labelled] == [s.text for s in expected]
    # Not the hedge cues: the random cue head's probabilities sit at the 0.5 threshold, where any noise flips them.
    for field in ("boilerplate", "speaker", "stance", "hedging"):
        same = sum(getattr(a, field) == getattr(b, field) for a, b in zip(labelled, expected))
        assert same / len(expected) >= 0.9, (field, same)


def test_one_document_and_batches_agree(fp32_dir, pipeline, seed_texts):
    labeler = Labeler.from_pretrained(fp32_dir, pipeline)
    together = labeler(seed_texts, batch_size=3)
    alone = labeler.label_text(seed_texts[1]["text"], doc_id=seed_texts[1]["doc_id"])
    assert together[1].to_dict() == alone.to_dict()


def test_corrupt_onnx_file_gives_model_load_error(fp32_dir, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(fp32_dir, broken)
    (broken / FP32_FILE).write_bytes(b"not an onnx graph")
    with pytest.raises(ModelLoadError, match="re-export"):
        Labeler.from_pretrained(broken)


def test_folder_without_weights_names_what_is_missing(fp32_dir, tmp_path):
    empty = tmp_path / "empty"
    shutil.copytree(fp32_dir, empty)
    (empty / FP32_FILE).unlink()
    with pytest.raises(ModelLoadError, match=r"missing model\.safetensors.*whosaid export"):
        check_model_dir(empty)


def test_cli_export(tiny_model, tmp_path, capsys):
    out = tmp_path / "exported"
    assert main(["export", "--model", str(tiny_model), "-o", str(out), "--onnx", "--int8"]) == 0
    assert capsys.readouterr().out.strip() == str(out / INT8_FILE)
    check_model_dir(out)


def test_cli_export_refuses_bad_requests(tiny_model, tmp_path, caplog):
    assert main(["export", "--model", str(tiny_model), "-o", str(tmp_path / "x")]) == 2
    assert "--onnx" in caplog.text
    assert main(["export", "--model", str(tiny_model), "-o", str(tiny_model), "--onnx"]) == 2
    assert "new folder" in caplog.text
    assert main(["export", "--model", str(tmp_path / "nothing"), "-o", str(tmp_path / "y"), "--onnx"]) == 2
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
