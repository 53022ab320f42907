"""Training, datasets, metrics and the evaluation harness."""
