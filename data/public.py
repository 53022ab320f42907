"""Loaders that turn public corpora into partially labelled records (ANNOTATION.md format).

Fields a corpus does not annotate are left null, so training masks those heads. Every
loader reads from a path the user gives; nothing of these corpora is copied into the repo.

PolNeAR (Newell et al., LREC 2018; research use only): brat Source/Cue/Content
attributions -> per sentence ``speaker`` / ``speaker_mention`` (the Source of the
attribution whose Content covers most of the sentence; ``AUTHOR`` where no Content covers
it; null for an attribution without a Source) and ``boilerplate`` (Discard spans).

Szeged Uncertainty Corpus (Szarvas et al. 2012; research use only): ``ccue`` elements ->
``hedge_cues`` and ``hedging`` (see :func:`load_szeged`).

UW / MEANTIME event factuality (Lee et al. 2015; Minard et al. 2016, as preprocessed by Jiang
and de Marneffe 2021): the main event's score -> ``hedging`` (see :func:`load_factuality`).
"""

from __future__ import annotations

import json
import logging
import re
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from whosaid.data.records import AUTHOR, Document, Sentence
from whosaid.data.segment import TextPipeline, repaired_sentences
from whosaid.model import lexicon as lx
from whosaid.model.rules import approximator_words, hedging_level

logger = logging.getLogger(__name__)
_RECORD = re.compile(r"^(T\d+|E\d+)\t")
_POSSESSIVE = re.compile(r"\s*['’]s$")
_RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})


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
    attributions = [
        Attribution(source=_role(relation, spans, "Source"), content=_role(relation, spans, "Content"), cue=_role(relation, spans, "Cue"))
        for relation in relations
    ]
    discards = [s for label, parts in spans.values() if label == "Discard" for s in parts]
    return attributions, discards


def _role(relation: dict[str, str], spans: dict[str, tuple[str, list[tuple[int, int]]]], role: str) -> list[tuple[int, int]]:
    """The character spans of one role ("Source", "Content" also matching "Content2", "Cue") of a relation."""
    return [part for name, ref in relation.items() if name.startswith(role) for part in spans.get(ref, ("", []))[1]]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _covered(extent: tuple[int, int], attribution: Attribution) -> int:
    """Characters of a sentence inside an attribution: its content, and its source and cue ("..., X said")."""
    return sum(_overlap(extent, part) for part in (*attribution.content, *attribution.source, *attribution.cue))


def _attributes(extent: tuple[int, int], attribution: Attribution) -> bool:
    """Whether an attribution claims a sentence: its content covers 30% of it, or content, source and
    cue together cover 60% ("I guess that settles it, said six-million people who lost ...")."""
    length = extent[1] - extent[0]
    content = sum(_overlap(extent, part) for part in attribution.content)
    return content >= 0.3 * length or (content > 0 and _covered(extent, attribution) >= 0.6 * length)


def _source_kind(source: str) -> str:
    """The resolver's kind of a Source span: "pronoun", "relative" (who/which/that), "description"
    (a lower-case head: "the candidate", "officials") or "name"."""
    from whosaid.model.speakers import SUBJECT_PRONOUNS, head_noun

    lower = source.lower().strip()
    if lower in SUBJECT_PRONOUNS:
        return "pronoun"
    if lower in _RELATIVE_PRONOUNS:
        return "relative"
    head = next((w for w in reversed(source.split()) if w.lower().strip(".,'’") == head_noun(source)), "")
    return "description" if head[:1].islower() else "name"


def article_sentences(text: str, pipeline: TextPipeline) -> list[tuple[int, int, object]]:
    """Our sentence split of an article with its offsets kept: spaCy's repaired sentences of each
    line, as ``(start, end, span)`` in the article's characters."""
    sentences: list[tuple[int, int, object]] = []
    offset = 0
    for paragraph in text.split("\n"):
        if paragraph.strip():
            doc = pipeline.nlp(paragraph)
            for segment in repaired_sentences(doc):
                start = offset + segment.span.start_char
                sentences.append((start, offset + segment.span.end_char, segment.span))
        offset += len(paragraph) + 1
    return sentences


