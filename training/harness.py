"""Evaluation harness: score labelled documents against gold, side by side for several systems.

Documents are matched by ``doc_id`` and sentences by position. A text that differs
(after whitespace normalisation), a missing document or a different sentence count is
reported in the output, never skipped silently. The report is markdown + JSON, with
confusion-matrix PNGs for stance and hedging and the worst errors listed with their text.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from whosaid.data.records import HEDGING_LEVELS, STANCES, Document, Sentence
from whosaid.training.metrics import all_field_metrics, confusion, headline_scores, speaker_match

logger = logging.getLogger(__name__)
FIELDS = ("boilerplate", "speaker", "stance", "hedging")


@dataclass
class SystemResult:
    """One system's scores on one gold set."""

    name: str
    metrics: dict
    scores: dict[str, float]
    confusions: dict[str, list[list[int]]]
    errors: list[dict]
    problems: list[str] = field(default_factory=list)


def aligned_pairs(
    gold: list[Document], predicted: list[Document]
) -> tuple[list[tuple[str, int, Sentence, Sentence]], list[str]]:
    """(doc_id, position, gold, predicted) for every comparable sentence, and the problems found."""
    by_id = {doc.doc_id: doc for doc in predicted}
    pairs, problems = [], []
    for doc in gold:
        pred = by_id.get(doc.doc_id)
        if pred is None:
            problems.append(f"{doc.doc_id}: no prediction for this document ({len(doc.sentences)} sentences unscored)")
            continue
        if len(pred.sentences) != len(doc.sentences):
            problems.append(f"{doc.doc_id}: {len(doc.sentences)} gold sentences but {len(pred.sentences)} predicted")
        for i, (g, p) in enumerate(zip(doc.sentences, pred.sentences)):
            if " ".join(g.text.split()) != " ".join(p.text.split()):
                problems.append(f"{doc.doc_id}[{i}]: text differs: gold {g.text[:60]!r} vs predicted {p.text[:60]!r}")
            pairs.append((doc.doc_id, i, g, p))
    return pairs, problems


def gold_columns(sentences: list[Sentence]) -> dict[str, list]:
    """Reference columns: prose fields are None where the gold is boilerplate or unlabelled."""
    prose = [s.boilerplate is False for s in sentences]
    return {
        "boilerplate": [s.boilerplate for s in sentences],
        **{
            name: [getattr(s, name) if ok else None for s, ok in zip(sentences, prose)]
            for name in ("speaker", "stance", "hedging")
        },
    }


def predicted_columns(sentences: list[Sentence]) -> dict[str, list]:
    return {name: [getattr(s, name) for s in sentences] for name in FIELDS}


def score_system(name: str, gold: list[Document], predicted: list[Document], worst: int = 25) -> SystemResult:
    """Every metric of the scorer for one system, with confusion matrices and errors."""
    pairs, problems = aligned_pairs(gold, predicted)
    refs = gold_columns([g for _, _, g, _ in pairs])
    preds = predicted_columns([p for _, _, _, p in pairs])
    metrics = all_field_metrics(preds, refs)
    confusions = {
        "stance": confusion(preds["stance"], refs["stance"], STANCES).tolist(),
        "hedging": confusion(preds["hedging"], refs["hedging"], HEDGING_LEVELS).tolist(),
    }
    return SystemResult(name, metrics, headline_scores(metrics), confusions, _errors(pairs, worst), problems)


