"""Loading the local ``evaluate`` metric module by path (the hub is never reached)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

METRIC_PATH = str(Path(__file__).parent / "whosaid_metric" / "whosaid_metric.py")


@cache
def load_metric():
    """The whosaid ``evaluate.Metric``, loaded from :data:`METRIC_PATH`."""
    import evaluate

    return evaluate.load(METRIC_PATH)
