"""whosaid per-field metrics as a local ``evaluate`` module: ``evaluate.load(METRIC_PATH)``.

Each example is one sentence; ``predictions`` and ``references`` carry its four fields
(``None`` where a reference is not labelled). The numbers come from
:mod:`whosaid.training.metrics`, which training's ``compute_metrics`` shares.
"""

import datasets
import evaluate

from whosaid.training.metrics import all_field_metrics, headline_scores

_FIELDS = {
    "boilerplate": datasets.Value("bool"),
    "speaker": datasets.Value("string"),
    "stance": datasets.Value("string"),
    "hedging": datasets.Value("string"),
}


class WhosaidMetric(evaluate.Metric):
    """Boilerplate P/R/F1, speaker strict/lenient accuracy and attributed F1, stance
    accuracy/macro-F1, hedging exact/within-one/macro-F1/quadratic kappa."""

    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=__doc__,
            citation="",
            inputs_description="predictions and references: one dict of the four label fields per sentence",
            features=datasets.Features({"predictions": _FIELDS, "references": _FIELDS}),
        )

    def _compute(self, predictions, references, detailed: bool = False):
        columns = lambda rows: {field: [row[field] for row in rows] for field in _FIELDS}
        metrics = all_field_metrics(columns(predictions), columns(references))
        return metrics if detailed else headline_scores(metrics)
