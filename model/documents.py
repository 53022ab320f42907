"""What users hand the labellers: strings, ``{"doc_id", "text"}`` dicts, pre-split records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from whosaid.data.records import Document, RecordError


@dataclass
class DocumentInput:
    """One document to label: raw ``text`` to split, or ``sentences`` whose boundaries are kept."""

    doc_id: str
    text: str | None = None
    sentences: list[str] | None = None
    title: str | None = None
    source: str | None = None
    meta: dict | None = None


def as_input(item: Any, index: int = 0) -> DocumentInput:
    """Normalise a string, dict or :class:`Document` into a :class:`DocumentInput`."""
    if isinstance(item, DocumentInput):
        return item
    if isinstance(item, str):
        return DocumentInput(doc_id=f"doc-{index:06d}", text=item)
    if isinstance(item, Document):
        return DocumentInput(item.doc_id, sentences=item.texts, title=item.title, source=item.source, meta=item.meta)
    if isinstance(item, dict):
        doc_id = str(item.get("doc_id") or item.get("id") or f"doc-{index:06d}")
        if isinstance(item.get("sentences"), list):
            doc = Document.from_dict({**item, "doc_id": doc_id}, f"document {doc_id}")
            return DocumentInput(doc_id, sentences=doc.texts, title=doc.title, source=doc.source, meta=doc.meta)
        if isinstance(item.get("text"), str):
            meta = {k: v for k, v in item.items() if k not in ("doc_id", "id", "text", "title", "source")}
            return DocumentInput(doc_id, text=item["text"], title=item.get("title"), source=item.get("source"), meta=meta)
        raise RecordError(f"document {doc_id}: needs a 'text' string or a 'sentences' list")
    raise RecordError(f"document {index}: cannot label a {type(item).__name__}")
