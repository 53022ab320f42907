"""Records -> ``datasets.Dataset`` of encoder windows, and the batch collator."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import torch
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


class WindowCollator:
    """Pads token-level fields to the longest window of the batch; slot fields are fixed size."""

    def __init__(self, pad_token_id: int) -> None:
        self.token_fields = {"input_ids": pad_token_id, "cue_labels": -100}

    def __call__(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        length = max(len(row["input_ids"]) for row in rows)
        batch: dict[str, torch.Tensor] = {}
        for name in rows[0]:
            if name in self.token_fields:
                fill = self.token_fields[name]
                batch[name] = torch.tensor([row[name] + [fill] * (length - len(row[name])) for row in rows])
            else:
                batch[name] = torch.tensor([row[name] for row in rows])
        batch["attention_mask"] = torch.tensor([[1] * len(r["input_ids"]) + [0] * (length - len(r["input_ids"])) for r in rows])
        return batch
