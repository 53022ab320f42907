"""Loaders that turn public corpora into partially labelled records (ANNOTATION.md format).

Fields a corpus does not annotate are left null, so training masks those heads. Every
loader reads from a path the user gives; nothing of these corpora is copied into the repo.

PolNeAR (Newell et al., LREC 2018; research use only): brat Source/Cue/Content
attributions -> per sentence ``speaker`` / ``speaker_mention`` (the Source of the
attribution whose Content covers most of the sentence; ``AUTHOR`` where no Content covers
it; null for an attribution without a Source) and ``boilerplate`` (Discard spans).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from whosaid.data.records import AUTHOR, Document, Sentence
from whosaid.data.segment import TextPipeline, _sentences

logger = logging.getLogger(__name__)
_RECORD = re.compile(r"^(T\d+|E\d+)\t")


@dataclass
class Attribution:
    """One PolNeAR attribution: character spans (start, end) into the article text."""

    source: list[tuple[int, int]]
    content: list[tuple[int, int]]
    cue: list[tuple[int, int]]


def read_brat(path: Path) -> tuple[list[Attribution], list[tuple[int, int]]]:
    """Attributions and Discard spans of one ``.ann`` file (continuation lines skipped)."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    relations: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not _RECORD.match(line):
            continue
        key, body = line.split("\t", 2)[:2]
        if key.startswith("T"):
            label, _, offsets = body.partition(" ")
            parts = [tuple(int(x) for x in part.split()) for part in offsets.split(";")]
            spans[key] = (label, [p for p in parts if len(p) == 2])
        else:
            relations.append(dict(item.split(":", 1) for item in body.split() if ":" in item))
    attributions = []
    for relation in relations:
        get = lambda role: [s for name, ref in relation.items() if name.startswith(role) for s in spans.get(ref, ("", []))[1]]
        attributions.append(Attribution(source=get("Source"), content=get("Content"), cue=get("Cue")))
    discards = [s for label, parts in spans.values() if label == "Discard" for s in parts]
    return attributions, discards


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def polnear_document(text: str, attributions: list[Attribution], discards, pipeline: TextPipeline, doc_id: str) -> Document:
    """Sentence records of one article from its attributions."""
    from whosaid.model.speakers import Mention, SpeakerResolver, candidate_mentions, trim_mention

    sentences: list[tuple[int, int, object]] = []  # (start, end, span) in article characters
    offset = 0
    for paragraph in text.split("\n"):
        if paragraph.strip():
            doc = pipeline.nlp(paragraph)
            for segment in _sentences(doc):
                start = offset + segment.span.start_char
                sentences.append((start, offset + segment.span.end_char, segment.span))
        offset += len(paragraph) + 1
    resolver = SpeakerResolver()
    for index, (_, _, span) in enumerate(sentences):
        resolver.observe(index, candidate_mentions(span))
    records = []
    for index, (start, end, span) in enumerate(sentences):
        sentence_text = text[start:end]
        extent = (start, end)
        if sum(_overlap(extent, d) for d in discards) > 0.5 * (end - start):
            records.append(Sentence(sentence_text, True, None, None, None, None, None))
            continue
        covering = max(attributions, key=lambda a: sum(_overlap(extent, c) for c in a.content), default=None)
        if covering is None or sum(_overlap(extent, c) for c in covering.content) < 0.3 * (end - start):
            records.append(Sentence(sentence_text, False, AUTHOR, None, None, None, None))
            continue
        if not covering.source:
            records.append(Sentence(sentence_text, False, None, None, None, None, None))
            continue
        s_start, s_end = covering.source[0]
        source_text = text[s_start:s_end]
        inside = start <= s_start and s_end <= end
        where = next((i for i, (a, b, _) in enumerate(sentences) if a <= s_start < b), index)
        local = s_start - sentences[where][0]
        kind = "pronoun" if source_text.lower() in {"he", "she", "they", "it", "we", "i"} else "name"
        speaker = resolver.resolve(Mention(local, local + len(source_text), source_text, kind), where) or trim_mention(source_text)
        records.append(Sentence(sentence_text, False, speaker, source_text if inside else None, None, None, None))
    return Document(doc_id, records, source="polnear")


def load_polnear(root: str | Path, split: str = "train", limit: int | None = None) -> list[Document]:
    """PolNeAR articles of one split (one annotator's file per article) as records."""
    root = Path(root)
    base = root / "data" / split if (root / "data").is_dir() else root / split
    if not (base / "text").is_dir():
        raise FileNotFoundError(f"{base}/text: not a PolNeAR split folder; pass the folder holding data/{split}/text")
    pipeline = TextPipeline()
    documents = []
    for text_path in sorted((base / "text").glob("*.txt"))[:limit]:
        annotations = sorted((base / "attributions").glob(f"{text_path.stem}_*.ann"))
        if not annotations:
            continue
        attributions, discards = read_brat(annotations[0])
        text = text_path.read_text(encoding="utf-8")
        documents.append(polnear_document(text, attributions, discards, pipeline, f"polnear-{split}-{text_path.stem}"))
    logger.info("loaded %d PolNeAR %s articles", len(documents), split)
    return documents
