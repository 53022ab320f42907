"""``whosaid label --engine ray``: label many articles with a pool of Labeler actors on Ray.

Ray Data reads the inputs on the workers (.txt files with ``read_binary_files``; .jsonl and
.csv files streamed by the same reader as ``whosaid label``), every actor loads its Labeler
once and labels batches of documents, and the driver writes the labelled records to
``OUTPUT_DIR/part-*.jsonl`` and the skipped ones to the errors file. The same call runs on a
local Ray (``workers`` actors) or on a cluster (``address``); Ray is the optional extra
``pip install 'whosaid[ray]'``.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from whosaid.data.records import write_document
from whosaid.model.batch import label_chunk, open_labeler
from whosaid.model.documents import DocumentInput
from whosaid.model.inputs import CsvColumns, InputError, document_from_bytes, input_files, iter_inputs

if TYPE_CHECKING:
    import numpy as np
    import ray.data

logger = logging.getLogger(__name__)
DOCUMENTS_PER_BATCH = 8  # documents an actor labels in one call
DOCUMENTS_PER_SHARD = 1000  # records per part-*.jsonl file
CONTAINER_SUFFIXES = (".jsonl", ".csv")  # files holding many documents, read line by line


def label_with_ray(
    inputs: list[str],
    output_dir: Path,
    *,
    model: str | None,
    batch_size: int,
    workers: int,
    address: str | None = None,
    errors: Path | None = None,
    columns: CsvColumns | None = None,
) -> dict[str, int]:
    """Label ``inputs`` with ``workers`` Labeler actors into ``output_dir/part-*.jsonl``; count done and failed.

    ``model`` is ``"rules"``, a model folder, or ``None`` for the default model; ``batch_size``
    is windows per encoder batch and ``columns`` the CSV columns, as in ``whosaid label``.
    A Ray already running in this process is used as it is; else ``address`` is joined, or
    without it a local Ray is started; either is shut down after. On a cluster the inputs and
    the model folder must be at the same absolute paths on every node (a shared file system).
    """
    from whosaid.model.cli import UserError, model_spec

    try:
        import ray
    except ImportError:
        raise UserError("--engine ray needs Ray; install it with: pip install 'whosaid[ray]'") from None
    if "-" in inputs:
        raise UserError("--engine ray reads files, not stdin; save the input to a .jsonl or .txt file")
    model = model if model == "rules" else str(Path(model_spec(model)).absolute())
    _prepare_output_dir(output_dir)
    found = list(input_files(inputs))
    files = [f for f in found if isinstance(f, Path)]
    problems = [f for f in found if isinstance(f, InputError)]
    with _Output(output_dir, errors) as output:
        for problem in problems:
            output.error(str(problem))
        if files:
            started = not ray.is_initialized()
            if started:
                _start_ray(address, workers)
            _configure_ray_data()
            try:
                labelled = _label(_documents(files, columns or CsvColumns()), model, batch_size, workers)
                for row in labelled.iter_rows():
                    output.write(row)
            except ray.exceptions.RayActorError as error:
                if not error.actor_init_failed:
                    raise
                reason = str(error).strip().splitlines()[-1]  # the exception the Labeler raised
                raise UserError(f"the Labeler actors could not start: {reason}") from None
            finally:
                if started:
                    ray.shutdown()
    return {"done": output.done, "failed": output.failed}


def _prepare_output_dir(output_dir: Path) -> None:
    from whosaid.model.cli import UserError

    if output_dir.exists() and not output_dir.is_dir():
        raise UserError(f"{output_dir}: is a file; --engine ray writes a folder of part-*.jsonl shards, give a folder")
    if any(output_dir.glob("part-*.jsonl")):
        raise UserError(f"{output_dir}: already holds part-*.jsonl shards; remove them or choose another folder")
    output_dir.mkdir(parents=True, exist_ok=True)


class RayEmbedder:
    """Sentence embeddings from a pool of encoder actors on Ray Data: the dominant cost of claim alignment
    at scale (``whosaid compare --engine ray``). Called like :class:`~whosaid.model.alignment.SentenceEncoder`
    (texts -> L2-normalised rows, in order) and has its ``encoder_name``; use it as a context manager, which
    joins ``address`` or starts a local Ray (and shuts down only a Ray it started)."""

    def __init__(self, encoder: str | None, workers: int, address: str | None = None) -> None:
        from whosaid.model.alignment import encoder_name

        self.encoder, self.workers, self.address = encoder, workers, address
        self.encoder_name = encoder_name(encoder)
        self.started = False

    def __enter__(self) -> RayEmbedder:
        import ray

        if not ray.is_initialized():
            _start_ray(self.address, self.workers)
            self.started = True
        _configure_ray_data()
        return self

    def __exit__(self, *exc) -> None:
        import ray

        if self.started:
            ray.shutdown()

    def __call__(self, texts: list[str]) -> np.ndarray:
        import numpy as np
        import ray.data

        rows = ray.data.from_items([{"text": text} for text in texts]).map_batches(
            _EncoderActor, fn_constructor_kwargs={"encoder": self.encoder}, batch_size=256,
            compute=ray.data.ActorPoolStrategy(size=self.workers), num_cpus=1,
        )  # fmt: skip
        return np.stack([row["embedding"] for row in rows.iter_rows()]) if texts else np.zeros((0, 1), np.float32)


class _EncoderActor:
    """One sentence encoder per actor, on one thread."""

    def __init__(self, encoder: str | None) -> None:
        import torch

        from whosaid.model.alignment import SentenceEncoder

        torch.set_num_threads(1)
        self.encode = SentenceEncoder(encoder)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {"embedding": self.encode(list(batch["text"]))}


def _start_ray(address: str | None, workers: int) -> None:
    """Join ``address``, or start a local Ray with a CPU per actor and one for reading; keep it quiet."""
    import ray

    ray.init(
        address=address,
        num_cpus=None if address else workers + 1,
        include_dashboard=False,
        log_to_driver=False,
        logging_level=logging.ERROR,
    )


def _configure_ray_data() -> None:
    """Ray Data's own log lines only with ``-v``; output in input order, so the same inputs give the same shards."""
    import ray.data  # configures the "ray.data" logger on first import, so set its level after

    verbose = logger.isEnabledFor(logging.DEBUG)
    logging.getLogger("ray.data").setLevel(logging.INFO if verbose else logging.WARNING)
    ray.data.DataContext.get_current().execution_options.preserve_order = True


