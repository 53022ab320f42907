"""ONNX Runtime backend: export a :class:`WhosaidModel` to ONNX (optionally int8) and run it.

The exported graph takes the batch the :class:`~whosaid.model.features.WindowCollator` builds
(batch, token, sentence-slot and candidate-slot axes all dynamic) and returns the five logit
tensors of :class:`~whosaid.model.modeling.WhosaidOutput`, so the labeler's decoding is the
same for both backends. ``int8`` applies onnxruntime's dynamic quantisation to the weights.
"""

from __future__ import annotations

import logging
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from whosaid.model.configuration import WhosaidConfig
from whosaid.model.modeling import WhosaidModel, WhosaidOutput

FP32_FILE = "model.onnx"
INT8_FILE = "model_int8.onnx"
ONNX_FILES = (FP32_FILE, INT8_FILE)  # the first present is loaded
INPUT_AXES = {
    "input_ids": {0: "batch", 1: "tokens"},
    "attention_mask": {0: "batch", 1: "tokens"},
    "sentence_spans": {0: "batch", 1: "sentences"},
    "sentence_positions": {0: "batch", 1: "sentences"},
    "candidate_spans": {0: "batch", 1: "candidates"},
    "candidate_positions": {0: "batch", 1: "candidates"},
    "candidate_kinds": {0: "batch", 1: "candidates"},
    "rule_sentence": {0: "batch", 1: "sentences"},
    "rule_candidates": {0: "batch", 1: "candidates"},
}
OUTPUT_AXES = {
    "boilerplate_logits": {0: "batch", 1: "sentences"},
    "stance_logits": {0: "batch", 1: "sentences"},
    "hedging_logits": {0: "batch", 1: "sentences"},
    "speaker_logits": {0: "batch", 1: "sentences", 2: "choices"},
    "cue_logits": {0: "batch", 1: "tokens"},
}


class _LogitsModule(nn.Module):
    """The model with positional inputs and a tuple of logits out, as the exporter wants it."""

    def __init__(self, model: WhosaidModel) -> None:
        super().__init__()
        self.model = model

    def forward(self, *inputs: torch.Tensor) -> tuple[torch.Tensor, ...]:
        out = self.model(**dict(zip(INPUT_AXES, inputs)))
        return tuple(getattr(out, name) for name in OUTPUT_AXES)


def onnx_file(path: Path) -> Path | None:
    """The ONNX model file of a folder, if it has one."""
    return next((path / name for name in ONNX_FILES if (path / name).is_file()), None)


