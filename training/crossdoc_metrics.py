"""Cross-document scores: B-cubed for speaker clusters, pairwise P/R/F1 for claim groups, against gold files.

Gold format (``seeds/alignment.json``, ``data/corpus/alignment.json``): events, each with ``speakers`` (a
partition of [doc_id, gold speaker string] items) and ``claims`` (groups of [doc_id, sentence index]).
Predicted speaker clusters are read off the predicted documents' ``speaker_id``s at the positions of each
gold speaker's sentences (the majority id), so labels predicted by a model can be scored on gold items;
an item whose sentences got no id is a singleton. Claim pairs are the cross-document pairs inside a group.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from itertools import combinations
from pathlib import Path

from whosaid.data.records import AUTHOR, Document

Member = tuple[str, int]


def _prf(precision: float, recall: float) -> dict[str, float]:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


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
