"""Records -> ``datasets.Dataset`` of encoder windows, and the batch collator."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import torch
from datasets import Dataset

from whosaid.data.records import Document
from whosaid.data.segment import TextPipeline
from whosaid.model.features import Featurizer, SentenceInput
from whosaid.model.speakers import candidate_mentions

logger = logging.getLogger(__name__)


def sentence_inputs(documents: Iterable[Document], pipeline: TextPipeline, *, with_gold: bool = True) -> list[list[SentenceInput]]:
    """Parse each document's sentences (boundaries kept) and collect speaker candidates."""
    documents = list(documents)
    flat = [s.text for doc in documents for s in doc.sentences]
    segments = iter(pipeline.parse(flat))
    out = []
    for doc in documents:
        inputs = []
        for sentence in doc.sentences:
            segment = next(segments)
            inputs.append(SentenceInput(sentence.text, candidate_mentions(segment.span), sentence if with_gold else None))
        out.append(inputs)
    return out


def build_dataset(documents: Iterable[Document], featurizer: Featurizer, pipeline: TextPipeline) -> Dataset:
    """One row per window, with labels, ready for ``Trainer``."""
    rows = [
        window.features()
        for inputs in sentence_inputs(documents, pipeline)
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
