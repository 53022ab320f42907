"""External benchmarks, scored as their papers score them (protocols and numbers: benchmarks/EXTERNAL.md).

    whosaid benchmark polnear PATH     [--model rules|DIR] [--split test] [--limit N] [-o OUT_DIR]
    whosaid benchmark newsclaims PATH  ...
    whosaid benchmark hedging PATH     ...   (a UW/MEANTIME factuality folder or .jsonl, or a Szeged .xml)

- PolNeAR: source-span extraction as CofeNet (Wang et al., COLING 2022) scores it: every Source span of
  every annotator's ``.ann`` file is a gold span; ours are the speaker mentions of the sentences we
  attribute. Exact match and token overlap (proportional P/R, and CofeNet's Jaccard score).
- NewsClaims: claimer identification given the claim sentence, the official
  ``eval_claim_detection.py --eval_claimer`` protocol re-implemented (SQuAD-style token F1 for
  reported claimers, P/R/F1 of the journalist class, in- and out-of-sentence claimer F1).
- Hedging: Spearman correlation between our hedging level and the certainty |score| of the main
  event (UW, MEANTIME), or cue-level F1 against the guide-mapped Szeged cues.

Each run writes ``<benchmark>_<split>_<model>.json`` and ``.md`` (``hedging_<corpus>_...`` for hedging):
our row beside the published ones; the NewsClaims JSON also holds the predictions in the official format.
"""

from __future__ import annotations

import json
import logging
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from whosaid.data.records import AUTHOR, HEDGING_LEVELS, Document, Sentence

logger = logging.getLogger(__name__)
_TOKEN = re.compile(r"\w+|[^\w\s]")
_ARTICLES = re.compile(r"\b(?:a|an|the)\b")
_PUNCTUATION = str.maketrans("", "", string.punctuation)
ARTICLES_PER_CHUNK = 16

# Published anchors, each checked against its source (benchmarks/EXTERNAL.md cites the tables).
POLNEAR_PUBLISHED = {
    "CofeNet, BERT w. Cofe (Wang et al. 2022, detail Tables 6, 8)": {
        "exact_precision": 82.9, "exact_recall": 83.6, "exact_f1": 83.2, "jaccard": 76.4},
    "CoreNLP quote annotator (as reported there)": {
        "exact_precision": 32.1, "exact_recall": 8.9, "exact_f1": 13.9, "jaccard": 11.1},
}
NEWSCLAIMS_PUBLISHED = {
    "PolNeAR-Source (NewsClaims README)": {
        "f1": 42.3, "reported_f1": 25.5, "journalist_f1": 65.9, "in_sentence_f1": 38.9, "out_of_sentence_f1": 2.7},
    "SRL (NewsClaims README)": {
        "f1": 41.7, "reported_f1": 23.5, "journalist_f1": 67.2, "in_sentence_f1": 35.8, "out_of_sentence_f1": 2.4},
    "Human (NewsClaims README)": {"f1": 85.8, "reported_f1": 81.3, "journalist_f1": 88.9},
}


# Labelling with character offsets


def label_articles(labeler, articles: list[tuple[str, str]], batch_size: int = 16) -> list[list[tuple[int, int, Sentence]]]:
    """Label ``(doc_id, text)`` articles split by our sentence splitter with offsets kept: per
    article, ``(start, end, record)`` with the record's sentence at ``text[start:end]``."""
    from whosaid.data.public import article_sentences
    from whosaid.model.documents import DocumentInput

    extents = [[_trimmed(text, a, b) for a, b, _ in article_sentences(text, labeler.pipeline)] for _, text in articles]
    inputs = [
        DocumentInput(doc_id, sentences=[text[a:b] for a, b in spans]) for (doc_id, text), spans in zip(articles, extents)
    ]
    documents = []
    for first in range(0, len(inputs), ARTICLES_PER_CHUNK):
        documents += labeler(inputs[first : first + ARTICLES_PER_CHUNK], batch_size=batch_size)
        logger.info("labelled %d/%d articles", len(documents), len(inputs))
    return [[(a, b, record) for (a, b), record in zip(spans, document.sentences)] for spans, document in zip(extents, documents)]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


def _attributed(record: Sentence) -> bool:
    return not record.boilerplate and record.speaker not in (None, AUTHOR)


# PolNeAR: source spans


