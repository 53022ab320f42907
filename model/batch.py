"""Batch labelling that loses nothing: resumable output, per-document flushing, bad records reported.

    counts = label_batch(iter_inputs(paths), load, OutputSink(path, "jsonl"), errors=handle, workers=2)

The output is appended one whole document at a time and flushed, so a killed run loses at
most the document in flight; rerunning with the same output skips documents already written
(a torn last record, left by a crash mid-write, is cut off first). Documents are labelled in
chunks; when a chunk fails, its documents are retried one by one so only the bad one is lost.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import TextIO

from tqdm.auto import tqdm

from whosaid.data.records import Document, RecordError
from whosaid.model.documents import DocumentInput
from whosaid.model.inputs import InputError

logger = logging.getLogger(__name__)
DOCUMENTS_PER_CHUNK = 32
CSV_FIELDS = (
    "doc_id", "index", "text", "boilerplate", "speaker", "speaker_mention", "stance", "hedging", "hedge_cues", "speaker_id",
)
OUTPUT_FORMATS = ("jsonl", "csv")


@dataclass
class BatchCounts:
    """What a run did: documents labelled, skipped as already written, failed; sentences labelled."""

    done: int = 0
    skipped: int = 0
    failed: int = 0
    sentences: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        rate = self.sentences / self.seconds if self.seconds else 0.0
        return (
            f"{self.done} documents labelled ({self.sentences} sentences, {rate:.0f}/s), "
            f"{self.skipped} skipped (already in the output), {self.failed} failed"
        )


class OutputSink:
    """Labelled documents appended to a JSONL or CSV file (or stdout), one flushed write per document."""

    def __init__(self, path: str | Path | None, output_format: str | None = None) -> None:
        self.path = Path(path) if path else None
        self.format = output_format or ("csv" if self.path and self.path.suffix == ".csv" else "jsonl")
        if self.format not in OUTPUT_FORMATS:
            raise ValueError(f"output format {self.format!r} is not one of {', '.join(OUTPUT_FORMATS)}")
        self.handle: TextIO | None = None

    def written_ids(self) -> set[str]:
        """Ids of the documents already in the output, after cutting off a torn last record; the file is
        streamed, so resuming a large output costs no memory."""
        if not self.path or not self.path.exists() or self.path.stat().st_size == 0:
            return set()
        return self._csv_ids() if self.format == "csv" else self._jsonl_ids()

    def _jsonl_ids(self) -> set[str]:
        ids, end = set(), 0
        with self.path.open("rb") as handle:
            for line in handle:
                try:
                    if not line.endswith(b"\n"):
                        raise ValueError("no newline")
                    ids.add(json.loads(line)["doc_id"])
                except (ValueError, KeyError, TypeError):
                    break  # a torn or foreign line: keep what came before it
                end += len(line)
        size = self.path.stat().st_size
        if end < size:
            with self.path.open("r+b") as handle:
                handle.truncate(end)
            logger.warning("%s: cut off a torn last record (%d bytes); it will be labelled again", self.path, size - end)
        return ids

    def _csv_ids(self) -> set[str]:
        ids, last = set(), None
        with self.path.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            if tuple(next(rows, ())) != CSV_FIELDS:
                raise RecordError(f"{self.path}: not a whosaid CSV output (header differs); choose another output file")
            for row in rows:
                if row:
                    ids.add(row[0])
                    last = row[0]
        with self.path.open("rb") as handle:
            handle.seek(-1, os.SEEK_END)
            torn = handle.read(1) != b"\n"
        if torn and last is not None:  # drop the last document's rows entirely
            kept = self.path.with_name(self.path.name + ".part")
            with self.path.open(encoding="utf-8", newline="") as source, kept.open("w", encoding="utf-8", newline="") as out:
                csv.writer(out).writerows(row for i, row in enumerate(csv.reader(source)) if row and (i == 0 or row[0] != last))
            kept.replace(self.path)
            logger.warning("%s: cut off the torn rows of document %s; it will be labelled again", self.path, last)
            ids.discard(last)
        return ids

    def __enter__(self) -> OutputSink:
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            new = not self.path.exists() or self.path.stat().st_size == 0
            self.handle = self.path.open("a", encoding="utf-8", newline="")
            if new and self.format == "csv":
                self._write_rows([CSV_FIELDS])
        else:
            self.handle = sys.stdout
            if self.format == "csv":
                self._write_rows([CSV_FIELDS])
        return self

    def __exit__(self, *exc) -> None:
        if self.path and self.handle:
            self.handle.close()

    def write(self, document: Document) -> None:
        if self.format == "jsonl":
            self.handle.write(json.dumps(document.to_dict(), ensure_ascii=False) + "\n")
            self.handle.flush()
            return
        rows = []
        for index, s in enumerate(document.sentences):
            cues = "|".join(s.hedge_cues or [])
            rows.append([document.doc_id, index, s.text, s.boilerplate, s.speaker, s.speaker_mention, s.stance,
                         s.hedging, cues, s.speaker_id])
        self._write_rows(rows)

    def _write_rows(self, rows: Iterable) -> None:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        self.handle.write(buffer.getvalue())
        self.handle.flush()


def label_chunk(labeler, chunk: list[DocumentInput], batch_size: int) -> list[Document | InputError]:
    """Label documents together; if that fails, one by one so only the bad document is lost."""
    try:
        return labeler(chunk, batch_size=batch_size)
    except Exception as error:  # one odd document must not stop a run over thousands
        if len(chunk) == 1:
            logger.debug("document %s failed", chunk[0].doc_id, exc_info=True)
            reason = str(error) if isinstance(error, RecordError) else f"{type(error).__name__}: {error}"
            return [InputError(chunk[0].source or chunk[0].doc_id, f"cannot label document {chunk[0].doc_id}: {reason}")]
    return [result for item in chunk for result in label_chunk(labeler, [item], batch_size)]


def open_labeler(model: str):
    """A labeler for ``model``: "rules" or a checkpoint folder (PyTorch or ONNX)."""
    from whosaid.model.labeler import Labeler, RulesLabeler

    return RulesLabeler() if model == "rules" else Labeler.from_pretrained(model)


_worker_labeler = None


def _start_worker(load: Callable[[], object], threads: int) -> None:
    import torch

    global _worker_labeler
    torch.set_num_threads(threads)
    _worker_labeler = load()


def _label_in_worker(chunk: list[DocumentInput], batch_size: int) -> list[Document | InputError]:
    return label_chunk(_worker_labeler, chunk, batch_size)


def label_batch(
    items: Iterable[DocumentInput | InputError],
    load: Callable[[], object],
    sink: OutputSink,
    *,
    batch_size: int = 16,
    workers: int = 1,
    report: Callable[[InputError], None] = lambda error: None,
    progress: bool | None = None,
) -> BatchCounts:
    """Label every input into ``sink``, skipping documents it already holds; ``load()`` builds a labeler.

    With ``workers > 1`` each worker process loads its own labeler (``load`` must pickle) and
    shares the CPU threads; the parent alone writes, so output lines never interleave.
    ``progress=None`` shows a bar only on a terminal.
    """
    counts = BatchCounts()
    started = time.perf_counter()
    done_ids = sink.written_ids()
    seen: set[str] = set()

    def fail(error: InputError) -> None:
        counts.failed += 1
        report(error)

    def chunks() -> Iterator[list[DocumentInput]]:
        chunk: list[DocumentInput] = []
        for item in items:
            if isinstance(item, InputError):
                fail(item)
            elif item.doc_id in done_ids:
                counts.skipped += 1
            elif item.doc_id in seen:
                fail(InputError(item.source or item.doc_id, f"duplicate doc_id {item.doc_id!r}; give every document its own id"))
            else:
                seen.add(item.doc_id)
                chunk.append(item)
                if len(chunk) == DOCUMENTS_PER_CHUNK:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk

    with sink, tqdm(unit="doc", desc="labelling", disable=None if progress is None else not progress) as bar:

        def write(results: list[Document | InputError]) -> None:
            for result in results:
                if isinstance(result, InputError):
                    fail(result)
                    continue
                sink.write(result)
                counts.done += 1
                counts.sentences += len(result.sentences)
                bar.update(1)
            elapsed = time.perf_counter() - started
            bar.set_postfix_str(f"{counts.sentences / elapsed:.0f} sentences/s, {counts.failed} failed", refresh=False)

        if workers <= 1:
            labeler = load()
            for chunk in chunks():
                write(label_chunk(labeler, chunk, batch_size))
        else:
            threads = max(1, (os.cpu_count() or 1) // workers)
            with ProcessPoolExecutor(workers, get_context("spawn"), _start_worker, (load, threads)) as pool:
                pending: list[Future] = []
                for chunk in chunks():
                    pending.append(pool.submit(_label_in_worker, chunk, batch_size))
                    while len(pending) > 2 * workers or (pending and pending[0].done()):
                        write(pending.pop(0).result())
                for future in pending:
                    write(future.result())
    counts.seconds = time.perf_counter() - started
    return counts
