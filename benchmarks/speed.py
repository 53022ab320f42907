"""Labelling speed (issue #6): sentences per second and peak memory of every way to label one input,
and how far the ONNX exports' labels agree with PyTorch's.

    python benchmarks/speed.py [--model DIR] [--sentences 2000] [--write benchmarks/RESULTS.md]

The input is the seed articles and the corpus test split's documents, as raw text (one sentence
per line for the corpus), repeated to at least ``--sentences`` sentences; every system labels all
of it end to end, spaCy segmentation included. Systems: the spaCy pipeline alone (the floor of
any spaCy-based tool), the rule baseline, the model on PyTorch fp32, ONNX fp32 and ONNX int8 (both
exported from ``--model`` first), and Ray Data with two workers on the int8 export. Each runs in a
fresh subprocess (two at once for the 2-process row), so its peak memory (max RSS) is its own; loading is not timed and the fastest of
``--repeat`` passes is kept, except for Ray: one pass, starting Ray and its workers included.

Agreement: the seeds (raw text) and the corpus test split (its gold sentences) are labelled with
each backend; per field, the share of sentences whose label equals PyTorch's, and the change of
the harness's scores against gold.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Labelling speed (issue #6)"
SYSTEMS = ("spacy", "rules", "torch-fp32", "onnx-fp32", "onnx-int8", "onnx-int8-2-processes", "ray-2-workers")
SPLIT = "onnx-int8-2-processes"  # what `whosaid label --workers 2` runs: two processes, one thread, half the documents each
AGREEMENT_FIELDS = ("boilerplate", "speaker", "speaker_mention", "stance", "hedging", "hedge_cues")
SCORES = ("boilerplate_f1", "speaker_strict", "stance_accuracy", "stance_macro_f1", "hedging_exact", "hedging_macro_f1")
logger = logging.getLogger("speed")


def benchmark_input(min_sentences: int) -> tuple[list[dict], int]:
    """Seed articles and corpus test documents as ``{"doc_id", "text"}``, repeated to ``min_sentences``
    gold sentences; and their gold sentence count."""
    from whosaid.data.corpus import load_split
    from whosaid.data.records import read_documents

    seeds = {doc.doc_id: len(doc.sentences) for doc in read_documents(ROOT / "seeds" / "gold.jsonl")}
    base = [({"doc_id": p.stem, "text": p.read_text()}, seeds[p.stem]) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    base += [({"doc_id": doc.doc_id, "text": "\n".join(doc.texts)}, len(doc.sentences)) for doc in load_split("test")]
    documents, sentences, round_ = [], 0, 0
    while sentences < min_sentences:
        for doc, count in base:
            documents.append({**doc, "doc_id": f"{doc['doc_id']}-{round_}"})
            sentences += count
        round_ += 1
    return documents, sentences


def run_system(
    system: str, input_path: Path, models: dict[str, str], batch_size: int, repeat: int, part: int | None = None
) -> dict:
    """Label the input with one system in this process, ``repeat`` times; the fastest pass's time
    and CPU time, and the peak memory. With ``part`` (0 or 1): that half of the documents, one thread."""
    documents = [json.loads(line) for line in input_path.read_text().splitlines()]
    if part is not None:
        import torch

        torch.set_num_threads(1)
        documents = documents[part::2]
    if system == "ray-2-workers":
        return _run_ray(input_path, models["onnx-int8"], batch_size)
    if system == "spacy":
        from whosaid.data.segment import TextPipeline

        pipeline = TextPipeline()
        label = lambda docs: [pipeline.split(doc["text"]) for doc in docs]
        count = lambda out: sum(len(segments) for segments in out)
    else:
        from whosaid.model.labeler import Labeler, RulesLabeler

        labeler = RulesLabeler() if system == "rules" else Labeler.from_pretrained(models[system])
        label = lambda docs: labeler(docs, batch_size=batch_size)
        count = lambda out: sum(len(doc.sentences) for doc in out)
    label(documents[:2])  # warm-up: spaCy and the model load lazily
    passes = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        sentences = count(label(documents))
        passes.append((time.perf_counter() - wall, time.process_time() - cpu))
    wall, cpu = min(passes)
    return {"sentences": sentences, "seconds": wall, "cpu_seconds": cpu, "peak_mib": _peak_mib()}


def _run_ray(input_path: Path, model: str, batch_size: int) -> dict:
    try:
        from whosaid.model.ray_engine import label_with_ray
    except ImportError as error:
        return {"skipped": f"ray engine not importable ({error})"}
    try:
        import psutil  # noqa: F401  (to measure the memory of Ray's processes)
        import ray  # noqa: F401
    except ImportError as error:
        return {"skipped": f"{error.name} not installed"}
    from whosaid.data.records import read_documents

    with tempfile.TemporaryDirectory() as out, _TreeMemory() as memory:
        wall = time.perf_counter()
        label_with_ray([str(input_path)], Path(out), model=model, batch_size=batch_size, workers=2)
        wall = time.perf_counter() - wall
        sentences = sum(len(doc.sentences) for part in Path(out).glob("part-*.jsonl") for doc in read_documents(part))
    return {"sentences": sentences, "seconds": wall, "peak_mib": _peak_mib(), "tree_peak_mib": memory.peak_mib}


def _peak_mib() -> float:
    """This process's peak resident memory (``VmHWM``: unlike ``ru_maxrss``, not inherited across fork and exec)."""
    status = Path("/proc/self/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")) / 1024


