"""Reading what ``whosaid label`` is given: .txt files, folders of them, JSONL, stdin.

Every problem becomes an :class:`InputError` naming the file (and line) and the fix, and
the reader goes on with the next record: one bad document never costs the others.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from whosaid.data.records import RecordError
from whosaid.model.documents import DocumentInput, as_input

MAX_DOCUMENT_BYTES = 2_000_000


@dataclass
class InputError:
    """A record that cannot be labelled: where it is and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def iter_inputs(paths: list[str]) -> Iterator[DocumentInput | InputError]:
    """Documents (or errors) from every path, in order; ``-`` reads stdin."""
    for name in paths:
        if name == "-":
            yield from _from_text_stream(sys.stdin.read(), "<stdin>")
            continue
        path = Path(name)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix in (".txt", ".jsonl") and p.is_file())
            if not files:
                yield InputError(str(path), "folder holds no .txt or .jsonl files")
            for file in files:
                yield from _from_file(file)
        elif path.exists():
            yield from _from_file(path)
        else:
            yield InputError(str(path), "no such file or folder; check the path")


def _from_file(path: Path) -> Iterator[DocumentInput | InputError]:
    if path.suffix == ".jsonl":
        yield from _from_jsonl(path)
        return
    text = _read_text(path)
    if isinstance(text, InputError):
        yield text
    else:
        yield DocumentInput(doc_id=path.stem, text=text, source=path.name)


def _read_text(path: Path) -> str | InputError:
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        return InputError(str(path), f"{size:,} bytes is over the {MAX_DOCUMENT_BYTES:,}-byte limit for one article; split it")
    data = path.read_bytes()
    if b"\x00" in data:
        return InputError(str(path), "binary file, not article text; pass .txt or .jsonl files")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return InputError(str(path), f"not UTF-8 text (byte {error.start}); re-encode it as UTF-8")
    if not text.strip():
        return InputError(str(path), "empty file; nothing to label")
    return text


def _from_jsonl(path: Path) -> Iterator[DocumentInput | InputError]:
    try:
        handle = path.open(encoding="utf-8")
        lines = list(handle)
    except UnicodeDecodeError:
        yield InputError(str(path), "not UTF-8 text; re-encode it as UTF-8")
        return
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        if len(line) > MAX_DOCUMENT_BYTES:
            yield InputError(where, f"line of {len(line):,} characters is over the limit for one article; split it")
            continue
        try:
            item = json.loads(line)
            document = as_input(item, number)
        except json.JSONDecodeError as error:
            yield InputError(where, f"malformed JSON ({error.msg}); fix or remove this line")
            continue
        except RecordError as error:
            yield InputError(where, str(error).split(": ", 1)[-1])
            continue
        if document.text is not None and not document.text.strip():
            yield InputError(where, f"document {document.doc_id} has empty text")
            continue
        yield document


def _from_text_stream(text: str, where: str) -> Iterator[DocumentInput | InputError]:
    stripped = text.lstrip()
    if stripped.startswith("{"):
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    yield as_input(json.loads(line), number)
                except (json.JSONDecodeError, RecordError) as error:
                    yield InputError(f"{where}:{number}", f"malformed record ({error}); fix or remove this line")
    elif stripped:
        yield DocumentInput(doc_id="stdin", text=text)
    else:
        yield InputError(where, "empty input; nothing to label")
