"""Converters of public corpora (data/public.py) on tiny fixtures written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from whosaid.data.public import (
    detokenise,
    factuality_hedging,
    hedging_from_cues,
    load_factuality,
    load_polnear,
    load_szeged,
)
from whosaid.data.records import AUTHOR

# PolNeAR


def _ann(text: str, attributions: list[dict[str, str]], discards: list[str] = ()) -> str:
    """brat lines for attributions given as {role: span text} (its last occurrence) and Discard texts."""
    lines, number = [], 0

    def span(label: str, piece: str) -> str:
        nonlocal number
        number += 1
        start = text.rindex(piece)
        lines.append(f"T{number}\t{label} {start} {start + len(piece)}\t{piece}")
        return f"T{number}"

    for index, roles in enumerate(attributions, start=1):
        trigger = span("Attribution" if "Source" in roles else "Attribution-no-source", roles["Cue"])
        refs = " ".join(f"{role}:{span(role, piece)}" for role, piece in roles.items())
        lines.append(f"E{index}\tAttribution:{trigger} {refs}")
    for piece in discards:
        span("Discard", piece)
    return "\n".join(lines) + "\n"


BRIDGE = (
    "Mayor plans new bridge.\n\n"
    "Mayor Lena Fairbanks said the bridge will open next year. The council approved the budget on Monday.\n\n"
    '"We have waited long enough. The old crossing is dangerous," Fairbanks told reporters.\n\n'
    "It was reported that costs rose sharply.\n\n"
    "Follow us on Twitter.\n"
)
PRICES = "Prices will fall soon, said Tom Baker, an economist at the bank.\n"


@pytest.fixture(scope="module")
def polnear(tmp_path_factory) -> dict[str, list]:
    root = tmp_path_factory.mktemp("polnear")
    text_dir, ann_dir = root / "data" / "train" / "text", root / "data" / "train" / "attributions"
    text_dir.mkdir(parents=True)
    ann_dir.mkdir(parents=True)
    bridge = [
        {"Source": "Mayor Lena Fairbanks", "Cue": "said", "Content": "the bridge will open next year"},
        {"Source": "Fairbanks", "Cue": "told", "Content": "We have waited long enough. The old crossing is dangerous,"},
        {"Cue": "reported", "Content": "costs rose sharply"},
    ]
    prices = [{"Source": "Tom Baker, an economist at the bank", "Cue": "said", "Content": "Prices will fall soon"}]
    for name, text, attributions, discards in (
        ("a_bridge", BRIDGE, bridge, ["Follow us on Twitter."]),
        ("b_prices", PRICES, prices, []),
    ):
        (text_dir / f"{name}.txt").write_text(text, encoding="utf-8")
        (ann_dir / f"{name}_4e07.ann").write_text(_ann(text, attributions, discards), encoding="utf-8")
    documents = load_polnear(root, "train")
    return {d.doc_id.removeprefix("polnear-train-"): d.sentences for d in documents}


def _find(sentences: list, words: str):
    return next(s for s in sentences if words in s.text)


def test_polnear_speakers_from_sources(polnear):
    assert set(polnear) == {"a_bridge", "b_prices"}
    said = _find(polnear["a_bridge"], "bridge will open")
    assert (said.speaker, said.speaker_mention, said.boilerplate) == ("Lena Fairbanks", "Mayor Lena Fairbanks", False)
    assert said.stance is None and said.hedging is None and said.hedge_cues is None


def test_polnear_uncovered_sentences_are_author(polnear):
    for words in ("Mayor plans new bridge", "council approved"):
        sentence = _find(polnear["a_bridge"], words)
        assert (sentence.speaker, sentence.speaker_mention) == (AUTHOR, None)


def test_polnear_multi_sentence_quote_keeps_speaker(polnear):
    first, second = _find(polnear["a_bridge"], "waited long"), _find(polnear["a_bridge"], "crossing is dangerous")
    assert first is not second
    assert (first.speaker, first.speaker_mention) == ("Fairbanks", None)
    assert (second.speaker, second.speaker_mention) == ("Fairbanks", "Fairbanks")


def test_polnear_no_source_is_null_and_discard_is_boilerplate(polnear):
    passive = _find(polnear["a_bridge"], "costs rose")
    assert passive.boilerplate is False and passive.speaker is None
    footer = _find(polnear["a_bridge"], "Follow us")
    assert footer.boilerplate is True and footer.speaker is None


def test_polnear_tail_attribution_with_appositive(polnear):
    (sentence,) = polnear["b_prices"]
    assert sentence.speaker == "Tom Baker"
    assert sentence.speaker_mention == "Tom Baker, an economist at the bank"


# Hedge cues and Szeged


@pytest.mark.parametrize(
    ("cues", "level"),
    [
        ([], "none"),
        (["if", "would"], "none"),
        (["about"], "low"),
        (["expects"], "low"),
        (["may"], "medium"),
        (["likely", "up to"], "medium"),
        (["suggested", "might"], "high"),
        (["it is unclear"], "high"),
        (["remains to be seen"], "high"),
    ],
)
def test_hedging_from_cues(cues, level):
    assert hedging_from_cues(cues) == level


SZEGED = """<?xml version="1.0" encoding="UTF-8"?>
<Annotation><DocumentSet>
<Document type="unknown"><DocID type="FILENAME">NEWS001.txt</DocID><DocumentPart type="unknown">
<Sentence id="S1.1">The mill <ccue type="speculation_modal_probable_">may</ccue>  cut   jobs , managers said.</Sentence>
<Sentence id="S1.2">It is unclear <ccue type="speculation_hypo_investigation _">whether</ccue> the plan will work.</Sentence>
<Sentence id="S1.3">They asked <ccue type="speculation_hypo_investigation _">whether</ccue> it was legal.</Sentence>
<Sentence id="S1.4"><ccue type="speculation_hypo_condition _">If</ccue> prices rise, sales <ccue type="speculation_hypo_condition _">would</ccue> fall.</Sentence>
<Sentence id="S1.5">Analysts <ccue type="speculation_hypo_doxastic _">expect</ccue> about 300 layoffs.</Sentence>
<Sentence id="S1.6">Nearly 40 workers protested.</Sentence>
<Sentence id="S1.7">He <ccue type="speculation_hypo_doxastic _">believes</ccue> the deal <ccue type="speculation_modal_probable_">could</ccue> collapse.</Sentence>
<Sentence id="S1.8">The union does n't agree.</Sentence>
</DocumentPart></Document>
<Document type="Wikipedia_text_weasel"><DocID type="WIKIPEDIA_ARTICLE_ID">Some Town_12</DocID>
<DocumentPart type="Title"><Sentence id="S2.1">Some Town</Sentence></DocumentPart>
<DocumentPart type="Text"><Sentence id="S2.2">The <ccue type="speculation_hypo_doxastic _">alleged</ccue> bribe was paid in cash.</Sentence></DocumentPart>
</Document>
</DocumentSet></Annotation>
"""


@pytest.fixture
def szeged(tmp_path) -> Path:
    path = tmp_path / "news.xml"
    path.write_text(SZEGED, encoding="utf-8")
    return path


def test_szeged_cues_and_levels(szeged):
    news, wiki = load_szeged(szeged)
    assert news.doc_id == "szeged-news-NEWS001"
    got = [(s.text, s.hedge_cues, s.hedging) for s in news.sentences]
    assert got == [
        ("The mill may cut jobs, managers said.", ["may"], "medium"),
        ("It is unclear whether the plan will work.", ["unclear whether"], "high"),
        ("They asked whether it was legal.", [], "none"),
        ("If prices rise, sales would fall.", [], "none"),
        ("Analysts expect about 300 layoffs.", ["expect", "about"], "medium"),
        ("Nearly 40 workers protested.", ["Nearly"], "low"),
        ("He believes the deal could collapse.", ["believes", "could"], "high"),
        ("The union doesn't agree.", [], "none"),
    ]
    assert all(s.speaker is None and s.stance is None and s.boilerplate is None for s in news.sentences)
    assert wiki.title == "Some Town"
    assert [(s.text, s.hedge_cues, s.hedging) for s in wiki.sentences] == [("The alleged bribe was paid in cash.", [], "none")]


def test_szeged_limit(szeged):
    assert len(load_szeged(szeged, limit=1)) == 1


# Factuality


@pytest.mark.parametrize(
    ("score", "level"),
    [(3.0, "none"), (2.5, "none"), (2.4, "low"), (1.5, "low"), (1.4, "medium"), (0.5, "medium"), (0.4, "high"), (0.0, "high"), (-3.0, "none"), (-1.0, "medium")],
)
def test_factuality_thresholds(score, level):
    assert factuality_hedging(score) == level


@pytest.mark.parametrize(
    ("tokens", "text"),
    [
        ("I do n't know , he said .", "I don't know, he said."),
        ("They don 't care .", "They don't care."),
        ("`` Hi , '' she said ( loudly ) .", '"Hi," she said (loudly).'),
        ('He said " no " twice .', 'He said "no" twice.'),
        ("It cost $ 5 , or 10 % more .", "It cost $5, or 10% more."),
        ("Airbus ' jets are the mayor 's pride .", "Airbus' jets are the mayor's pride."),
    ],
)
def test_detokenise(tokens, text):
    assert detokenise(tokens) == text


# (tokens, targets as (token index, score), parse rows as (head, dependency, lemma))
REPORTED = (
    "Officials said the plant might close .",
    [(1, 3.0), (5, 1.0)],
    [(1, "nsubj", "official"), (1, "ROOT", "say"), (3, "det", "the"), (5, "nsubj", "plant"), (5, "aux", "may"), (1, "ccomp", "close"), (1, "punct", ".")],
)
BACKGROUND = (
    "The plant , which may close , hired workers .",
    [(5, 0.4), (7, 3.0)],
    [(1, "det", "the"), (7, "nsubj", "plant"), (1, "punct", ","), (5, "nsubj", "which"), (5, "aux", "may"), (1, "relcl", "close"), (1, "punct", ","), (7, "ROOT", "hire"), (7, "dobj", "worker"), (7, "punct", ".")],
)
PLAIN = ("Workers protested .", [(1, 3.0)], [(1, "nsubj", "worker"), (1, "ROOT", "protest"), (1, "punct", ".")])


def _write_factuality(folder: Path, sentences: list[tuple], with_parse: bool) -> Path:
    folder.mkdir(parents=True)
    rows, blocks = [], []
    for index, (text, targets, parse) in enumerate(sentences):
        tokens = text.split()
        scores = dict(targets)
        rows.append(
            {
                "text": text,
                "targets": [{"span1": [i, i + 1], "label": score, "span_text": tokens[i]} for i, score in targets],
                "file_idx": index,
                "idx": index,
            }
        )
        blocks.append(
            "\n".join(f"{i}\t{tok}\t{scores.get(i, '_')}\tX\t{head}\t{dep}\t{lemma}" for i, (tok, (head, dep, lemma)) in enumerate(zip(tokens, parse)))
        )
    path = folder / "train.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    if with_parse:
        (folder / "train.conll").write_text("\n\n".join(blocks) + "\n\n", encoding="utf-8")
    return path


def test_factuality_main_event_from_parse(tmp_path):
    path = _write_factuality(tmp_path / "UW", [REPORTED, BACKGROUND, *[PLAIN] * 15], with_parse=True)
    documents = load_factuality(path)
    assert [d.doc_id for d in documents] == ["uw-train-0001", "uw-train-0002"]
    assert [len(d.sentences) for d in documents] == [15, 2]
    first, second = documents[0].sentences[:2]
    assert (first.text, first.hedging) == ("Officials said the plant might close.", "medium")
    assert (second.text, second.hedging) == ("The plant, which may close, hired workers.", "none")
    assert first.hedge_cues is None and first.speaker is None and first.stance is None and first.boilerplate is None
    assert len(load_factuality(path, limit=1)) == 1


def test_factuality_without_parse_takes_lowest_score(tmp_path):
    path = _write_factuality(tmp_path / "MEANTIME", [REPORTED, BACKGROUND], with_parse=False)
    (document,) = load_factuality(path)
    assert document.doc_id == "meantime-train-0001"
    assert [s.hedging for s in document.sentences] == ["medium", "high"]