class _TreeMemory:
    """Samples the summed resident memory of this process and all its descendants (Ray's raylet and workers)."""

    def __init__(self, every: float = 0.25) -> None:
        import psutil

        self.root, self.every, self.peak_mib = psutil.Process(), every, 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        while not self.stop.wait(self.every):
            total = 0
            for process in [self.root, *self.root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # exited meanwhile
                    total += process.memory_info().rss
            self.peak_mib = max(self.peak_mib, total / 1024**2)

    def __enter__(self) -> _TreeMemory:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def measure_in_subprocess(system: str, input_path: Path, models: dict[str, str], batch_size: int, repeat: int) -> dict:
    command = [sys.executable, __file__, "--worker", system, "--input", str(input_path), "--models", json.dumps(models)]
    command += ["--batch-size", str(batch_size), "--repeat", str(repeat)]
    if system != SPLIT:
        return _finish(system, subprocess.Popen(command, **_PIPES))
    command[command.index("--worker") + 1] = "onnx-int8"
    halves = [subprocess.Popen([*command, "--part", str(part)], **_PIPES) for part in (0, 1)]
    results = [_finish(system, process) for process in halves]  # both run at once, each loads before timing
    if any("skipped" in result for result in results):
        return results[0] if "skipped" in results[0] else results[1]
    return {
        "sentences": sum(r["sentences"] for r in results),
        "seconds": max(r["seconds"] for r in results),
        "cpu_seconds": sum(r["cpu_seconds"] for r in results),
        "peak_mib": sum(r["peak_mib"] for r in results),
    }


_PIPES = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True, "env": {**os.environ, "HF_HUB_OFFLINE": "1"}}


def _finish(system: str, process: subprocess.Popen) -> dict:
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        logger.error("%s failed:\n%s", system, stderr[-3000:])
        return {"skipped": f"failed (exit {process.returncode}): {stderr.strip().splitlines()[-1][:120]}"}
    return json.loads(stdout.strip().splitlines()[-1])


def agreement(models: dict[str, str]) -> tuple[list[str], list[str]]:
    """Markdown rows: per-field agreement of the ONNX backends with PyTorch, and their score change."""
    from whosaid.data.corpus import load_split
    from whosaid.data.records import read_documents
    from whosaid.model.labeler import Labeler
    from whosaid.training.harness import score_system

    seeds = [{"doc_id": p.stem, "text": p.read_text()} for p in sorted((ROOT / "seeds").glob("*.txt"))]
    data = {"seeds": (seeds, read_documents(ROOT / "seeds" / "gold.jsonl")), "corpus test": (load_split("test"),) * 2}
    labelled = {
        (backend, name): Labeler.from_pretrained(models[backend])(inputs)
        for backend in ("torch-fp32", "onnx-fp32", "onnx-int8")
        for name, (inputs, _) in data.items()
    }
    agree_rows, score_rows = [], []
    for name, (_, gold) in data.items():
        reference = [s for doc in labelled["torch-fp32", name] for s in doc.sentences]
        base = score_system("torch", gold, labelled["torch-fp32", name]).scores
        score_rows.append(f"| torch-fp32 | {name} | " + " | ".join(f"{base[k]:.4f}" for k in SCORES) + " |")
        for backend in ("onnx-fp32", "onnx-int8"):
            sentences = [s for doc in labelled[backend, name] for s in doc.sentences]
            same = [
                sum(getattr(a, field) == getattr(b, field) for a, b in zip(sentences, reference)) / len(reference)
                for field in AGREEMENT_FIELDS
            ]
            agree_rows.append(f"| {backend} | {name} ({len(reference)}) | " + " | ".join(f"{v:.2%}" for v in same) + " |")
            scores = score_system(backend, gold, labelled[backend, name]).scores
            score_rows.append(f"| {backend} | {name} | " + " | ".join(f"{scores[k] - base[k]:+.4f}" for k in SCORES) + " |")
    return agree_rows, score_rows


def machine() -> str:
    import onnxruntime
    import spacy
    import torch
    import transformers

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), platform.processor())
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal")) / 1024**2
    try:
        import ray

        ray_version = ray.__version__
    except ImportError:
        ray_version = "not installed"
    return (
        f"{cpu}, {len(os.sched_getaffinity(0))} cores available, {memory:.0f} GiB RAM, {platform.system()} {platform.release()}; "
        f"load average at start {os.getloadavg()[0]:.1f}. Python {platform.python_version()}, torch {torch.__version__}, "
        f"onnxruntime {onnxruntime.__version__}, spaCy {spacy.__version__}, transformers {transformers.__version__}, ray {ray_version}."
    )


