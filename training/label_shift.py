"""Label-shift correction: real news is mostly unhedged assertion; the authored corpus is not.

The target priors are estimated from the rule baseline's labels on a sample of real news
(PolNeAR's train split, never realdev or the seeds); the correction
``log p_target(y) - log p_train(y)`` is stored in the model config and added to the stance
and hedging logits at inference (Saerens et al., 2002, without the EM refinement).
"""

from __future__ import annotations

import logging
from collections import Counter

import numpy as np

from whosaid.data.records import Document

logger = logging.getLogger(__name__)


def class_priors(documents: list[Document], field: str, classes: list[str], smoothing: float = 1.0) -> np.ndarray:
    """Smoothed class frequencies of one field over the prose sentences that carry it."""
    counts = Counter(getattr(s, field) for doc in documents for s in doc.sentences if s.is_prose and getattr(s, field))
    values = np.array([counts[c] + smoothing for c in classes], dtype=float)
    return values / values.sum()


def estimate_label_shift(
    train: list[Document], target: list[Document], stances: list[str], levels: list[str], scale: float = 1.0
) -> dict[str, list[float]]:
    """Per field, the logit offsets that move the training priors to the target's, times
    ``scale`` (below 1 where the rules' estimate of the target priors is trusted less)."""
    shift = {}
    for field, classes in (("stance", stances), ("hedging", levels)):
        source_prior = class_priors(train, field, classes)
        target_prior = class_priors(target, field, classes)
        shift[field] = [round(float(x), 4) for x in scale * (np.log(target_prior) - np.log(source_prior))]
        logger.info("%s priors: train %s -> target %s", field, np.round(source_prior, 3), np.round(target_prior, 3))
    return shift
