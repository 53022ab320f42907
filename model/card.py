"""The model card written beside every checkpoint: what it is, its data, measured scores, limits."""

from __future__ import annotations

from pathlib import Path

from whosaid.model.configuration import WhosaidConfig

SCORE_COLUMNS = (
    "boilerplate_f1",
    "speaker_strict",
    "speaker_lenient",
    "speaker_attributed_f1",
    "stance_accuracy",
    "stance_macro_f1",
    "hedging_exact",
    "hedging_within_one",
    "hedging_macro_f1",
    "hedging_kappa",
)

_LIMITS = """## Limits

- Trained on news-style text written by the whosaid team (fictional events, many outlets'
  layouts), optionally with PolNeAR attributions; real outlets write differently, so check
  the realdev and seed scores below before trusting a field.
- English only. Speaker names are resolved within one document; spelling variants across
  documents are not merged here.
- Stance and hedging follow the whosaid annotation guide, not any other scheme.
- The rule baseline's labels are input features when `rule_features` is true.
"""


def render_card(config: WhosaidConfig, evaluations: dict[str, dict[str, float]]) -> str:
    """Markdown model card; ``evaluations`` maps a data set name to its headline scores."""
    training = getattr(config, "training", {}) or {}
    lines = [
        "---",
        "library_name: whosaid",
        "language: en",
        "pipeline_tag: token-classification",
        "---",
        "",
        f"# whosaid model ({getattr(config, 'encoder_name', config.encoder.get('model_type', 'encoder'))})",
        "",
        "Sentence-level labels for news: speaker (pointer over mentions, resolved to the document's name",
        "for it, or AUTHOR), stance (assertion/estimate/corroboration/warning), hedging",
        "(none/low/medium/high, ordinal) with hedge cues, and boilerplate.",
        "",
        "## Training",
        "",
        f"- training documents: {training.get('train_documents', '?')} (augmented copies included) + "
        f"{training.get('polnear_documents', 0)} PolNeAR train articles (speaker only); dev documents: {training.get('dev_documents', '?')}",
        f"- epochs: {training.get('epochs', '?')}, window: {config.max_window_tokens} tokens, rule features: {config.rule_features}",
        "",
        "## Scores",
        "",
    ]
    if evaluations:
        present = {k for scores in evaluations.values() for k in scores}
        names = [name for name in SCORE_COLUMNS if name in present]
        lines += ["| data | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        for data, scores in evaluations.items():
            lines.append(f"| {data} | " + " | ".join(f"{scores[n]:.3f}" if n in scores else "" for n in names) + " |")
    else:
        lines.append("Not measured.")
    return "\n".join(lines) + "\n\n" + _LIMITS


def write_card(path: str | Path, config: WhosaidConfig, evaluations: dict[str, dict[str, float]]) -> Path:
    out = Path(path) / "README.md"
    out.write_text(render_card(config, evaluations))
    return out
