"""Cross-document scores: B-cubed for speaker clusters, pairwise P/R/F1 for claim groups, against gold files.

Gold format (``seeds/alignment.json``, ``data/corpus/alignment.json``): events, each with ``speakers`` (a
partition of [doc_id, gold speaker string] items) and ``claims`` (groups of [doc_id, sentence index]).
Predicted speaker clusters are read off the predicted documents' ``speaker_id``s at the positions of each
gold speaker's sentences (the majority id), so labels predicted by a model can be scored on gold items;
an item whose sentences got no id is a singleton. Claim pairs are the cross-document pairs inside a group.
:func:`fit_pair_scorer` fits the alignment's pair scorer on a gold file's TRAIN-split events.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from itertools import combinations
from pathlib import Path

import numpy as np

from whosaid.data.records import AUTHOR, Document
from whosaid.model.alignment import PAIR_FEATURES, Batch, PairScorer, align
from whosaid.training.metrics import f1

Member = tuple[str, int]


def _prf(precision: float, recall: float) -> dict[str, float]:
    return {"precision": precision, "recall": recall, "f1": f1(precision, recall)}


def bcubed(gold: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]) -> dict[str, float]:
    """B-cubed precision, recall and F1 over the gold items (item -> cluster label maps; an item missing from
    ``predicted`` is its own cluster)."""
    items = list(gold)
    if not items:
        return {**_prf(0.0, 0.0), "items": 0}
    label = {item: predicted.get(item, ("singleton", item)) for item in items}
    gold_sizes, pred_sizes = Counter(gold[i] for i in items), Counter(label[i] for i in items)
    both = Counter((gold[i], label[i]) for i in items)
    precision = sum(both[(gold[i], label[i])] / pred_sizes[label[i]] for i in items) / len(items)
    recall = sum(both[(gold[i], label[i])] / gold_sizes[gold[i]] for i in items) / len(items)
    return {**_prf(precision, recall), "items": len(items)}


def pairwise(gold_pairs: set, predicted_pairs: set) -> dict[str, float]:
    """Pairwise precision, recall and F1 (an empty side scores 0 on its ratio)."""
    hits = len(gold_pairs & predicted_pairs)
    precision = hits / len(predicted_pairs) if predicted_pairs else 0.0
    recall = hits / len(gold_pairs) if gold_pairs else 0.0
    return {**_prf(precision, recall), "gold_pairs": len(gold_pairs), "predicted_pairs": len(predicted_pairs)}


def cross_document_pairs(groups: Iterable[Iterable[Member]]) -> set[frozenset[Member]]:
    """Every pair of members of one group that come from different documents."""
    return {frozenset((x, y)) for group in groups for x, y in combinations(list(group), 2) if x[0] != y[0]}


def load_gold(path: str | Path) -> dict:
    """Read a gold alignment file; a malformed one raises ValueError naming the file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        for event in data["events"]:
            _ = event["event_id"], event["documents"], event["speakers"], event["claims"]
    except FileNotFoundError:
        raise ValueError(f"{path}: no such gold alignment file") from None
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: not a gold alignment file ({error}); see the format in data/ALIGNMENT.md") from None
    return data