def token_spans(text: str, spans: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Character spans as ``[first, last + 1)`` token index spans over the article (tokens: words
    and single punctuation marks); a span with no token is dropped."""
    tokens = [m.span() for m in _TOKEN.finditer(text)]
    out = set()
    for start, end in spans:
        inside = [i for i, (a, b) in enumerate(tokens) if a < end and start < b and start < end]
        if inside:
            out.add((inside[0], inside[-1] + 1))
    return out


def predicted_sources(text: str, labelled: list[tuple[int, int, Sentence]]) -> list[tuple[int, int]]:
    """Character spans of our speaker mentions: each attributed sentence's mention, found in the
    sentence (first occurrence; case-insensitive if need be)."""
    spans = []
    for start, end, record in labelled:
        if not _attributed(record) or not record.speaker_mention:
            continue
        sentence = text[start:end]
        at = sentence.find(record.speaker_mention)
        if at < 0:
            at = sentence.lower().find(record.speaker_mention.lower())
        if at < 0:
            logger.debug("mention %r not found in %r", record.speaker_mention, sentence)
            continue
        spans.append((start + at, start + at + len(record.speaker_mention)))
    return spans


def _common(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    common = _common(a, b)
    return common / (a[1] - a[0] + b[1] - b[0] - common)


@dataclass
class SpanCounts:
    """Source-span matches summed over (article, annotator) pairs."""

    gold: int = 0
    predicted: int = 0
    exact: int = 0
    overlap_recall: float = 0.0  # sum over gold spans of the best share of it covered by one prediction
    overlap_precision: float = 0.0  # sum over predicted spans of the best share of it inside one gold span
    jaccard: float = 0.0  # CofeNet: sum over gold spans of the best Jaccard with a prediction
    jaccard_spurious: int = 0  # CofeNet: predictions that touch no gold span (they join the denominator)

    def add(self, gold: set[tuple[int, int]], predicted: set[tuple[int, int]]) -> None:
        self.gold += len(gold)
        self.predicted += len(predicted)
        self.exact += len(gold & predicted)
        for g in gold:
            self.overlap_recall += max((_common(g, p) / (g[1] - g[0]) for p in predicted), default=0.0)
            self.jaccard += max((_jaccard(g, p) for p in predicted), default=0.0)
        for p in predicted:
            self.overlap_precision += max((_common(g, p) / (p[1] - p[0]) for g in gold), default=0.0)
            self.jaccard_spurious += not any(_common(g, p) for g in gold)

    def scores(self) -> dict[str, float | int]:
        exact_p, exact_r = _ratio(self.exact, self.predicted), _ratio(self.exact, self.gold)
        overlap_p, overlap_r = _ratio(self.overlap_precision, self.predicted), _ratio(self.overlap_recall, self.gold)
        return {
            "exact_precision": exact_p, "exact_recall": exact_r, "exact_f1": _f1(exact_p, exact_r),
            "overlap_precision": overlap_p, "overlap_recall": overlap_r, "overlap_f1": _f1(overlap_p, overlap_r),
            "jaccard": _ratio(self.jaccard, self.gold + self.jaccard_spurious),
            "gold_spans": self.gold, "predicted_spans": self.predicted,
        }


def _ratio(numerator: float, denominator: float) -> float:
    return 100.0 * numerator / denominator if denominator else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score_polnear(articles, labelled: list[list[tuple[int, int, Sentence]]]) -> dict:
    """Source-span scores of labelled PolNeAR articles against every annotator's Source spans, with two
    diagnostics: the recall one mention per sentence can reach at most, and the share of gold spans in
    sentences we gave to the AUTHOR (or boilerplate)."""
    counts = SpanCounts()
    sentences_with_gold = in_author_sentences = 0
    for article, sentences in zip(articles, labelled):
        predicted = token_spans(article.text, predicted_sources(article.text, sentences))
        for attributions in article.annotations.values():
            parts = sorted({part for a in attributions for part in a.source})
            counts.add(token_spans(article.text, parts), predicted)
            holders = [next((k for k, (a, b, _) in enumerate(sentences) if a <= start < b), None) for start, _ in parts]
            sentences_with_gold += len({k for k in holders if k is not None})
            in_author_sentences += sum(k is not None and not _attributed(sentences[k][2]) for k in holders)
    scores = counts.scores()
    scores["recall_cap_one_per_sentence"] = _ratio(sentences_with_gold, counts.gold)
    scores["gold_in_author_sentences"] = _ratio(in_author_sentences, counts.gold)
    return scores


def run_polnear(labeler, path: str, split: str, limit: int | None, batch_size: int) -> dict:
    from whosaid.data.public import read_polnear_articles

    articles = read_polnear_articles(path, split, limit)
    if split == "test":
        logger.info("PolNeAR test: its README asks that test be scored once, for the final evaluation")
    labelled = label_articles(labeler, [(a.article_id, a.text) for a in articles], batch_size)
    scores = score_polnear(articles, labelled)
    scores.update(articles=len(articles), annotation_files=sum(len(a.annotations) for a in articles))
    return {"scores": scores, "published": POLNEAR_PUBLISHED}


# NewsClaims: claimers


def answer_tokens(text: str) -> list[str]:
    """Tokens of a claimer as the official scorer compares them: lower case, ASCII punctuation and
    the articles a/an/the removed."""
    return _ARTICLES.sub(" ", text.lower().translate(_PUNCTUATION)).split()


def answer_f1(prediction: str, gold: str) -> float:
    """SQuAD-style token F1 of a predicted claimer against the gold one."""
    predicted, expected = answer_tokens(prediction), answer_tokens(gold)
    common = sum((Counter(predicted) & Counter(expected)).values())
    if not common:
        return 0.0
    return _f1(common / len(predicted), common / len(expected))


def claim_claimer(claim, labelled: list[tuple[int, int, Sentence]]) -> str | None:
    """Our claimer of a claim sentence: the speaker of our sentence that overlaps it most (the first
    on a tie); None (the journalist) for AUTHOR or a boilerplate sentence."""
    best = max(labelled, key=lambda item: _common((claim.start, claim.end), item[:2]), default=None)
    if best is None or not _common((claim.start, claim.end), best[:2]) or not _attributed(best[2]):
        return None
    return best[2].speaker


@dataclass
class ClaimerCounts:
    """The official claimer protocol's tallies over claims that have a ``has_claimer`` annotation."""

    reported: list[float] = field(default_factory=list)  # token F1 per claim with a gold claimer
    in_sentence: list[float] = field(default_factory=list)
    out_of_sentence: list[float] = field(default_factory=list)
    journalist_predicted: int = 0
    journalist_gold: int = 0
    journalist_correct: int = 0

    def add(self, claim, predicted: str | None) -> None:
        if claim.has_claimer is None:
            return
        self.journalist_predicted += predicted is None
        if claim.has_claimer:
            f1 = answer_f1("<AUTHOR>" if predicted is None else predicted, claim.claimer or "")
            self.reported.append(f1)
            (self.in_sentence if claim.claimer_in_sentence else self.out_of_sentence).append(f1)
        else:
            self.journalist_gold += 1
            self.journalist_correct += predicted is None

    def scores(self) -> dict[str, float | int]:
        reported = _mean(self.reported)
        precision = _ratio(self.journalist_correct, self.journalist_predicted)
        recall = _ratio(self.journalist_correct, self.journalist_gold)
        journalist = _f1(precision, recall)
        total = len(self.reported) + self.journalist_gold
        return {
            "f1": (len(self.reported) * reported + self.journalist_gold * journalist) / total if total else 0.0,
            "reported_f1": reported,
            "journalist_precision": precision, "journalist_recall": recall, "journalist_f1": journalist,
            "in_sentence_f1": _mean(self.in_sentence), "out_of_sentence_f1": _mean(self.out_of_sentence),
            "reported_claims": len(self.reported), "journalist_claims": self.journalist_gold,
            "in_sentence_claims": len(self.in_sentence), "out_of_sentence_claims": len(self.out_of_sentence),
        }


def _mean(values: list[float]) -> float:
    return 100.0 * sum(values) / len(values) if values else 0.0


def document_names(records: list[Sentence]) -> dict[str, str]:
    """Each speaker of a labelled article -> the fullest name the article gives that speaker
    ("Lau" -> "Graham Lau"), by the within-document grouping of :mod:`whosaid.model.canonical`."""
    from whosaid.model.canonical import document_groups

    groups = document_groups(Document("article", records))
    return {speaker: group.head.text for group in groups for speaker in group.counts}


def run_newsclaims(labeler, path: str, split: str, limit: int | None, batch_size: int) -> dict:
    from whosaid.data.public import load_newsclaims

    articles = load_newsclaims(path, split, limit)
    labelled = label_articles(labeler, [(a.doc_id, a.text) for a in articles], batch_size)
    counts, as_labelled = ClaimerCounts(), ClaimerCounts()
    predictions: dict[str, dict[str, dict]] = {}
    for article, sentences in zip(articles, labelled):
        names = document_names([record for _, _, record in sentences])
        for claim in article.claims:
            speaker = claim_claimer(claim, sentences)
            claimer = names.get(speaker, speaker) if speaker else None
            counts.add(claim, claimer)
            as_labelled.add(claim, speaker)
            predictions.setdefault(article.doc_id, {})[claim.sentence_id] = {
                "has_claimer": claimer is not None, "claimer": claimer or "<AUTHOR>"}
    scores = counts.scores()
    scores.update(articles=len(articles))
    return {
        "scores": scores,
        "variants": {"speaker as labelled (no fullest-name step)": as_labelled.scores()},
        "published": NEWSCLAIMS_PUBLISHED,
        "predictions": predictions,
    }


# Hedging


def run_hedging(labeler, path: str, split: str, limit: int | None, batch_size: int) -> dict:
    """Factuality (a folder holding ``{split}.jsonl``, or a ``.jsonl``) or Szeged cues (an ``.xml``)."""
    source = Path(path)
    if source.is_dir():
        source = source / f"{split}.jsonl"
    if source.suffix == ".xml":
        return _hedge_cues(labeler, source, limit, batch_size)
    if source.suffix != ".jsonl" or not source.is_file():
        raise FileNotFoundError(f"{source}: give a factuality folder holding {split}.jsonl, a .jsonl, or a Szeged .xml")
    return _factuality(labeler, source, limit, batch_size)


def _factuality(labeler, path: Path, limit: int | None, batch_size: int) -> dict:
    from scipy.stats import spearmanr

    from whosaid.data.public import FACTUALITY_DOC_SIZE, factuality_main_events

    events = factuality_main_events(path)
    chunks = [events[i : i + FACTUALITY_DOC_SIZE] for i in range(0, len(events), FACTUALITY_DOC_SIZE)][:limit]
    documents = [Document(f"{path.parent.name}-{number}", [Sentence(text) for text, _ in chunk]) for number, chunk in enumerate(chunks)]
    labelled = labeler(documents, batch_size=batch_size)
    pairs = [
        (HEDGING_LEVELS.index(record.hedging), abs(score))
        for chunk, document in zip(chunks, labelled)
        for (_, score), record in zip(chunk, document.sentences)
        if record.hedging is not None
    ]
    levels, certainty = [level for level, _ in pairs], [value for _, value in pairs]
    rho, p_value = spearmanr(levels, certainty) if len(set(levels)) > 1 else (float("nan"), float("nan"))
    by_level = {
        name: {"sentences": levels.count(i), "mean_certainty": _average([c for lv, c in pairs if lv == i])}
        for i, name in enumerate(HEDGING_LEVELS)
    }
    scores = {"spearman": float(rho), "p_value": float(p_value), "sentences": len(pairs),
              "skipped_boilerplate": sum(len(c) for c in chunks) - len(pairs)}
    return {"kind": "factuality", "scores": scores, "by_level": by_level}


def _average(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _hedge_cues(labeler, path: Path, limit: int | None, batch_size: int) -> dict:
    from whosaid.data.public import load_szeged

    gold = load_szeged(path, limit)
    predicted = labeler(gold, batch_size=batch_size)
    cue = Counter()
    sentence = Counter()
    for gold_doc, predicted_doc in zip(gold, predicted):
        for expected, found in zip(gold_doc.sentences, predicted_doc.sentences):
            want, got = Counter(map(_cue_key, expected.hedge_cues or [])), Counter(map(_cue_key, found.hedge_cues or []))
            cue.update(gold=sum(want.values()), predicted=sum(got.values()), correct=sum((want & got).values()))
            sentence.update(gold=bool(want), predicted=bool(got), correct=bool(want) and bool(got))
    scores = {}
    for name, counts in (("cue", cue), ("sentence", sentence)):
        precision, recall = _ratio(counts["correct"], counts["predicted"]), _ratio(counts["correct"], counts["gold"])
        scores.update({f"{name}_precision": precision, f"{name}_recall": recall, f"{name}_f1": _f1(precision, recall),
                       f"{name}_gold": counts["gold"], f"{name}_predicted": counts["predicted"]})
    scores["documents"] = len(gold)
    return {"kind": "hedge_cues", "scores": scores}


def _cue_key(cue: str) -> str:
    return " ".join(cue.lower().split())


# Results


BENCHMARKS = {"polnear": run_polnear, "newsclaims": run_newsclaims, "hedging": run_hedging}
_COLUMNS = {
    "polnear": ("exact_precision", "exact_recall", "exact_f1", "overlap_precision", "overlap_recall", "overlap_f1", "jaccard"),
    "newsclaims": ("f1", "reported_f1", "journalist_f1", "in_sentence_f1", "out_of_sentence_f1"),
    "factuality": ("spearman", "p_value", "sentences"),
    "hedge_cues": ("cue_precision", "cue_recall", "cue_f1", "sentence_precision", "sentence_recall", "sentence_f1"),
}


_RAW = frozenset({"spearman", "p_value"})


def results_markdown(title: str, kind: str, system: str, result: dict) -> str:
    """The results table: our row, then the published rows (blank where a paper gives no number)."""
    columns = _COLUMNS[kind]
    variants = [(f"{system} (ours): {name}", scores) for name, scores in result.get("variants", {}).items()]
    rows = [(f"**{system}** (ours)", result["scores"]), *variants, *result.get("published", {}).items()]
    lines = [f"# {title}", "", "| system | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, scores in rows:
        lines.append(f"| {name} | " + " | ".join(_cell(scores.get(column), column in _RAW) for column in columns) + " |")
    counts = {k: v for k, v in result["scores"].items() if k not in columns}
    lines += ["", "Counts: " + ", ".join(f"{k} {_cell(v, k in _RAW)}" for k, v in counts.items())]
    if "by_level" in result:
        lines += ["", "| our hedging | sentences | mean certainty (abs score) |", "|---|---|---|"]
        lines += [f"| {level} | {row['sentences']} | {_cell(row['mean_certainty'], raw=True)} |" for level, row in result["by_level"].items()]
    return "\n".join(lines) + "\n"


def _cell(value, raw: bool = False) -> str:
    """Percentages with one decimal; correlations, p-values and mean scores (``raw``) with three digits."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3g}" if raw else f"{value:.1f}"
    return str(value)


def run_benchmark(args) -> int:
    from whosaid.model.cli import UserError, load_labeler

    if not Path(args.path).exists():
        raise UserError(f"{args.path}: no such file or folder; pass the benchmark's data folder (see benchmarks/EXTERNAL.md)")
    labeler = load_labeler(args.model)
    try:
        result = BENCHMARKS[args.benchmark](labeler, args.path, args.split, args.limit, args.batch_size)
    except (FileNotFoundError, ValueError, KeyError) as error:
        raise UserError(f"{args.benchmark}: {error}") from None
    system = "rules" if args.model == "rules" else Path(args.model).name if args.model else "default"
    kind = result.get("kind", args.benchmark)
    split = "all" if kind == "hedge_cues" else args.split  # the Szeged corpus has no splits
    source = Path(args.path)
    corpus = source.parent.name if source.suffix == ".jsonl" else source.stem  # polnear, UW, MEANTIME, factbank ...
    name = f"{args.benchmark}_{split}_{system}" if args.benchmark != "hedging" else f"hedging_{corpus}_{split}_{system}"
    title = f"{args.benchmark} ({corpus}, {split}): {system}"
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    markdown = results_markdown(title, kind, system, result)
    (out / f"{name}.md").write_text(markdown, encoding="utf-8")
    details = {"benchmark": args.benchmark, "path": str(args.path), "split": split, "limit": args.limit,
               "model": args.model or "default", **result}
    (out / f"{name}.json").write_text(json.dumps(details, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown)
    logger.info("results written to %s/%s.{md,json}", out, name)
    return 0


def register(commands) -> None:
    """Add ``whosaid benchmark {polnear,newsclaims,hedging} PATH``."""
    parser = commands.add_parser("benchmark", help="score a model on an external benchmark (benchmarks/EXTERNAL.md)")
    parser.add_argument("benchmark", choices=list(BENCHMARKS))
    parser.add_argument("path", help="the benchmark's data: PolNeAR folder, NewsClaims folder, factuality folder/.jsonl or Szeged .xml")
    parser.add_argument("--model", help="'rules' or a model folder (default: the cached default model)")
    parser.add_argument("--split", default="test", help="split to score (default: test)")
    parser.add_argument("--limit", type=int, help="score only this many articles (documents for hedging)")
    parser.add_argument("--batch-size", type=int, default=16, help="windows per encoder batch")
    parser.add_argument("-o", "--output", default="outputs/benchmarks", help="results folder")
    parser.set_defaults(run=run_benchmark)