def _documents(files: list[Path], columns: CsvColumns) -> ray.data.Dataset:
    """Rows ``{"document": JSON of a DocumentInput, "error": ""}`` or ``{"document": "", "error": "where: reason"}``."""
    import ray.data

    files = [f.absolute() for f in files]  # workers do not share the driver's working folder
    texts = [str(f) for f in files if f.suffix not in CONTAINER_SUFFIXES]
    containers = [str(f) for f in files if f.suffix in CONTAINER_SUFFIXES]
    parts = []
    if texts:
        parts.append(ray.data.read_binary_files(texts, include_paths=True).map(_text_file_row))
    if containers:
        rows = ray.data.from_items([{"path": p} for p in containers])
        parts.append(rows.flat_map(_container_rows, fn_kwargs={"columns": columns}))
    documents = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    # One .jsonl of many articles is one block: split it so that every actor gets a share.
    return documents.repartition(target_num_rows_per_block=DOCUMENTS_PER_BATCH)


def _text_file_row(row: dict) -> dict[str, str]:
    path = Path(row["path"])
    return _row(document_from_bytes(row["bytes"], row["path"], doc_id=path.stem, source=path.name))


def _container_rows(row: dict, columns: CsvColumns):
    for item in iter_inputs([row["path"]], columns):
        yield _row(item)


def _row(item: DocumentInput | InputError) -> dict[str, str]:
    if isinstance(item, InputError):
        return {"document": "", "error": str(item)}
    return {"document": json.dumps(dataclasses.asdict(item), ensure_ascii=False), "error": ""}


def _label(documents: ray.data.Dataset, model: str, batch_size: int, workers: int) -> ray.data.Dataset:
    """Rows ``{"doc_id", "where", "record": JSON line, "error": ""}``, or only ``"error": "where: reason"`` set."""
    import ray.data

    return documents.map_batches(
        LabelerActor,
        fn_constructor_kwargs={"model": model, "batch_size": batch_size},
        batch_size=DOCUMENTS_PER_BATCH,
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=1,
    )


class LabelerActor:
    """One labeler per actor, loaded once, on one torch thread; labels a batch of documents."""

    def __init__(self, model: str, batch_size: int) -> None:
        import torch

        torch.set_num_threads(1)
        self.labeler = open_labeler(model)
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[str]]:
        documents = [DocumentInput(**json.loads(d)) for d in batch["document"] if d]
        rows = [{"doc_id": "", "where": "", "record": "", "error": e} for e in batch["error"] if e]
        for result in label_chunk(self.labeler, documents, self.batch_size) if documents else []:
            if isinstance(result, InputError):
                rows.append({"doc_id": "", "where": "", "record": "", "error": str(result)})
            else:
                line = io.StringIO()
                write_document(result, line)
                where = result.source or result.doc_id
                rows.append({"doc_id": result.doc_id, "where": where, "record": line.getvalue(), "error": ""})
        return {key: [row[key] for row in rows] for key in ("doc_id", "where", "record", "error")}


class _Output:
    """The driver's side: records into rotating part-*.jsonl shards, errors logged and into the errors file."""

    def __init__(self, output_dir: Path, errors: Path | None) -> None:
        self.output_dir = output_dir
        self.errors = errors.open("w", encoding="utf-8") if errors else None
        self.shard: TextIO | None = None
        self.done = self.failed = 0
        self.seen: set[str] = set()

    def write(self, row: dict[str, str]) -> None:
        """One labelled row: its record into the current shard, or its error."""
        if row["error"]:
            self.error(row["error"])
        elif row["doc_id"] in self.seen:
            self.error(f"{row['where']}: duplicate doc_id {row['doc_id']!r}; give every document its own id")
        else:
            self.seen.add(row["doc_id"])
            self._record(row["record"])

    def error(self, message: str) -> None:
        logger.error("%s", message)
        if self.errors:
            self.errors.write(message + "\n")
            self.errors.flush()
        self.failed += 1

    def _record(self, line: str) -> None:
        if self.done % DOCUMENTS_PER_SHARD == 0:
            self._close_shard()
            name = f"part-{self.done // DOCUMENTS_PER_SHARD:05d}.jsonl"
            self.shard = (self.output_dir / name).open("w", encoding="utf-8")
        self.shard.write(line)
        self.done += 1

    def _close_shard(self) -> None:
        if self.shard:
            self.shard.close()

    def __enter__(self) -> _Output:
        return self

    def __exit__(self, *exc) -> None:
        self._close_shard()
        if self.errors:
            self.errors.close()
