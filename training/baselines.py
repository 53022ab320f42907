"""Trivial reference systems for results tables."""

from __future__ import annotations

from whosaid.data.records import AUTHOR, Document, Sentence


def majority_baseline(gold: list[Document]) -> list[Document]:
    """Every segment prose, AUTHOR, assertion, no hedging: the majority class of each field."""
    return [
        Document(doc.doc_id, [Sentence(s.text, False, AUTHOR, None, "assertion", "none", []) for s in doc.sentences])
        for doc in gold
    ]