def polnear_document(text: str, attributions: list[Attribution], discards, pipeline: TextPipeline, doc_id: str) -> Document:
    """Sentence records of one article from its attributions."""
    from whosaid.model.speakers import Mention, SpeakerResolver, candidate_mentions, trim_mention

    sentences = article_sentences(text, pipeline)
    resolver = SpeakerResolver()
    for index, (_, _, span) in enumerate(sentences):
        resolver.observe(index, candidate_mentions(span))
    records = []
    for index, (start, end, _span) in enumerate(sentences):
        sentence_text = text[start:end]
        extent = (start, end)
        if sum(_overlap(extent, d) for d in discards) > 0.5 * (end - start):
            records.append(Sentence(sentence_text, True, None, None, None, None, None))
            continue
        covering = max(attributions, key=lambda a: _covered(extent, a), default=None)
        if covering is None or not _attributes(extent, covering):
            records.append(Sentence(sentence_text, False, AUTHOR, None, None, None, None))
            continue
        if not covering.source:
            records.append(Sentence(sentence_text, False, None, None, None, None, None))
            continue
        s_start, s_end = covering.source[0]
        source_text = _POSSESSIVE.sub("", text[s_start:s_end])
        inside = start <= s_start and s_end <= end
        where = next((i for i, (a, b, _) in enumerate(sentences) if a <= s_start < b), index)
        local = s_start - sentences[where][0]
        mention = Mention(local, local + len(source_text), source_text, _source_kind(source_text))
        if mention.kind == "relative":
            # "the report, which said ...": the nearest mention before the relative pronoun
            before = [m for m in candidate_mentions(sentences[where][2]) if m.end <= local and m.kind != "pronoun"]
            mention = before[-1] if before else replace(mention, kind="name")
        speaker = _POSSESSIVE.sub("", resolver.resolve(mention, where) or trim_mention(source_text))
        records.append(Sentence(sentence_text, False, speaker, source_text if inside else None, None, None, None))
    return Document(doc_id, records, source="polnear")


def load_polnear(root: str | Path, split: str = "train", limit: int | None = None) -> list[Document]:
    """PolNeAR articles of one split (one annotator's file per article) as records; with
    ``limit``, that many articles spread evenly over the (publisher-sorted) file list."""
    pipeline = TextPipeline()
    documents = []
    for text_path in _polnear_texts(root, split, limit):
        annotations = _polnear_annotations(text_path)
        if not annotations:
            continue
        attributions, discards = read_brat(annotations[0])
        text = text_path.read_text(encoding="utf-8")
        documents.append(polnear_document(text, attributions, discards, pipeline, f"polnear-{split}-{text_path.stem}"))
    logger.info("loaded %d PolNeAR %s articles", len(documents), split)
    return documents


def _polnear_texts(root: str | Path, split: str, limit: int | None) -> list[Path]:
    """The article texts of one split, publisher-sorted; with ``limit``, that many spread evenly."""
    root = Path(root)
    base = root / "data" / split if (root / "data").is_dir() else root / split
    if not (base / "text").is_dir():
        raise FileNotFoundError(f"{base}/text: not a PolNeAR split folder; pass the folder holding data/{split}/text")
    files = sorted((base / "text").glob("*.txt"))
    if limit is not None and limit < len(files):
        files = [files[round(i * len(files) / limit)] for i in range(limit)]
    return files


def _polnear_annotations(text_path: Path) -> list[Path]:
    """The ``.ann`` files of one article, one per annotator."""
    return sorted((text_path.parent.parent / "attributions").glob(f"{text_path.stem}_*.ann"))


@dataclass
class PolnearArticle:
    """One PolNeAR article and the attributions of each of its annotators (``.ann`` file stem -> list)."""

    article_id: str
    text: str
    annotations: dict[str, list[Attribution]]


def read_polnear_articles(root: str | Path, split: str = "test", limit: int | None = None) -> list[PolnearArticle]:
    """PolNeAR articles of one split with every annotator's attributions, for scoring against all
    of them (the corpus has 94 ``.ann`` files for 84 test articles)."""
    articles = []
    for text_path in _polnear_texts(root, split, limit):
        annotations = {path.stem: read_brat(path)[0] for path in _polnear_annotations(text_path)}
        if annotations:
            articles.append(PolnearArticle(text_path.stem, text_path.read_text(encoding="utf-8"), annotations))
    return articles


