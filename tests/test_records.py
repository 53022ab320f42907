import json

import pytest

from whosaid.data.records import Document, RecordError, Sentence, iter_documents, read_documents, write_documents


def _doc(**sentence):
    base = {"text": "Officials said the bridge would reopen.", "boilerplate": False, "speaker": "officials",
            "speaker_mention": "Officials", "stance": "assertion", "hedging": "none", "hedge_cues": []}
    return {"doc_id": "d1", "source": "test", "title": "t", "topic": "transport", "sentences": [{**base, **sentence}]}


def test_round_trip_keeps_everything(tmp_path):
    path = tmp_path / "docs.jsonl"
    doc = Document.from_dict(_doc())
    write_documents([doc], path)
    again = read_documents(path)
    assert again == [doc]
    assert json.loads(path.read_text())["topic"] == "transport"


def test_gold_seeds_validate():
    docs = read_documents("seeds/gold.jsonl")
    assert [d.doc_id for d in docs] == ["000_23e4e048f042158a", "004_d9e60ff68780d9d4"]  # the .txt files' stems
    assert sum(len(d.sentences) for d in docs) == 40


@pytest.mark.parametrize(
    ("change", "field"),
    [({"stance": "claim"}, "stance"), ({"hedging": "very"}, "hedging"), ({"boilerplate": "yes"}, "boilerplate"),
     ({"text": ""}, "text"), ({"hedge_cues": "may"}, "hedge_cues"), ({"boilerplate": True}, "speaker")],
)
def test_invalid_labels_name_line_and_field(tmp_path, change, field):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(_doc()) + "\n" + json.dumps(_doc(**change)) + "\n")
    with pytest.raises(RecordError) as error:
        read_documents(path)
    assert f"{path}:2" in str(error.value)
    assert f"'{field}'" in str(error.value)


def test_malformed_line_does_not_stop_iteration(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(_doc()) + "\n{not json\n" + json.dumps({**_doc(), "doc_id": "d2"}) + "\n")
    items = list(iter_documents(path))
    assert [type(i).__name__ for i in items] == ["Document", "RecordError", "Document"]
    assert "bad.jsonl" not in str(items[1]) and ":2: not valid JSON" in str(items[1])


def test_non_utf8_file_is_a_record_error(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(_doc(text="Caf\u00e9 owners said so."), ensure_ascii=False).encode("latin-1"))
    with pytest.raises(RecordError, match="not UTF-8"):
        read_documents(path)


def test_unlabelled_fields_stay_null():
    sentence = Sentence.from_dict({"text": "He said so.", "speaker": "Ortiz"})
    assert sentence.stance is None and sentence.boilerplate is None and not sentence.is_prose