def _errors(pairs, worst: int) -> list[dict]:
    """Wrong labels, the most serious first: wrong speaker, then stance, then hedging off by >1."""
    order = {"boilerplate": 0, "speaker": 1, "stance": 2, "hedging": 3}
    found = []
    for doc_id, i, g, p in pairs:
        if g.boilerplate is not None and bool(g.boilerplate) != bool(p.boilerplate):
            found.append(("boilerplate", doc_id, i, g.text, g.boilerplate, p.boilerplate, 0))
            continue
        if not g.is_prose:
            continue
        if g.speaker is not None and not speaker_match(p.speaker, g.speaker, lenient=True):
            found.append(("speaker", doc_id, i, g.text, g.speaker, p.speaker, 0))
        if g.stance is not None and p.stance != g.stance:
            found.append(("stance", doc_id, i, g.text, g.stance, p.stance, 0))
        if g.hedging is not None and p.hedging != g.hedging:
            gap = abs(
                HEDGING_LEVELS.index(g.hedging)
                - (HEDGING_LEVELS.index(p.hedging) if p.hedging in HEDGING_LEVELS else 9)
            )
            found.append(("hedging", doc_id, i, g.text, g.hedging, p.hedging, -gap))
    found.sort(key=lambda e: (order[e[0]], e[6]))
    keys = ("field", "doc_id", "index", "text", "gold", "predicted")
    return [dict(zip(keys, e[:6])) for e in found[:worst]]


def render_markdown(title: str, results: list[SystemResult]) -> str:
    """A results table (one row per system), per-class tables, confusions and worst errors."""
    names = list(results[0].scores) if results else []
    lines = [f"# {title}", "", "| system | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for result in results:
        lines.append(
            f"| {result.name} | " + " | ".join(f"{result.scores.get(n, float('nan')):.3f}" for n in names) + " |"
        )
    for result in results:
        lines += ["", f"## {result.name}", ""]
        for name in ("stance", "hedging"):
            per_class = result.metrics[name].get("per_class", {})
            lines += [
                f"**{name}** per class",
                "",
                "| class | precision | recall | f1 | support |",
                "|---|---|---|---|---|",
            ]
            lines += [
                f"| {c} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} |"
                for c, v in per_class.items()
            ]
            classes = STANCES if name == "stance" else HEDGING_LEVELS
            lines += ["", f"{name} confusion (rows gold, columns predicted: {', '.join(classes)})", "", "```"]
            lines += [
                f"{c:>14} " + " ".join(f"{n:5d}" for n in row) for c, row in zip(classes, result.confusions[name])
            ]
            lines += ["```", ""]
        if result.problems:
            lines += ["**Alignment problems**", ""] + [f"- {p}" for p in result.problems[:50]] + [""]
        if result.errors:
            lines += [
                "**Worst errors**",
                "",
                "| field | doc | # | gold | predicted | text |",
                "|---|---|---|---|---|---|",
            ]
            lines += [
                f"| {e['field']} | {e['doc_id']} | {e['index']} | {e['gold']} | {e['predicted']} | {e['text'][:140].replace('|', '/')} |"
                for e in result.errors
            ]
    return "\n".join(lines) + "\n"


def plot_confusions(result: SystemResult, out_dir: Path) -> list[Path]:
    """Confusion-matrix PNGs for stance and hedging."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    paths = []
    for name, classes in (("stance", STANCES), ("hedging", HEDGING_LEVELS)):
        fig, ax = plt.subplots(figsize=(5, 4.5))
        ConfusionMatrixDisplay(
            confusion_matrix=np.array(result.confusions[name]), display_labels=classes
        ).plot(ax=ax, colorbar=False, cmap="Blues")
        ax.set_title(f"{result.name}: {name}")
        fig.tight_layout()
        path = out_dir / f"confusion_{_slug(result.name)}_{name}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths


def write_report(title: str, results: list[SystemResult], out_dir: str | Path) -> Path:
    """Write ``report.md``, ``report.json`` and the confusion PNGs; return the markdown path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for result in results:
        plot_confusions(result, out)
    (out / "report.json").write_text(
        json.dumps(
            {
                r.name: {
                    "scores": r.scores,
                    "metrics": r.metrics,
                    "confusions": r.confusions,
                    "problems": r.problems,
                    "errors": r.errors,
                }
                for r in results
            },
            indent=2,
        )
    )
    path = out / "report.md"
    path.write_text(render_markdown(title, results))
    return path


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower())
