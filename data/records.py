"""Typed records of the JSONL format (ANNOTATION.md section 5): one reader and writer for every file.

A document is one JSON object per line with ``doc_id``, ``source``, ``title`` and
``sentences``; extra document keys (``topic``, ``style``, ``event_id`` ...) are kept in
``meta`` and written back unchanged. Reading validates every label against the contract
and names the file, line and field of the first problem.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

STANCES = ("assertion", "estimate", "corroboration", "warning")
HEDGING_LEVELS = ("none", "low", "medium", "high")
AUTHOR = "AUTHOR"
LABEL_FIELDS = ("boilerplate", "speaker", "stance", "hedging")


class RecordError(ValueError):
    """A record that does not follow the contract; the message names where and what."""


@dataclass
class Sentence:
    """One segment of a document and its labels; ``None`` means not labelled."""

    text: str
    boilerplate: bool | None = None
    speaker: str | None = None
    speaker_mention: str | None = None
    stance: str | None = None
    hedging: str | None = None
    hedge_cues: list[str] | None = None
    speaker_id: str | None = None

    @classmethod
    def from_dict(cls, data: Any, where: str = "") -> Sentence:
        if not isinstance(data, dict):
            raise RecordError(f"{where}: a sentence must be an object, got {type(data).__name__}")
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            raise RecordError(f"{where}: field 'text' must be a non-empty string")
        sentence = cls(
            text=text,
            boilerplate=_optional(data, "boilerplate", bool, where),
            speaker=_optional(data, "speaker", str, where),
            speaker_mention=_optional(data, "speaker_mention", str, where),
            stance=_choice(data, "stance", STANCES, where),
            hedging=_choice(data, "hedging", HEDGING_LEVELS, where),
            hedge_cues=_cues(data, where),
            speaker_id=_optional(data, "speaker_id", str, where),
        )
        if sentence.boilerplate:
            for name in ("speaker", "stance", "hedging"):
                if getattr(sentence, name) is not None:
                    raise RecordError(f"{where}: field '{name}' must be null on a boilerplate segment")
        if sentence.speaker is not None and not sentence.speaker.strip():
            raise RecordError(f"{where}: field 'speaker' must not be blank (use \"AUTHOR\" or null)")
        return sentence

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "text": self.text,
            "boilerplate": self.boilerplate,
            "speaker": self.speaker,
            "speaker_mention": self.speaker_mention,
            "stance": self.stance,
            "hedging": self.hedging,
            "hedge_cues": self.hedge_cues,
        }
        if self.speaker_id is not None:
            out["speaker_id"] = self.speaker_id
        return out

    @property
    def is_prose(self) -> bool:
        """A labelled non-boilerplate segment."""
        return self.boilerplate is False


@dataclass
class Document:
    """A news article as its ordered segments."""

    doc_id: str
    sentences: list[Sentence]
    source: str | None = None
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any, where: str = "") -> Document:
        if not isinstance(data, dict):
            raise RecordError(f"{where}: a document must be a JSON object, got {type(data).__name__}")
        doc_id = data.get("doc_id")
        if not isinstance(doc_id, str) or not doc_id:
            raise RecordError(f"{where}: field 'doc_id' must be a non-empty string")
        sentences = data.get("sentences")
        if not isinstance(sentences, list):
            raise RecordError(f"{where}: field 'sentences' must be a list (doc {doc_id})")
        parsed = [Sentence.from_dict(s, f"{where}: doc {doc_id} sentence {i}") for i, s in enumerate(sentences)]
        meta = {k: v for k, v in data.items() if k not in ("doc_id", "source", "title", "sentences")}
        return cls(
            doc_id=doc_id,
            sentences=parsed,
            source=_optional(data, "source", str, where),
            title=_optional(data, "title", str, where),
            meta=meta,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "source": self.source,
            "title": self.title,
            **self.meta,
            "sentences": [s.to_dict() for s in self.sentences],
        }

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.sentences]


def _optional(data: dict, name: str, kind: type, where: str) -> Any:
    value = data.get(name)
    if value is not None and not isinstance(value, kind):
        raise RecordError(f"{where}: field '{name}' must be {kind.__name__} or null, got {value!r}")
    return value


def _choice(data: dict, name: str, allowed: tuple[str, ...], where: str) -> str | None:
    value = data.get(name)
    if value is not None and value not in allowed:
        raise RecordError(f"{where}: field '{name}' is {value!r}, not one of {', '.join(allowed)} or null")
    return value


def _cues(data: dict, where: str) -> list[str] | None:
    cues = data.get("hedge_cues")
    if cues is not None and (not isinstance(cues, list) or not all(isinstance(c, str) for c in cues)):
        raise RecordError(f"{where}: field 'hedge_cues' must be a list of strings or null")
    return cues


def parse_line(line: str, where: str) -> Document:
    """Parse one JSONL line into a validated document."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise RecordError(f"{where}: not valid JSON ({error.msg} at column {error.colno})") from None
    return Document.from_dict(data, where)


def iter_documents(path: str | Path) -> Iterator[Document | RecordError]:
    """Yield each line's document, or the error that line raised, so a batch loses nothing else."""
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield parse_line(line, f"{path}:{number}")
                except RecordError as error:
                    yield error


def read_documents(path: str | Path) -> list[Document]:
    """Read a whole JSONL file; the first invalid line raises :class:`RecordError`."""
    documents = []
    try:
        for item in iter_documents(path):
            if isinstance(item, RecordError):
                raise item
            documents.append(item)
    except UnicodeDecodeError:
        raise RecordError(f"{path}: not UTF-8 text; re-encode the file as UTF-8") from None
    except FileNotFoundError:
        raise RecordError(f"{path}: no such file") from None
    return documents


def write_document(document: Document, handle: TextIO) -> None:
    """Write one document as one line and flush, so an interrupted run never leaves half a line."""
    handle.write(json.dumps(document.to_dict(), ensure_ascii=False) + "\n")
    handle.flush()


def write_documents(documents: Iterable[Document], path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for document in documents:
            write_document(document, handle)
