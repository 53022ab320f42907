"""``label_with_ray`` on a local 2-actor Ray gives what one process gives."""

import pytest
from conftest import SEEDS

from whosaid.data.records import read_documents
from whosaid.model import ray_engine
from whosaid.model.cli import UserError
from whosaid.model.inputs import InputError, iter_inputs
from whosaid.model.labeler import Labeler
from whosaid.model.ray_engine import label_with_ray

pytest.importorskip("ray.data", reason="Ray is the optional extra: pip install 'whosaid[ray]'")

SEED_FILES = sorted(str(p) for p in SEEDS.glob("*.txt"))


def test_ray_labels_what_one_process_labels(tmp_path, tiny_model, monkeypatch):
    monkeypatch.setattr(ray_engine, "DOCUMENTS_PER_SHARD", 2)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text('{"doc_id": "a", "text": "Police said two men were arrested."}\n{broken\n')
    inputs = [*SEED_FILES, str(empty), str(jsonl), str(tmp_path / "missing.txt")]
    output, errors = tmp_path / "out", tmp_path / "errors.txt"

    counts = label_with_ray(inputs, output, model=str(tiny_model), batch_size=4, workers=2, errors=errors)

    items = list(iter_inputs(inputs))
    documents = [item for item in items if not isinstance(item, InputError)]
    expected = Labeler.from_pretrained(tiny_model)(documents, batch_size=4)
    labelled = [d for part in sorted(output.glob("part-*.jsonl")) for d in read_documents(part)]
    assert counts == {"done": 3, "failed": 3}
    assert sorted(p.name for p in output.glob("part-*.jsonl")) == ["part-00000.jsonl", "part-00001.jsonl"]
    assert _by_id(labelled) == _by_id(expected)
    problems = [str(item) for item in items if isinstance(item, InputError)]
    assert sorted(errors.read_text().splitlines()) == sorted(problems)


def test_bad_model_is_one_line_before_ray_starts(tmp_path):
    (tmp_path / "model").mkdir()
    with pytest.raises(UserError, match="not a whosaid model") as raised:
        label_with_ray(SEED_FILES, tmp_path / "out", model=str(tmp_path / "model"), batch_size=4, workers=2)
    assert "\n" not in str(raised.value)
    assert not (tmp_path / "out").exists()


def test_refuses_to_mix_with_earlier_shards(tmp_path):
    (tmp_path / "part-00000.jsonl").write_text("")
    with pytest.raises(UserError, match="already holds part"):
        label_with_ray(SEED_FILES, tmp_path, model="rules", batch_size=4, workers=2)


def _by_id(documents) -> list[dict]:
    return sorted((d.to_dict() for d in documents), key=lambda d: d["doc_id"])


def test_ray_embedder_equals_the_local_encoder(tiny_encoder):
    """``whosaid compare --engine ray``: sentence embeddings from Ray actors, in order, as computed locally."""
    import numpy as np

    from whosaid.model.alignment import SentenceEncoder
    from whosaid.model.ray_engine import RayEmbedder

    texts = [f"Officials said {n} people were evacuated from the valley." for n in range(40)] + ["Short one."]
    with RayEmbedder(str(tiny_encoder), workers=2) as embed:
        remote = embed(texts)
    assert embed.encoder_name == tiny_encoder.name
    np.testing.assert_allclose(remote, SentenceEncoder(str(tiny_encoder))(texts), atol=1e-5)
