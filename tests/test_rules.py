"""The rule baseline on hand-made sentences, one phenomenon each, and on the gold seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from whosaid.data.records import AUTHOR, HEDGING_LEVELS, STANCES, read_documents
from whosaid.model.rules import RuleLabeler

SEEDS = Path(__file__).parents[1] / "seeds"


@pytest.fixture(scope="module")
def text_pipeline():
    from whosaid.data.segment import TextPipeline

    return TextPipeline()


@pytest.fixture(scope="module")
def run(text_pipeline):
    labeler = RuleLabeler()

    def label(sentences: list[str]):
        return labeler.label(text_pipeline.parse(sentences))

    return label


def one(run, sentence: str):
    return run(["A headline about the harbour", sentence])[1]


# Speaker


def test_reporting_verb_before(run) -> None:
    record = one(run, "Harbour master Tomas Lindqvist said on Monday that the port would reopen.")
    assert record.speaker == "Tomas Lindqvist"
    assert record.speaker_mention == "Harbour master Tomas Lindqvist"


def test_reporting_verb_after(run) -> None:
    record = one(run, "The port will reopen next week, the harbour authority said.")
    assert record.speaker == "harbour authority"
    assert record.speaker_mention == "the harbour authority"


def test_according_to(run) -> None:
    record = one(run, "According to the coastguard, two boats sank overnight.")
    assert record.speaker == "coastguard"


def test_intermediary_goes_to_original_speaker(run) -> None:
    record = one(run, "According to a report from Radio Nord, Lindqvist stated that the port would reopen.")
    assert record.speaker == "Lindqvist"


def test_reaction(run) -> None:
    record = one(run, "The closure has drawn criticism from Oslo.")
    assert record.speaker == "Oslo"


def test_pronoun_back_reference(run) -> None:
    records = run(
        [
            "Port to reopen",
            "Harbour master Tomas Lindqvist toured the docks on Monday.",
            "He said the cranes had been repaired.",
        ]
    )
    assert records[2].speaker == "Tomas Lindqvist"
    assert records[2].speaker_mention == "He"


def test_continued_quotation(run) -> None:
    records = run(
        [
            "Port to reopen",
            "“The cranes are fixed.",
            "The ships can come back.",
            "We are ready,” Lindqvist said.",
        ]
    )
    assert [r.speaker for r in records[1:]] == ["Lindqvist"] * 3
    assert records[1].speaker_mention is None and records[2].speaker_mention is None
    assert records[3].speaker_mention == "Lindqvist"


def test_unnamed_source(run) -> None:
    record = one(run, "A senior diplomat told reporters the talks had stalled.")
    assert record.speaker == "senior diplomat"
    assert record.hedging == "none"


def test_author_hard_negative(run) -> None:
    record = one(run, "Lindqvist did not disclose the cost of the repairs.")
    assert record.speaker == AUTHOR
    assert record.speaker_mention is None


def test_plain_event_is_author(run) -> None:
    assert one(run, "The storm flooded three streets near the harbour.").speaker == AUTHOR


def test_headline_tail_speaker(run) -> None:
    assert run(["Port will reopen next week: Lindqvist"])[0].speaker == "Lindqvist"


def test_document_speaks_for_its_author(run) -> None:
    record = one(run, "The ministry's statement said the port was safe.")
    assert record.speaker == "ministry"


# Stance


@pytest.mark.parametrize(
    ("sentence", "stance"),
    [
        ("The coastguard warned that more storms were coming.", "warning"),
        ("Officials urged residents to prepare for flooding.", "warning"),
        ("The harbour authority corroborated these figures on Friday.", "corroboration"),
        ("The ministry also acknowledged that the cranes were broken.", "corroboration"),
        ("Analysts estimated the damage at 40 million crowns.", "estimate"),
        ("Nearly 3,000 homes lost power.", "estimate"),
        ("The port reopened on Monday.", "assertion"),
    ],
)
def test_stance(run, sentence: str, stance: str) -> None:
    assert one(run, sentence).stance == stance


def test_confirmed_fresh_announcement_is_assertion(run) -> None:
    assert one(run, "Health officials confirmed two more cases on Tuesday.").stance == "assertion"


# Hedging


@pytest.mark.parametrize(
    ("sentence", "level"),
    [
        ("Lindqvist said the cranes were repaired.", "none"),
        ("Lindqvist said that nearly 3,000 containers were stuck.", "low"),
        ("The union claimed the repairs were rushed.", "low"),
        ("Some workers have reportedly left the port.", "medium"),
        ("Analysts believe that around 12,000 jobs are at stake.", "medium"),
        ("Lindqvist suggested that the port might close again.", "high"),
        ("The figures could not be independently verified.", "high"),
        ("It is unclear whether the port will reopen.", "high"),
    ],
)
def test_hedging_levels(run, sentence: str, level: str) -> None:
    assert one(run, sentence).hedging == level


@pytest.mark.parametrize(
    "sentence",
    [
        "Workers can use the new crane from Monday.",
        "Police arrested the suspected smuggler at the dock.",
        "The cargo was mostly grain.",
        "Storms may not be frequent, but they are costly.",
        "The repairs may as well have been cosmetic.",
    ],
)
def test_non_cues(run, sentence: str) -> None:
    record = one(run, sentence)
    assert record.hedging == "none", record.hedge_cues


def test_hedge_cues_as_written(run) -> None:
    record = one(run, "Lindqvist suggested that the port might close again.")
    assert record.hedge_cues == ["suggested", "might"]


def test_background_clause_cues_skipped(run) -> None:
    record = one(run, "The union, which has claimed responsibility for the strike, said the port was closed.")
    assert record.speaker == "union"
    assert record.hedging == "none"


# Boilerplate


def test_boilerplate_lines(run) -> None:
    records = run(["Port to reopen", "ShareFacebook Twitter WhatsApp", "Lindqvist", "The port reopened on Monday."])
    assert [r.boilerplate for r in records] == [False, True, True, False]
    assert records[1].speaker is None and records[1].stance is None and records[1].hedging is None


def test_clutter_segment_without_span() -> None:
    from whosaid.data.segment import Segment

    records = RuleLabeler().label([Segment("4 months ago 90", None, clutter=True)])
    assert records[0].boilerplate is True


def test_label_documents(run, text_pipeline) -> None:
    documents = [text_pipeline.parse(["Port to reopen", "It rained."]), text_pipeline.parse(["Another story"])]
    assert [len(d) for d in RuleLabeler().label_documents(documents)] == [2, 1]


def test_gold_seeds_get_valid_labels(text_pipeline) -> None:
    labeler = RuleLabeler()
    for document in read_documents(SEEDS / "gold.jsonl"):
        records = labeler.label(text_pipeline.parse(document.texts))
        assert [r.text for r in records] == document.texts
        for record in records:
            if record.boilerplate:
                assert record.speaker is None and record.stance is None and record.hedging is None
                continue
            assert record.speaker and record.stance in STANCES and record.hedging in HEDGING_LEVELS
            assert record.speaker_mention is None or record.speaker_mention in record.text
            assert isinstance(record.hedge_cues, list)