def report(results: dict[str, dict], input_note: str, agree_rows: list[str], score_rows: list[str]) -> str:
    floor = results["spacy"].get("sentences", 0) / results["spacy"]["seconds"] if "seconds" in results["spacy"] else None
    lines = [
        SECTION,
        "",
        f"`python benchmarks/speed.py`, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Machine: {machine()}",
        "",
        input_note,
        "",
        "| system | sentences/s | × spaCy floor | sentences per CPU-second | peak RSS (MiB) |",
        "|---|---|---|---|---|",
    ]
    for system in SYSTEMS:
        result = results[system]
        if "skipped" in result:
            lines.append(f"| {system} | skipped: {result['skipped']} | | | |")
            continue
        rate = result["sentences"] / result["seconds"]
        ratio = f"{rate / floor:.2f}" if floor else ""
        cpu = f"{result['sentences'] / result['cpu_seconds']:.0f}" if "cpu_seconds" in result else "n/a"
        peak = f"{result['peak_mib']:.0f}"
        if "tree_peak_mib" in result:
            peak = f"{result['tree_peak_mib']:.0f} (all Ray processes; driver {result['peak_mib']:.0f})"
        lines.append(f"| {system} | {rate:.0f} | {ratio} | {cpu} | {peak} |")
    lines += [
        "",
        f"{SPLIT}: the steady state of `whosaid label --workers 2` on the int8 export: two processes at once, one",
        "thread and half the documents each, loading not timed (as for the single-process rows); time is the slower",
        "half's, memory the sum of both. Ray: two actors on the int8 export, one thread each; its time includes",
        "starting Ray and loading both models. The spaCy floor is one process, as every row runs spaCy; spaCy itself",
        "spread over two processes would be faster (not measured here).",
        "",
        "### ONNX labels vs PyTorch (share of sentences with the same label)",
        "",
        "| backend | data (sentences) | " + " | ".join(AGREEMENT_FIELDS) + " |",
        "|---" * (len(AGREEMENT_FIELDS) + 2) + "|",
        *agree_rows,
        "",
        "### Scores against gold: PyTorch, and the change on ONNX",
        "",
        "| backend | data | " + " | ".join(SCORES) + " |",
        "|---" * (len(SCORES) + 2) + "|",
        *score_rows,
    ]
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace this benchmark's section of ``path`` (up to the next ``## `` heading)."""
    text = path.read_text()
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    path.write_text(text[:start] + section + (text[end:] if end >= 0 else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="checkpoint folder (default: the cached default model)")
    parser.add_argument("--sentences", type=int, default=2000, help="label at least this many sentences")
    parser.add_argument("--batch-size", type=int, default=16, help="windows per encoder batch")
    parser.add_argument("--repeat", type=int, default=2, help="label the input this often per system, keep the fastest")
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS, help="a subset to run")
    parser.add_argument("--write", type=Path, help="replace the section in this markdown file (benchmarks/RESULTS.md)")
    parser.add_argument("--worker", choices=SYSTEMS, help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--models", help=argparse.SUPPRESS)
    parser.add_argument("--part", type=int, choices=(0, 1), help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.worker:
        result = run_system(args.worker, args.input, json.loads(args.models), args.batch_size, args.repeat, args.part)
        print(json.dumps(result))
        return 0

    from whosaid.model.export import export_model
    from whosaid.model.labeler import default_model_dir

    if "spacy" not in args.systems:
        parser.error("--systems must include spacy, the floor the others are compared with")
    model = str(Path(args.model or default_model_dir()).absolute())
    documents, gold_sentences = benchmark_input(args.sentences)
    with tempfile.TemporaryDirectory() as tmp:
        models = {"torch-fp32": model, "onnx-fp32": f"{tmp}/fp32", "onnx-int8": f"{tmp}/int8"}
        export_model(model, models["onnx-fp32"])
        export_model(model, models["onnx-int8"], int8=True)
        input_path = Path(tmp) / "input.jsonl"
        input_path.write_text("".join(json.dumps(doc) + "\n" for doc in documents))
        results = {system: {"skipped": "not run (--systems)"} for system in SYSTEMS}
        for system in args.systems:
            results[system] = measure_in_subprocess(system, input_path, models, args.batch_size, args.repeat)
            logger.info("%s: %s", system, results[system])
        agree_rows, score_rows = agreement(models)
    input_note = (
        f"Input: {len(documents)} documents, {gold_sentences} gold sentences (the seeds and the corpus test split as raw\n"
        "text, repeated), labelled end to end (spaCy segmentation and parse, rules, model, decoding) by each system in a\n"
        f"fresh process, {args.batch_size} windows per batch; the fastest of {args.repeat} passes. CPU seconds count all\n"
        "the process's threads. Peak RSS is the process's maximum resident memory, models and spaCy included.\n"
        "On a shared machine a process may get less CPU than the cores listed; sentences per CPU-second is then the\n"
        "fairer comparison."
    )
    section = report(results, input_note, agree_rows, score_rows)
    print(section)
    if args.write:
        write_section(args.write, section)
        logger.info("wrote the section to %s", args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
