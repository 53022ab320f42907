"""Records -> ``datasets.Dataset`` of encoder windows (batched by :class:`WindowCollator`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from datasets import Dataset

from whosaid.data.records import Document
from whosaid.data.segment import TextPipeline
from whosaid.model.features import Featurizer, SentenceInput, sentence_inputs
from whosaid.model.rules import RuleLabeler

logger = logging.getLogger(__name__)


def document_inputs(documents: Iterable[Document], pipeline: TextPipeline, rules: RuleLabeler | None) -> list[list[SentenceInput]]:
    """Parse each document's sentences (boundaries kept), with candidates, rule labels and gold."""
    documents = list(documents)
    segments = iter(pipeline.parse([s.text for doc in documents for s in doc.sentences]))
    return [sentence_inputs([next(segments) for _ in doc.sentences], rules, doc.sentences) for doc in documents]


def build_dataset(documents: Iterable[Document], featurizer: Featurizer, pipeline: TextPipeline, rules: RuleLabeler | None) -> Dataset:
    """One row per window, with labels, ready for ``Trainer``."""
    rows = [
        window.features()
        for inputs in document_inputs(documents, pipeline, rules)
        for window in featurizer.windows(inputs, with_labels=True)
    ]
    logger.info("built %d windows", len(rows))
    return Dataset.from_list(rows)
