"""``whosaid export``: a checkpoint folder -> an ONNX Runtime folder the :class:`Labeler` loads.

    whosaid export [--model DIR] -o OUT_DIR --onnx [--int8]

The output folder holds ``config.json``, the tokenizer files, the model card with a note on the
export, and ``model.onnx`` (fp32) or ``model_int8.onnx`` (dynamic int8 quantisation, for CPU).
``Labeler.from_pretrained(OUT_DIR)`` then runs on ONNX Runtime.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

logger = logging.getLogger(__name__)
FP32_TOLERANCE = 1e-3  # largest logit difference accepted between an fp32 export and PyTorch


def export_model(model_dir: str | Path, out_dir: str | Path, *, int8: bool = False) -> Path:
    """Export the checkpoint in ``model_dir`` to ONNX in ``out_dir``; returns the .onnx file.

    The export is checked against PyTorch on a test batch: an fp32 graph whose logits differ by
    more than :data:`FP32_TOLERANCE` is an error; for int8 the difference is logged and noted in the card.
    """
    from transformers import AutoTokenizer

    from whosaid.model.labeler import ModelLoadError, check_model_dir
    from whosaid.model.modeling import WhosaidModel
    from whosaid.model.onnx_backend import OnnxWhosaidModel, export_onnx, max_logit_difference

    model_dir, out_dir = Path(model_dir), Path(out_dir)
    check_model_dir(model_dir)
    if not (model_dir / "model.safetensors").exists():
        raise ModelLoadError(f"{model_dir}: holds no PyTorch weights (model.safetensors) to export; pass a trained checkpoint")
    if out_dir.resolve() == model_dir.resolve():
        raise ModelLoadError(f"{out_dir}: export into a new folder, not the checkpoint itself (-o OTHER_DIR)")
    model = WhosaidModel.from_pretrained(str(model_dir)).eval()
    path = export_onnx(model, out_dir, int8=int8)
    difference = max_logit_difference(WhosaidModel.from_pretrained(str(model_dir)), OnnxWhosaidModel(path, model.config))
    if not int8 and difference > FP32_TOLERANCE:
        raise RuntimeError(f"{path}: ONNX logits differ from PyTorch by {difference:.2g}; the export is wrong")
    logger.info("exported %s (largest logit difference to PyTorch on a test batch: %.2g)", path, difference)
    shutil.copyfile(model_dir / "config.json", out_dir / "config.json")
    AutoTokenizer.from_pretrained(str(model_dir)).save_pretrained(str(out_dir))
    card = (model_dir / "README.md").read_text() if (model_dir / "README.md").exists() else "# whosaid model\n"
    (out_dir / "README.md").write_text(card.rstrip() + "\n\n" + _export_note(model_dir, path, int8, difference))
    return path


def _export_note(model_dir: Path, path: Path, int8: bool, difference: float) -> str:
    kind = "dynamic int8 quantisation of the MatMul weights (onnxruntime `quantize_dynamic`)" if int8 else "fp32"
    return (
        "## ONNX export\n\n"
        f"`{path.name}`: exported from `{model_dir}` with `whosaid export --onnx{' --int8' if int8 else ''}`, {kind}.\n"
        f"Largest logit difference to PyTorch on a test batch: {difference:.2g}. Label agreement with PyTorch and\n"
        "the score change are measured in `benchmarks/RESULTS.md`.\n"
    )


def register(commands) -> None:
    """Add ``whosaid export``."""
    parser = commands.add_parser("export", help="export a model folder to ONNX Runtime (optionally int8)")
    parser.add_argument("--model", help="checkpoint folder (default: the cached default model)")
    parser.add_argument("-o", "--output", required=True, help="folder to write the exported model to")
    parser.add_argument("--onnx", action="store_true", help="export to ONNX (the only format so far)")
    parser.add_argument("--int8", action="store_true", help="quantise the weights to int8 (faster on CPU)")
    parser.set_defaults(run=run_export)


def run_export(args) -> int:
    from whosaid.model.cli import UserError
    from whosaid.model.labeler import ModelLoadError, default_model_dir

    if not args.onnx:
        raise UserError("choose an export format: add --onnx")
    try:
        path = export_model(args.model or default_model_dir(), args.output, int8=args.int8)
    except ModelLoadError as error:
        raise UserError(str(error)) from None
    print(path)
    return 0
