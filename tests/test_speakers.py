"""Mention trimming, candidate mentions and document-level speaker resolution (ANNOTATION.md section 2)."""

from __future__ import annotations

import pytest

from whosaid.model.speakers import PRONOUNS, Mention, SpeakerResolver, candidate_mentions, head_noun, trim_mention


@pytest.fixture(scope="module")
def nlp():
    from whosaid.data.segment import TextPipeline

    return TextPipeline().nlp


@pytest.mark.parametrize(
    ("mention", "speaker"),
    [
        ("Ukrainian President Volodymyr Zelenskyy", "Volodymyr Zelenskyy"),
        ("National Security Council spokesman John Kirby", "John Kirby"),
        ("Mr. Obama", "Obama"),
        ("Nato chief Mark Rutte", "Mark Rutte"),
        ("The White House", "White House"),
        ("South Korea's spy agency", "South Korea's spy agency"),
        ("Western allies of Kyiv", "Western allies of Kyiv"),
        ("Priya Raman, the agency's deputy director", "Priya Raman"),
        ("a senior diplomat", "senior diplomat"),
        ("another source", "source"),
        ("two union negotiators", "union negotiators"),
        ("officials,", "officials"),
        ("the mayor, who took office in May", "mayor"),
    ],
)
def test_trim_mention(mention: str, speaker: str) -> None:
    assert trim_mention(mention) == speaker


def test_trim_mention_uses_person_entity_of_span(nlp) -> None:
    doc = nlp("Harbour master Tomas Lindqvist said the port would close.")
    subject = doc[0:4]
    assert trim_mention(subject.text.lower(), subject) == "Tomas Lindqvist"


def test_trim_keeps_possessive_person_phrase(nlp) -> None:
    doc = nlp("Tomas Lindqvist's office said the port would close.")
    assert trim_mention(doc[0:4].text, doc[0:4]) == "Tomas Lindqvist's office"


def test_head_noun() -> None:
    assert head_noun("the state health department") == "department"
    assert head_noun("the authors of that piece") == "authors"


def test_pronouns_cover_subject_forms() -> None:
    assert {"he", "she", "they", "it", "we", "i"} <= PRONOUNS


def test_candidate_mentions(nlp) -> None:
    doc = nlp("Energy Minister Ruth Adebayo told reporters that officials and the ministry expect delays, and she added more.")
    mentions = candidate_mentions(doc[:])
    texts = [m.text for m in mentions]
    assert "Energy Minister Ruth Adebayo" in texts and "Ruth Adebayo" in texts
    assert "officials" in texts and "the ministry" in texts and "she" in texts
    assert len(texts) == len(set((m.start, m.end) for m in mentions))
    for m in mentions:
        assert doc.text[m.start : m.end] == m.text
    kinds = {m.text: m.kind for m in mentions}
    assert kinds["she"] == "pronoun" and kinds["Ruth Adebayo"] == "name" and kinds["officials"] == "description"


def test_candidate_mentions_of_none() -> None:
    assert candidate_mentions(None) == []


def _observe(nlp, resolver: SpeakerResolver, sentences: list[str]) -> None:
    for index, text in enumerate(sentences):
        resolver.observe(index, candidate_mentions(nlp(text)[:]))


def test_pronoun_resolves_to_nearest_person(nlp) -> None:
    sentences = [
        "Health Minister Amara Osei opened the new clinic on Monday.",
        "The clinic cost the region a great deal of money.",
        "She said the staff would start in June.",
    ]
    resolver = SpeakerResolver()
    _observe(nlp, resolver, sentences)
    assert resolver.resolve(Mention(0, 3, "She", "pronoun"), 2) == "Amara Osei"


def test_pronoun_it_resolves_to_organisation(nlp) -> None:
    sentences = ["Orbital Freight Ltd opened a depot near Leeds.", "It said forty jobs would follow."]
    resolver = SpeakerResolver()
    _observe(nlp, resolver, sentences)
    assert resolver.resolve(Mention(0, 2, "It", "pronoun"), 1) == "Orbital Freight Ltd"  # the subject, not the place


def test_description_prefers_mention_with_its_head(nlp) -> None:
    sentences = [
        "Health Minister Amara Osei visited the ward with Daniel Brooks.",
        "Daniel Brooks runs the hospital.",
        "The minister said more beds were coming.",
    ]
    resolver = SpeakerResolver()
    _observe(nlp, resolver, sentences)
    assert resolver.resolve(Mention(0, 12, "The minister", "description"), 2) == "Amara Osei"


def test_description_resolves_to_named_organisation(nlp) -> None:
    sentences = [
        "The New Jersey Department of Health reported three cases.",
        "The state health department said testing continues.",
        "The statement said residents should stay calm.",
    ]
    resolver = SpeakerResolver()
    _observe(nlp, resolver, sentences)
    for index, text in ((1, "The state health department"), (2, "The statement")):
        assert resolver.resolve(Mention(0, len(text), text, "description"), index) == "New Jersey Department of Health"


def test_description_uses_nearest_form_of_name(nlp) -> None:
    sentences = [
        "Ukrainian President Volodymyr Zelensky spoke on Friday.",
        "Zelensky stated that the soldiers died.",
        "The Ukrainian president claimed they had minimal protection.",
    ]
    resolver = SpeakerResolver()
    _observe(nlp, resolver, sentences)
    assert resolver.resolve(Mention(0, 23, "The Ukrainian president", "description"), 2) == "Zelensky"


def test_unnamed_sources_keep_description(nlp) -> None:
    resolver = SpeakerResolver()
    _observe(nlp, resolver, ["Mayor Lena Ortiz spoke.", "A senior diplomat told reporters the talks stalled."])
    assert resolver.resolve(Mention(0, 17, "A senior diplomat", "description"), 1) == "senior diplomat"
    assert resolver.resolve(Mention(0, 9, "officials", "description"), 1) == "officials"


def test_resolve_only_looks_back(nlp) -> None:
    resolver = SpeakerResolver()
    _observe(nlp, resolver, ["He said it was over.", "Coach Pat Delaney left the stadium."])
    assert resolver.resolve(Mention(0, 2, "He", "pronoun"), 0) == "He"