# NewsClaims (Reddy et al., EMNLP 2022; research use only)


@dataclass
class Claim:
    """One NewsClaims claim sentence: its id, character span ``[start, end)`` in the rebuilt article,
    and the claimer annotation (``has_claimer`` None where the corpus leaves it out)."""

    sentence_id: str
    start: int
    end: int
    has_claimer: bool | None
    claimer: str | None
    claimer_in_sentence: bool | None


@dataclass
class NewsclaimsArticle:
    """A NewsClaims article rebuilt from ``all_sents.json`` and its annotated claims."""

    doc_id: str
    text: str
    claims: list[Claim]


def rebuild_article(sentences: dict[str, dict]) -> str:
    """An article's text from its ``all_sents.json`` sentences (inclusive ``start_char``/``end_char``):
    each sentence at its offset; a one-character gap becomes a space, a longer gap newlines (a line
    break: the raw text that would tell is not distributed)."""
    text = ""
    for item in sorted(sentences.values(), key=lambda item: item["start_char"]):
        gap = item["start_char"] - len(text)
        if gap < 0 or item["end_char"] - item["start_char"] + 1 != len(item["sentence"]):
            raise ValueError(f"sentence at {item['start_char']}: offsets do not match its text")
        text += (" " if gap == 1 else "\n" * gap) + item["sentence"]
    return text


def load_newsclaims(root: str | Path, split: str = "test", limit: int | None = None) -> list[NewsclaimsArticle]:
    """NewsClaims ``{split}.json`` claims with their articles rebuilt from ``all_sents.json``; with
    ``limit``, the first that many articles in file order."""
    root = Path(root)
    gold_path, sentences_path = root / f"{split}.json", root / "all_sents.json"
    for path in (gold_path, sentences_path):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: missing; pass the NewsClaims folder holding {split}.json and all_sents.json")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    all_sentences = json.loads(sentences_path.read_text(encoding="utf-8"))
    articles = []
    for doc_id, annotated in list(gold.items())[:limit]:
        sentences = all_sentences.get(doc_id)
        if sentences is None:
            raise ValueError(f"{sentences_path}: no sentences of {doc_id} (from {gold_path})")
        claims = []
        for sentence_id, claim in annotated.items():
            where = sentences.get(sentence_id)
            if where is None:
                raise ValueError(f"{sentences_path}: no sentence {sentence_id} of {doc_id} (from {gold_path})")
            claims.append(
                Claim(sentence_id, where["start_char"], where["end_char"] + 1, claim.get("has_claimer"),
                      claim.get("claimer"), claim.get("claimer_in_sentence"))
            )
        articles.append(NewsclaimsArticle(doc_id, rebuild_article(sentences), claims))
    logger.info("loaded %d NewsClaims %s articles (%d claims)", len(articles), split, sum(len(a.claims) for a in articles))
    return articles


# Hedge cues -> level (ANNOTATION.md section 4)

# Open questions that the lexicon's HIGH_PHRASES miss without their "it is": "unclear whether",
# "remains to be seen" (the contexts in which a Szeged `investigation` cue counts).
_UNSETTLED = (
    r"\b(?:unclear|not\s+clear|uncertain|unknown|not\s+known|undetermined)\s+(?:whether|if)\b",
    r"\b(?:remains?|yet)\s+to\s+be\s+seen\b",
)
# Soft adverbs of the lexicon that approximate a quantity; Szeged does not annotate them.
_APPROXIMATING_ADVERBS = frozenset({"nearly", "almost", "roughly", "approximately"}) & lx.WEAK_ADVERBS
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "its", "their", "this", "that"})
_GLUED = re.compile(r"n't\b|[.,;:%!?](?=\s|$|'')")


@dataclass(frozen=True)
class _Patterns:
    high: re.Pattern[str]
    unsettled: re.Pattern[str]
    strong: re.Pattern[str]
    non_cues: re.Pattern[str]
    approximators: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    return _Patterns(
        high=lx.compile_phrases((*lx.HIGH_PHRASES, *_UNSETTLED)),
        unsettled=lx.compile_phrases(_UNSETTLED),
        strong=lx.compile_phrases(lx.STRONG_PHRASES),
        non_cues=lx.compile_phrases(lx.NON_CUE_PHRASES),
        approximators=lx.compile_phrases(lx.APPROXIMATORS),
    )


