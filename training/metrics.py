"""Per-field metric functions, shared by training's ``compute_metrics`` and the harness.

Inputs are parallel lists of labels, one item per sentence; ``None`` in a reference
means the field is not labelled for that sentence, so it is left out of that field's
scores. Speaker strings are compared after :func:`normalise_speaker` (ANNOTATION.md
section 2).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import cohen_kappa_score, confusion_matrix, f1_score, precision_recall_fscore_support

from whosaid.data.records import AUTHOR, HEDGING_LEVELS, STANCES

_POSSESSIVE = re.compile(r"(\w)['’]s\b")
_PUNCT = re.compile(r"[^\w\s']|(?<!\s)'|'(?!s\b)")


def normalise_speaker(speaker: str | None) -> tuple[str, ...]:
    """Lower case, punctuation and a leading "the" removed, possessive "'s" kept as a token."""
    if speaker is None:
        return ()
    text = _POSSESSIVE.sub(r"\1 's", speaker.lower().replace("’", "'"))
    tokens = _PUNCT.sub(" ", text).split()
    if tokens[:1] == ["the"]:
        tokens = tokens[1:]
    return tuple(tokens)


def speaker_match(predicted: str | None, gold: str | None, *, lenient: bool = False) -> bool:
    """Strict: equal normalised strings. Lenient: one side's tokens all occur in the other's
    and both end in the same token ("Zelenskyy" ~ "Volodymyr Zelenskyy")."""
    pred, ref = normalise_speaker(predicted), normalise_speaker(gold)
    if not pred or not ref:
        return False
    if pred == ref:
        return True
    if not lenient or pred[-1] != ref[-1]:
        return False
    short, long = (pred, ref) if len(pred) <= len(ref) else (ref, pred)
    return set(short) <= set(long)


def _labelled(predictions: Sequence, references: Sequence) -> tuple[list, list]:
    pairs = [(p, r) for p, r in zip(predictions, references, strict=True) if r is not None]
    return [p for p, _ in pairs], [r for _, r in pairs]


def boilerplate_metrics(predictions: Sequence[bool | None], references: Sequence[bool | None]) -> dict[str, float]:
    """Precision, recall and F1 of the boilerplate class."""
    preds, refs = _labelled(predictions, references)
    if not refs:
        return {}
    p, r, f, _ = precision_recall_fscore_support(
        [bool(x) for x in refs], [bool(x) for x in preds], average="binary", pos_label=True, zero_division=0
    )
    return {
        "precision": float(p),
        "recall": float(r),
        "f1": float(f),
        "support": int(sum(map(bool, refs))),
        "n": len(refs),
    }


def f1(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def speaker_metrics(predictions: Sequence[str | None], references: Sequence[str | None]) -> dict[str, float]:
    """Strict and lenient accuracy, and P/R/F1 of attributed (non-AUTHOR) speakers, lenient."""
    preds, refs = _labelled(predictions, references)
    if not refs:
        return {}
    strict = [speaker_match(p, r) for p, r in zip(preds, refs)]
    lenient = [speaker_match(p, r, lenient=True) for p, r in zip(preds, refs)]
    gold_attr = [r != AUTHOR for r in refs]
    pred_attr = [p is not None and p != AUTHOR for p in preds]
    hits = sum(ok and g and q for ok, g, q in zip(lenient, gold_attr, pred_attr))
    precision = hits / sum(pred_attr) if any(pred_attr) else 0.0
    recall = hits / sum(gold_attr) if any(gold_attr) else 0.0
    return {
        "strict_accuracy": float(np.mean(strict)),
        "lenient_accuracy": float(np.mean(lenient)),
        "attributed_precision": precision,
        "attributed_recall": recall,
        "attributed_f1": f1(precision, recall),
        "author_accuracy": float(np.mean([(p == AUTHOR) == (r == AUTHOR) for p, r in zip(preds, refs)])),
        "n": len(refs),
    }


def _per_class(preds: list, refs: list, classes: Sequence[str]) -> dict[str, dict[str, float]]:
    p, r, f, s = precision_recall_fscore_support(refs, preds, labels=list(classes), zero_division=0)
    return {
        c: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, c in enumerate(classes)
    }


def _present(refs: list, classes: Sequence[str]) -> list[str]:
    return [c for c in classes if c in refs]


def stance_metrics(predictions: Sequence[str | None], references: Sequence[str | None]) -> dict:
    """Accuracy, macro-F1 over the classes present in the gold, and per-class P/R/F1."""
    preds, refs = _labelled(predictions, references)
    if not refs:
        return {}
    preds = [p if p is not None else "none" for p in preds]
    return {
        "accuracy": float(np.mean([p == r for p, r in zip(preds, refs)])),
        "macro_f1": float(f1_score(refs, preds, labels=_present(refs, STANCES), average="macro", zero_division=0)),
        "per_class": _per_class(preds, refs, STANCES),
        "n": len(refs),
    }


def hedging_metrics(predictions: Sequence[str | None], references: Sequence[str | None]) -> dict:
    """Exact and within-one accuracy, macro-F1 and quadratic-weighted kappa on the ordered levels."""
    preds, refs = _labelled(predictions, references)
    if not refs:
        return {}
    level = {name: i for i, name in enumerate(HEDGING_LEVELS)}
    p_idx = np.array([level.get(p, -9) for p in preds])
    r_idx = np.array([level[r] for r in refs])
    valid = p_idx >= 0
    kappa = cohen_kappa_score(r_idx[valid], p_idx[valid], weights="quadratic", labels=range(4)) if valid.any() else 0.0
    return {
        "exact_accuracy": float(np.mean(p_idx == r_idx)),
        "within_one_accuracy": float(np.mean(valid & (np.abs(p_idx - r_idx) <= 1))),
        "macro_f1": float(
            f1_score(
                refs,
                [p or "missing" for p in preds],
                labels=_present(refs, HEDGING_LEVELS),
                average="macro",
                zero_division=0,
            )
        ),
        "quadratic_kappa": float(0.0 if np.isnan(kappa) else kappa),
        "per_class": _per_class([p or "missing" for p in preds], refs, HEDGING_LEVELS),
        "n": len(refs),
    }


def confusion(
    predictions: Sequence[str | None], references: Sequence[str | None], classes: Sequence[str]
) -> np.ndarray:
    """Confusion counts, rows gold and columns predicted, in ``classes`` order."""
    preds, refs = _labelled(predictions, references)
    return confusion_matrix(refs, [p if p in classes else classes[0] for p in preds], labels=list(classes))


def all_field_metrics(predictions: dict[str, Sequence], references: dict[str, Sequence]) -> dict[str, dict]:
    """Every field's metrics. Speaker, stance and hedging count prose sentences only: a
    sentence whose gold is boilerplate (or unlabelled) has ``None`` there already."""
    return {
        "boilerplate": boilerplate_metrics(predictions["boilerplate"], references["boilerplate"]),
        "speaker": speaker_metrics(predictions["speaker"], references["speaker"]),
        "stance": stance_metrics(predictions["stance"], references["stance"]),
        "hedging": hedging_metrics(predictions["hedging"], references["hedging"]),
    }


def headline_scores(metrics: dict[str, dict]) -> dict[str, float]:
    """The flat numbers a results table or model selection uses."""
    pick = {
        "boilerplate_f1": ("boilerplate", "f1"),
        "speaker_strict": ("speaker", "strict_accuracy"),
        "speaker_lenient": ("speaker", "lenient_accuracy"),
        "speaker_attributed_f1": ("speaker", "attributed_f1"),
        "stance_accuracy": ("stance", "accuracy"),
        "stance_macro_f1": ("stance", "macro_f1"),
        "hedging_exact": ("hedging", "exact_accuracy"),
        "hedging_within_one": ("hedging", "within_one_accuracy"),
        "hedging_macro_f1": ("hedging", "macro_f1"),
        "hedging_kappa": ("hedging", "quadratic_kappa"),
    }
    return {name: metrics[field][key] for name, (field, key) in pick.items() if key in metrics.get(field, {})}