def predicted_speaker_labels(gold_docs: Mapping[str, Document], predicted_docs: Mapping[str, Document],
                             items: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:  # fmt: skip
    """[doc_id, gold speaker] -> the majority predicted ``speaker_id`` at that speaker's gold sentences."""
    labels = {}
    for doc_id, speaker in items:
        gold, predicted = gold_docs.get(doc_id), predicted_docs.get(doc_id)
        if gold is None or predicted is None:
            continue
        ids = Counter(
            p.speaker_id
            for g, p in zip(gold.sentences, predicted.sentences)
            if g.speaker == speaker and p.speaker_id and p.speaker != AUTHOR
        )
        if ids:
            labels[(doc_id, speaker)] = ids.most_common(1)[0][0]
    return labels


def score_gold(
    gold: dict,
    gold_docs: Mapping[str, Document],
    predicted_docs: Mapping[str, Document],
    predicted_groups: Iterable[Iterable[Member]],
    split_of: Mapping[str, str] | None = None,
) -> dict:
    """Scores of one gold file: overall, per split of the events' documents, and per event.

    Predicted claim pairs count where both documents are in the gold file; a pair across two events is a
    false positive of each split it touches.
    """
    split_of = split_of or {}
    event_of = {doc_id: event["event_id"] for event in gold["events"] for doc_id in event["documents"]}
    split_of_event = {event["event_id"]: split_of.get(event["documents"][0], "unsplit") for event in gold["events"]}
    speaker_gold = {(d, s): (event["event_id"], c) for event in gold["events"]
                    for c, cluster in enumerate(event["speakers"]) for d, s in cluster["members"]}  # fmt: skip
    speaker_pred = predicted_speaker_labels(gold_docs, predicted_docs, speaker_gold)
    gold_pairs = cross_document_pairs(
        [tuple(m) for m in claim["members"]] for event in gold["events"] for claim in event["claims"]
    )
    predicted_pairs = {
        pair for pair in cross_document_pairs(predicted_groups) if all(doc_id in event_of for doc_id, _ in pair)
    }

    def scores(events: set[str]) -> dict:
        def touches(pair):
            return any(event_of[d] in events for d, _ in pair)

        return {
            "events": len(events),
            "speakers": bcubed({k: v for k, v in speaker_gold.items() if event_of[k[0]] in events}, speaker_pred),
            "claims": pairwise({p for p in gold_pairs if touches(p)}, {p for p in predicted_pairs if touches(p)}),
        }

    by_split = defaultdict(set)
    for event_id, split in split_of_event.items():
        by_split[split].add(event_id)
    return {
        "all": scores(set(split_of_event)),
        "by_split": {split: scores(events) for split, events in sorted(by_split.items())},
        "by_event": {event_id: scores({event_id}) for event_id in split_of_event},
    }



def pair_examples(batch, events: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """(features, labels) of every claim sentence pair of each event's documents in ``batch`` (a
    :class:`whosaid.model.alignment.Batch`); a pair is positive when one gold claim group holds both."""
    index = {doc.doc_id: d for d, doc in enumerate(batch.documents)}
    group_of = {tuple(m): (e["event_id"], c)
                for e in events for c, claim in enumerate(e["claims"]) for m in claim["members"]}  # fmt: skip
    features, labels = [], []
    for event in events:
        for x, y in combinations(event["documents"], 2):
            a, b = index[x], index[y]
            [pair] = batch.pair_features(a, [b])
            features.append(pair.reshape(-1, pair.shape[-1]))
            ga = [group_of.get((x, int(i))) for i in batch.positions[a]]
            gb = [group_of.get((y, int(j))) for j in batch.positions[b]]
            labels.append([g is not None and g == h for g in ga for h in gb])
    return np.concatenate(features), np.concatenate(labels)


def fit_pair_scorer(gold: dict, documents: Iterable[Document], embed, tag, split_of: Mapping[str, str],
                    folds: int = 4) -> tuple[PairScorer, dict]:  # fmt: skip
    """Logistic regression over pair features, fitted on the gold's TRAIN-split events only. C and the
    threshold are chosen by claim pair F1 of :func:`align` under cross-validation over those events (whole
    events held out). Returns the scorer and how it was chosen."""
    from sklearn.linear_model import LogisticRegression

    by_id = {doc.doc_id: doc for doc in documents}
    events = [e for e in gold["events"] if split_of.get(e["documents"][0]) == "train"]
    if len(events) < folds:
        raise ValueError(f"only {len(events)} train-split events in the gold; need at least {folds}")
    embed, tag = _memoised(embed), _memoised(tag)

    def fit(train: list[dict], c: float, threshold: float = 0.5) -> PairScorer:
        batch = Batch([by_id[d] for e in train for d in e["documents"]], embed, tag)
        model = LogisticRegression(C=c, max_iter=2000).fit(*pair_examples(batch, train))
        weights = {name: round(float(w), 4) for name, w in zip(PAIR_FEATURES, model.coef_[0])}
        return PairScorer(weights, round(float(model.intercept_[0]), 4), threshold)

    thresholds = [round(float(t), 2) for t in np.arange(0.1, 0.75, 0.05)]
    counts = defaultdict(lambda: np.zeros(3))  # (c, threshold) -> hits, predicted, gold pairs
    for c in (0.1, 1.0, 10.0):
        for k in range(folds):
            held = events[k::folds]
            scorer = fit([e for e in events if e not in held], c)
            docs = [by_id[d] for e in held for d in e["documents"]]
            gold_pairs = cross_document_pairs(map(tuple, claim["members"]) for e in held for claim in e["claims"])
            for threshold in thresholds:
                scorer.threshold = threshold
                groups = align(docs, embed, tag, scorer=scorer)
                predicted = cross_document_pairs([(docs[d].doc_id, i) for d, i in g.members] for g in groups)
                counts[(c, threshold)] += (len(predicted & gold_pairs), len(predicted), len(gold_pairs))
    cv_scores = {key: 2 * hits / (predicted + gold) for key, (hits, predicted, gold) in counts.items()}
    c, threshold = max(cv_scores, key=cv_scores.get)
    scorer = fit(events, c, threshold)
    how = "sklearn LogisticRegression on every claim sentence pair of each train-split event's documents"
    cv_f1 = round(float(cv_scores[(c, threshold)]), 4)
    return scorer, {"method": how, "train_events": len(events), "folds": folds, "C": c, "cv_claim_pair_f1": cv_f1}


def _memoised(function):
    """``function`` over lists of texts, computing each text once across calls."""
    cache: dict = {}

    def call(texts: list[str]):
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            cache.update(zip(missing, function(missing)))
        return [cache[t] for t in texts]

    return call


def save_pair_scorer(path: str | Path, encoder: str, scorer: PairScorer, how: dict) -> None:
    """Store ``scorer`` as the weights of ``encoder`` in the weights file, keeping other encoders' weights."""
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"encoders": {}}
    data["encoders"][encoder] = {"coefficients": scorer.coefficients, "intercept": scorer.intercept,
                                 "threshold": scorer.threshold, "trained": how}  # fmt: skip
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