def example_batch(config: WhosaidConfig, batch: int = 2, tokens: int = 16) -> dict[str, torch.Tensor]:
    """A small batch of the collator's shapes with padding, candidates and rule features set,
    to trace the graph with and to check the export against PyTorch."""
    sentences, candidates = config.max_sentences, config.max_candidates
    generator = torch.Generator().manual_seed(0)
    attention_mask = torch.ones(batch, tokens, dtype=torch.long)
    attention_mask[1:, tokens // 2 :] = 0
    input_ids = torch.randint(1000, 2000, (batch, tokens), generator=generator) * attention_mask
    sentence_spans = torch.zeros(batch, sentences, 2, dtype=torch.long)
    sentence_spans[:, 0] = torch.tensor([1, 4])
    sentence_spans[:, 1] = torch.tensor([4, 7])
    candidate_spans = torch.zeros(batch, candidates, 2, dtype=torch.long)
    candidate_spans[:, 0] = torch.tensor([1, 3])
    candidate_spans[:, 1] = torch.tensor([5, 6])
    candidate_positions = torch.full((batch, candidates), -1, dtype=torch.long)
    candidate_positions[:, :2] = torch.tensor([0, 1])
    rule_sentence = torch.zeros(batch, sentences, 4, dtype=torch.long)
    rule_sentence[:, 0] = torch.tensor([1, 2, 3, 1])
    rule_sentence[:, 1] = torch.tensor([1, 1, 1, 2])
    rule_candidates = torch.zeros(batch, candidates, dtype=torch.long)
    rule_candidates[:, 0] = 1
    return {
        "input_ids": input_ids,
        "attention_mask": attention_mask,
        "sentence_spans": sentence_spans,
        "sentence_positions": torch.arange(sentences).clamp(max=1).expand(batch, -1).contiguous(),
        "candidate_spans": candidate_spans,
        "candidate_positions": candidate_positions,
        "candidate_kinds": torch.zeros(batch, candidates, dtype=torch.long),
        "rule_sentence": rule_sentence,
        "rule_candidates": rule_candidates,
    }


def max_logit_difference(model: WhosaidModel, onnx_model: OnnxWhosaidModel) -> float:
    """The largest absolute difference between the two backends' logits on :func:`example_batch`
    (a larger batch than the one traced, to exercise the dynamic axes)."""
    batch = example_batch(model.config, batch=3, tokens=24)
    with torch.no_grad():
        expected = model.eval()(**batch)
    got = onnx_model(**batch)
    return max(float((getattr(got, name) - getattr(expected, name)).abs().max()) for name in OUTPUT_AXES)


def export_onnx(model: WhosaidModel, out_dir: str | Path, *, int8: bool = False, opset: int = 17) -> Path:
    """Write ``model.onnx`` (fp32) or ``model_int8.onnx`` (dynamic int8 weights) into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model = model.eval()
    model.encoder.set_attn_implementation("eager")  # traces to plain ONNX ops; same numbers as sdpa
    inputs = tuple(example_batch(model.config).values())
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / FP32_FILE if int8 else out_dir / FP32_FILE
        with torch.no_grad(), warnings.catch_warnings():
            # The tracer warns of a padding test in the mask code and a -1 index, both fixed for the
            # collator's batches; max_logit_difference checks the graph against PyTorch instead.
            warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
            warnings.filterwarnings("ignore", message="Exporting aten::index")
            torch.onnx.export(
                _LogitsModule(model),
                inputs,
                str(fp32),
                input_names=list(INPUT_AXES),
                output_names=list(OUTPUT_AXES),
                dynamic_axes={**INPUT_AXES, **OUTPUT_AXES},
                opset_version=opset,
                dynamo=False,
            )
        if not int8:
            return fp32
        from onnxruntime.quantization import QuantType, quantize_dynamic

        out = out_dir / INT8_FILE
        # Per-channel weight scales keep labels >= 99% equal to fp32's (per-tensor: ~98.5%). The
        # quantiser logs every node at INFO and suggests a pre-processing pass that fails on this graph.
        logging.disable(logging.WARNING)
        try:
            quantize_dynamic(fp32, out, op_types_to_quantize=["MatMul"], per_channel=True, weight_type=QuantType.QInt8)
        finally:
            logging.disable(logging.NOTSET)
        return out


class OnnxWhosaidModel:
    """An ONNX Runtime session behind :class:`WhosaidModel`'s call: collated batch in, logits out.

    ``threads`` defaults to one less than PyTorch's intra-op thread count (the physical cores,
    or what ``torch.set_num_threads`` set), at least one: the :class:`Labeler` parses the next
    documents on the remaining core while the model runs.
    """

    def __init__(self, path: str | Path, config: WhosaidConfig, threads: int | None = None) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or max(1, torch.get_num_threads() - 1)
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle threads sleep rather than spin: the labeler parses the next documents meanwhile.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.path = Path(path)
        self.config = config
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.input_names = [node.name for node in self.session.get_inputs()]

    def __call__(self, **batch: torch.Tensor) -> WhosaidOutput:
        feed = {name: np.ascontiguousarray(batch[name].numpy(), dtype=np.int64) for name in self.input_names}
        logits = self.session.run(list(OUTPUT_AXES), feed)
        return WhosaidOutput(None, *(torch.from_numpy(array) for array in logits))
