"""Reading what ``whosaid label`` is given: .txt files, folders and globs of them, JSONL, CSV, stdin.

Every problem becomes an :class:`InputError` naming the file (and line) and the fix, and
the reader goes on with the next record: one bad document never costs the others. Files
are streamed line by line, so a JSONL or CSV of millions of articles is never held whole.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from whosaid.data.records import RecordError
from whosaid.model.documents import DocumentInput, as_input

MAX_DOCUMENT_BYTES = 2_000_000
SUFFIXES = (".txt", ".jsonl", ".csv")


@dataclass
class InputError:
    """A record that cannot be labelled: where it is and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True)
class CsvColumns:
    """Which CSV columns hold the article text and its id (the row number when no id column)."""

    text: str = "text"
    id: str | None = None


def iter_inputs(paths: list[str], columns: CsvColumns = CsvColumns()) -> Iterator[DocumentInput | InputError]:
    """Documents (or errors) from every path, in order; ``-`` reads stdin."""
    for name in paths:
        if name == "-":
            yield from _from_text_stream(sys.stdin.read(), "<stdin>")
            continue
        for file in input_files([name]):
            if isinstance(file, InputError):
                yield file
            else:
                yield from _from_file(file, columns)


def input_files(paths: list[str]) -> Iterator[Path | InputError]:
    """The files behind paths, folders (recursively) and quoted globs, in order, or why there are none."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
            if not files:
                yield InputError(str(path), f"folder holds no {', '.join(SUFFIXES)} files")
            yield from files
        elif path.exists():
            yield path
        elif glob.has_magic(name):
            matches = sorted(Path(match) for match in glob.glob(name, recursive=True))
            if not matches:
                yield InputError(name, "the pattern matches no files; check it")
            yield from (match for match in matches if match.is_file())
        else:
            yield InputError(str(path), "no such file or folder; check the path")


def _from_file(path: Path, columns: CsvColumns) -> Iterator[DocumentInput | InputError]:
    if path.suffix == ".jsonl":
        yield from _from_jsonl(path)
    elif path.suffix == ".csv":
        yield from _from_csv(path, columns)
    elif (size := path.stat().st_size) > MAX_DOCUMENT_BYTES:  # never read a huge file to refuse it
        yield _oversized(str(path), size)
    else:
        yield document_from_bytes(path.read_bytes(), str(path), doc_id=path.stem, source=path.name)


def _oversized(where: str, size: int) -> InputError:
    return InputError(where, f"{size:,} bytes is over the {MAX_DOCUMENT_BYTES:,}-byte limit for one article; split it")


def document_from_bytes(data: bytes, where: str, *, doc_id: str, source: str | None = None) -> DocumentInput | InputError:
    """One article's raw bytes as a document, or the reason it cannot be labelled."""
    if len(data) > MAX_DOCUMENT_BYTES:
        return _oversized(where, len(data))
    if b"\x00" in data:
        return InputError(where, "binary file, not article text; pass .txt, .jsonl or .csv files")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return InputError(where, f"not UTF-8 text (byte {error.start}); re-encode it as UTF-8")
    if not text.strip():
        return InputError(where, "empty file; nothing to label")
    return DocumentInput(doc_id=doc_id, text=text, source=source)


def document_from_json_line(line: bytes | str, where: str, number: int) -> DocumentInput | InputError:
    """One JSONL line as a document, or the reason it cannot be labelled."""
    if len(line) > MAX_DOCUMENT_BYTES:
        return InputError(where, f"line of {len(line):,} bytes is over the limit for one article; split it")
    try:
        if isinstance(line, bytes):
            line = line.decode("utf-8")
        document = as_input(json.loads(line), number)
    except UnicodeDecodeError as error:
        return InputError(where, f"not UTF-8 text (byte {error.start}); re-encode the file as UTF-8")
    except json.JSONDecodeError as error:
        return InputError(where, f"malformed JSON ({error.msg}); fix or remove this line")
    except RecordError as error:
        return InputError(where, str(error).split(": ", 1)[-1])
    if document.text is not None and not document.text.strip():
        return InputError(where, f"document {document.doc_id} has empty text")
    return document


def _from_jsonl(path: Path) -> Iterator[DocumentInput | InputError]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                yield document_from_json_line(line, f"{path}:{number}", number)


def _from_csv(path: Path, columns: CsvColumns) -> Iterator[DocumentInput | InputError]:
    csv.field_size_limit(MAX_DOCUMENT_BYTES * 2)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            missing = [c for c in (columns.text, columns.id) if c and c not in fields]
            if missing:
                yield InputError(str(path), f"no column {', '.join(map(repr, missing))} (columns: {', '.join(fields)}); "
                                 "choose with --text-column / --id-column")
                return
            for row in reader:
                where = f"{path}:{reader.line_num}"
                text = row.get(columns.text) or ""
                doc_id = (row.get(columns.id) or "").strip() if columns.id else f"{path.stem}-{reader.line_num}"
                if not doc_id:
                    yield InputError(where, f"empty {columns.id!r} id; give every row an id")
                elif len(text) > MAX_DOCUMENT_BYTES:
                    yield InputError(where, f"text of {len(text):,} characters is over the limit for one article; split it")
                elif not text.strip():
                    yield InputError(where, f"empty {columns.text!r} text; nothing to label")
                else:
                    meta = {k: v for k, v in row.items() if k not in (columns.text, columns.id) and k is not None}
                    yield DocumentInput(doc_id=doc_id, text=text, source=path.name, meta=meta)
    except UnicodeDecodeError as error:
        yield InputError(str(path), f"not UTF-8 text (byte {error.start}); re-encode it as UTF-8")
    except csv.Error as error:
        yield InputError(str(path), f"malformed CSV ({error}); fix the file")


def _from_text_stream(text: str, where: str) -> Iterator[DocumentInput | InputError]:
    stripped = text.lstrip()
    if stripped.startswith("{"):
        for number, line in enumerate(io.StringIO(text), 1):
            if line.strip():
                yield document_from_json_line(line, f"{where}:{number}", number)
    elif stripped:
        yield DocumentInput(doc_id="stdin", text=text)
    else:
        yield InputError(where, "empty input; nothing to label")