def cue_strength(cue: str) -> str | None:
    """The strength of one cue text by the lexicon: "high", "strong", "weak", or None for no cue of the guide."""
    patterns, lower = _patterns(), cue.lower().strip()
    if patterns.high.search(lower):
        return "high"
    if lower in lx.STRONG_WORDS or patterns.strong.search(lower):
        return "strong"
    if lower in lx.WEAK_ADVERBS or lx.base_form(lower) in lx.WEAK_VERBS or patterns.approximators.fullmatch(f"{lower} 10"):
        return "weak"
    return None


def hedging_from_cues(cues: list[str]) -> str:
    """The hedging level of a claim from its cue texts: 1 weak -> low; 1 strong or 2 weak -> medium;
    strong + another, or an unverified/open-question phrase -> high. Texts that are no cue are ignored."""
    strengths = [strength for strength in map(cue_strength, cues) if strength]
    return hedging_level(strengths)


# Szeged Uncertainty Corpus


def _overlapping(start: int, end: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    return next((span for span in spans if span[0] < end and start < span[1]), None)


def szeged_cues(text: str, ccues: list[tuple[int, int, str]]) -> list[str]:
    """The cues of one sentence that the guide counts, in text order, from its ``(start, end, type)`` ccues.

    A ccue inside a lexicon phrase (HIGH_PHRASES, "unclear whether", STRONG_PHRASES) is widened to
    the phrase ("it is thought that"); one inside a concessive or idiomatic modal is dropped; an
    `investigation` cue counts only inside such an open-question phrase; any other ccue counts when
    the lexicon lists its word (so `condition` cues other than "could" drop out), except a
    participle used as an adjective after a determiner ("the alleged bribe"). Unannotated
    approximators ("about 40", "nearly") found by the lexicon are added.
    """
    patterns = _patterns()
    high = [m.span() for pattern in (patterns.high, patterns.unsettled) for m in pattern.finditer(text)]
    strong = [m.span() for m in patterns.strong.finditer(text)]
    non_cues = [m.span() for m in patterns.non_cues.finditer(text)]
    found: list[tuple[int, int]] = []
    for start, end, kind in ccues:
        phrase = _overlapping(start, end, high) or _overlapping(start, end, strong)
        if _overlapping(start, end, non_cues):
            continue
        if phrase:
            found.append((min(start, phrase[0]), max(end, phrase[1])))
            continue
        word = text[start:end]
        before = text[:start].split()
        adjective = word.lower().endswith("ed") and bool(before) and before[-1].lower() in _DETERMINERS
        if "investigation" not in kind and not adjective and cue_strength(word):
            found.append((start, end))
    for match in patterns.approximators.finditer(text):
        found.append((match.start(), match.start() + len(approximator_words(match.group()))))
    for match in re.finditer(r"\w+", text):
        if match.group().lower() in _APPROXIMATING_ADVERBS:
            found.append(match.span())
    kept: list[tuple[int, int]] = []
    for span in sorted(set(found)):
        if not _overlapping(*span, kept):
            kept.append(span)
    return [text[a:b] for a, b in kept]


def _normalised(pieces: list[tuple[str, str | None]]) -> tuple[str, list[tuple[int, int, str]]]:
    """Join text pieces (text, ccue type or None) with whitespace runs collapsed, FactBank's tokenised
    "are n't" / "replaced ." glued and ``/'' made '"'; the ccue spans in the result."""
    raw = "".join(piece for piece, _ in pieces)
    out: list[str] = []
    position = [0] * (len(raw) + 1)
    pending = False
    i = 0
    while i < len(raw):
        position[i] = len(out)
        if raw[i].isspace():
            pending, i = bool(out), i + 1
            continue
        if pending and not _GLUED.match(raw, i):
            out.append(" ")
        pending = False
        position[i] = len(out)
        if raw.startswith(("``", "''"), i):
            position[i + 1] = len(out)
            out.append('"')
            i += 2
        else:
            out.append(raw[i])
            i += 1
    text = "".join(out)
    spans = []
    offset = 0
    for piece, kind in pieces:
        core = piece.strip()
        if kind is not None and core:
            first = offset + piece.index(core)
            spans.append((position[first], position[first + len(core) - 1] + 1, kind))
        offset += len(piece)
    return text, spans


def _szeged_sentence(element: ET.Element) -> Sentence | None:
    pieces: list[tuple[str, str | None]] = [(element.text or "", None)]
    for child in element:
        pieces.append(("".join(child.itertext()), child.get("type", "") if child.tag == "ccue" else None))
        pieces.append((child.tail or "", None))
    text, ccues = _normalised(pieces)
    if not text:
        return None
    cues = szeged_cues(text, ccues)
    return Sentence(text, hedging=hedging_from_cues(cues), hedge_cues=cues)


def load_szeged(path: str | Path, limit: int | None = None) -> list[Document]:
    """Documents of a Szeged Uncertainty XML file (``factbank.xml`` news, ``wiki.xml``) as records.

    One Document per XML ``Document``; a Wikipedia ``Title`` part becomes the title, every other
    ``Sentence`` a record with ``hedge_cues`` from :func:`szeged_cues` and ``hedging`` from
    :func:`hedging_from_cues`. The corpus marks every cue of the sentence, not only the main
    claim's, so levels lean high where a background clause is hedged. Speaker, stance and
    boilerplate stay null.
    """
    path = Path(path)
    documents: list[Document] = []
    for _, element in ET.iterparse(path, events=("end",)):
        if element.tag != "Document":
            continue
        doc_id = " ".join((element.findtext("DocID") or str(len(documents))).split()).removesuffix(".txt")
        title, sentences = None, []
        for part in element.iter("DocumentPart"):
            found = [s for s in map(_szeged_sentence, part.iter("Sentence")) if s is not None]
            if part.get("type") == "Title" and title is None and found:
                title = " ".join(s.text for s in found)
            else:
                sentences.extend(found)
        element.clear()
        if sentences:
            documents.append(Document(f"szeged-{path.stem}-{doc_id}", sentences, source=f"szeged-{path.stem}", title=title))
        if limit is not None and len(documents) >= limit:
            break
    logger.info("loaded %d Szeged %s documents", len(documents), path.stem)
    return documents


# UW / MEANTIME event factuality

FACTUALITY_DOC_SIZE = 15
_CONTRACTION = re.compile(r"^(?:n't|'(?:s|re|ve|ll|m|d|t))$", re.IGNORECASE)
_ATTACH_LEFT = frozenset({",", ".", ";", ":", "?", "!", "%", ")", "]", "}", "...", "''"})
_ATTACH_RIGHT = frozenset({"(", "[", "{", "$", "US$", "C$", "#", "``", "`"})
_QUOTES = {"``": '"', "''": '"', "`": "'"}


def detokenise(text: str) -> str:
    """Readable text from a space-tokenised sentence: "don 't" -> "don't", "U.S. ," -> "U.S.,",
    "`` Hi , '' he said" -> '"Hi," he said', "( SIA )" -> "(SIA)", "$ 5" -> "$5"."""
    out = ""
    glue = True  # no space before the next token
    open_double = open_single = False
    for token in text.split():
        attach = token in _ATTACH_LEFT or bool(_CONTRACTION.match(token))
        opens = token in _ATTACH_RIGHT
        if token == '"':
            attach, opens = open_double, not open_double
            open_double = not open_double
        elif token == "'":
            closing = open_single or out.endswith("s")
            attach, opens = closing, not closing
            open_single = not closing and not open_single
        elif token == "`":
            open_single = True
        out += ("" if glue or attach else " ") + _QUOTES.get(token, token)
        glue = opens
    return out


def _read_conll(path: Path) -> list[list[tuple[int, str, str]]]:
    """Per sentence, per token: (head index, dependency label, lemma)."""
    sentences = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        rows = [line.split("\t") for line in block.splitlines() if line.strip()]
        sentences.append([(int(row[4]), row[5], row[6]) for row in rows])
    return sentences


def _is_reporting(word: str) -> bool:
    return lx.base_form(word) in lx.REPORTING_VERBS


def main_event(targets: list[dict], tokens: list[str], parse: list[tuple[int, str, str]] | None) -> dict:
    """The scored event of the sentence's main claim.

    With the dependency parse: from the root, step down from a reporting or belief verb into
    its clausal complement (the content of "X said/expects/suggests that ..."), then take the
    scored event nearest to that node in its subtree (breadth first, then leftmost); if none
    is there, the nearest to the root. Without a parse: the lowest-|score| event among those
    that are not reporting verbs (a conservative proxy).
    """
    events = {t["span1"][1] - 1: t for t in targets}  # head = last token of the span
    if parse is None or len(parse) != len(tokens):
        content = [t for t in targets if not _is_reporting(t["span_text"])] or targets
        return min(content, key=lambda t: abs(t["label"]))
    children: dict[int, list[int]] = {}
    roots = []
    for index, (head, _, _) in enumerate(parse):
        if head == index:
            roots.append(index)
        else:
            children.setdefault(head, []).append(index)
    root = roots[0] if roots else 0
    node = root
    while _is_reporting(tokens[node]) or _is_reporting(parse[node][2]):
        complements = [c for c in children.get(node, []) if parse[c][1] in ("ccomp", "xcomp")]
        if not complements:
            break
        node = complements[0]
    for start in (node, root):
        queue = deque([start])
        while queue:
            index = queue.popleft()
            if index in events:
                return events[index]
            queue.extend(sorted(children.get(index, [])))
    return min(targets, key=lambda t: abs(t["label"]))


def factuality_hedging(score: float) -> str:
    """Hedging from an event's factuality score (-3..+3); negation is not hedging, so |score| counts.

    |score| >= 2.5 -> none; [1.5, 2.5) -> low; [0.5, 1.5) -> medium; < 0.5 -> high (the INDEX's
    suggested starting thresholds, not yet calibrated against the seed gold).
    """
    certainty = abs(score)
    if certainty >= 2.5:
        return "none"
    if certainty >= 1.5:
        return "low"
    return "medium" if certainty >= 0.5 else "high"


def factuality_main_events(path: str | Path) -> list[tuple[str, float]]:
    """Per scored sentence of a UW or MEANTIME ``.jsonl``: its readable text and the factuality score
    (-3..+3) of its main claim's event (:func:`main_event`, with the sibling ``.conll`` parse when present)."""
    path = Path(path)
    conll = path.with_suffix(".conll")
    parses = _read_conll(conll) if conll.is_file() else None
    if parses is None:
        logger.warning("%s: no parse; the main event falls back to the lowest |score| event", conll)
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if not row.get("targets"):
            continue
        tokens = row["text"].split()
        index = row.get("file_idx")
        parse = parses[index] if parses is not None and index is not None and index < len(parses) else None
        events.append((detokenise(row["text"]), main_event(row["targets"], tokens, parse)["label"]))
    return events


def load_factuality(path: str | Path, limit: int | None = None) -> list[Document]:
    """UW or MEANTIME factuality sentences (``{train,dev,test}.jsonl``) as records with ``hedging`` only.

    Per sentence: :func:`main_event` picks the main claim's event (using the sibling ``.conll``
    parse when present, aligned by ``file_idx``) and :func:`factuality_hedging` maps its score.
    ``hedge_cues``, speaker, stance and boilerplate stay null. The corpus marks no document
    boundaries, so runs of ``FACTUALITY_DOC_SIZE`` consecutive sentences form one document
    (``uw-train-0001``, ...); ``limit`` counts documents.
    """
    path = Path(path)
    corpus = path.parent.name.lower()
    sentences = [Sentence(text, hedging=factuality_hedging(score)) for text, score in factuality_main_events(path)]
    documents = []
    for number, first in enumerate(range(0, len(sentences), FACTUALITY_DOC_SIZE), start=1):
        if limit is not None and number > limit:
            break
        chunk = sentences[first : first + FACTUALITY_DOC_SIZE]
        documents.append(Document(f"{corpus}-{path.stem}-{number:04d}", chunk, source=corpus))
    logger.info("loaded %d %s %s documents (%d sentences)", len(documents), corpus, path.stem, len(sentences))
    return documents
