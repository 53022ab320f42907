"""The authored training corpus: its files, its document-level splits, and statistics.

Documents live in ``data/corpus/authored/part_*.jsonl``; ``data/corpus/splits.json`` maps
every ``doc_id`` to train / dev / test. Splits are made per topic (stratified), and the two
outlets' versions of one event (same ``event_id``) always share a split.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path

from whosaid.data.records import Document, read_documents

CORPUS_DIR = Path(__file__).parent / "corpus"
AUTHORED = CORPUS_DIR / "authored"
SPLITS_FILE = CORPUS_DIR / "splits.json"
SPLITS = ("train", "dev", "test")


def authored_documents(directory: Path = AUTHORED) -> list[Document]:
    """Every authored document, in file order."""
    return [doc for path in sorted(directory.glob("part_*.jsonl")) for doc in read_documents(path)]


def make_splits(documents: list[Document], dev: float = 0.1, test: float = 0.12) -> dict[str, str]:
    """doc_id -> split, stratified by topic, deterministic (hash order), events kept together."""
    groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for doc in documents:
        key = doc.meta.get("event_id") or doc.doc_id
        groups[doc.meta.get("topic", "unknown")][key].append(doc.doc_id)
    assignment: dict[str, str] = {}
    for topic in sorted(groups):
        keys = sorted(groups[topic], key=lambda k: hashlib.sha256(k.encode()).hexdigest())
        n_test = max(1, round(len(keys) * test))
        n_dev = max(1, round(len(keys) * dev))
        for i, key in enumerate(keys):
            split = "test" if i < n_test else "dev" if i < n_test + n_dev else "train"
            for doc_id in groups[topic][key]:
                assignment[doc_id] = split
    return assignment


def write_splits(assignment: dict[str, str], path: Path = SPLITS_FILE) -> None:
    by_split = {split: sorted(d for d, s in assignment.items() if s == split) for split in SPLITS}
    path.write_text(json.dumps(by_split, indent=1) + "\n")


def load_split(split: str, directory: Path = AUTHORED, splits_file: Path = SPLITS_FILE) -> list[Document]:
    """The authored documents of one split."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    wanted = set(json.loads(splits_file.read_text())[split])
    return [doc for doc in authored_documents(directory) if doc.doc_id in wanted]


def label_distribution(documents: list[Document]) -> dict[str, Counter]:
    """Counts of every label value per field (boilerplate segments count only there)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for doc in documents:
        counts["documents"]["n"] += 1
        for s in doc.sentences:
            counts["boilerplate"][str(s.boilerplate).lower()] += 1
            if s.is_prose:
                counts["speaker"]["AUTHOR" if s.speaker == "AUTHOR" else "attributed"] += 1
                counts["stance"][s.stance] += 1
                counts["hedging"][s.hedging] += 1
    return counts


def _normalise(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").replace("“", '"').replace("”", '"').split())


def check(
    directory: Path = AUTHORED,
    splits_file: Path = SPLITS_FILE,
    held_out: tuple[Path, ...] = (Path(__file__).parents[1] / "seeds" / "gold.jsonl",),
) -> list[str]:
    """Problems with the corpus: invalid records, documents outside or in two splits, and any
    prose sentence that also appears in held-out gold (the seeds)."""
    problems: list[str] = []
    documents: list[Document] = []
    for path in sorted(directory.glob("part_*.jsonl")):
        try:
            documents.extend(read_documents(path))
        except Exception as error:
            problems.append(str(error))
    ids = Counter(doc.doc_id for doc in documents)
    problems += [f"doc_id {d} appears {n} times" for d, n in ids.items() if n > 1]
    splits = json.loads(splits_file.read_text()) if splits_file.exists() else {}
    seen: dict[str, str] = {}
    for split, doc_ids in splits.items():
        for doc_id in doc_ids:
            if doc_id in seen:
                problems.append(f"{doc_id} is in both {seen[doc_id]} and {split}")
            seen[doc_id] = split
    problems += [f"{d} is in no split; run `whosaid corpus split`" for d in ids if d not in seen]
    held = {_normalise(s.text) for path in held_out if path.exists() for doc in read_documents(path) for s in doc.sentences if s.is_prose}
    for doc in documents:
        for s in doc.sentences:
            if s.is_prose and _normalise(s.text) in held:
                problems.append(f"{doc.doc_id}: sentence also in held-out gold: {s.text[:60]!r}")
    return problems


def stats_markdown() -> str:
    """The dataset card's tables: label distributions per split, topics, styles, phenomena."""
    splits = {split: load_split(split) for split in SPLITS}
    fields = [("documents", ["n"]), ("boilerplate", ["true", "false"]), ("speaker", ["AUTHOR", "attributed"]),
              ("stance", ["assertion", "estimate", "corroboration", "warning"]), ("hedging", ["none", "low", "medium", "high"])]
    dists = {split: label_distribution(docs) for split, docs in splits.items()}
    lines = ["| field | value | " + " | ".join(SPLITS) + " | total |", "|---|---|" + "---|" * (len(SPLITS) + 1)]
    for name, values in fields:
        for value in values:
            row = [dists[s][name][value] for s in SPLITS]
            lines.append(f"| {name} | {value} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    segments = {s: sum(len(d.sentences) for d in docs) for s, docs in splits.items()}
    lines.append("| segments | all | " + " | ".join(str(segments[s]) for s in SPLITS) + f" | {sum(segments.values())} |")
    every = [doc for docs in splits.values() for doc in docs]
    for key in ("topic", "style"):
        counts = Counter(doc.meta.get(key, "unknown") for doc in every)
        lines += ["", f"| {key} | documents |", "|---|---|"] + [f"| {k} | {n} |" for k, n in counts.most_common()]
    lines += ["", "| phenomenon | segments |", "|---|---|"] + [f"| {k} | {n} |" for k, n in phenomena(every).most_common()]
    return "\n".join(lines)


def phenomena(documents: list[Document]) -> Counter:
    """Counts of speaker phenomena, recognised from the labels and mention text."""
    pronouns = {"he", "she", "they", "it", "we", "i"}
    counts: Counter = Counter()
    for doc in documents:
        for s in doc.sentences:
            if not s.is_prose or s.speaker is None:
                continue
            mention = (s.speaker_mention or "").strip()
            low = s.text.lower()
            if s.speaker == "AUTHOR":
                counts["AUTHOR"] += 1
                if any(w[:1].isupper() for w in s.text.split()[1:]):
                    counts["AUTHOR with a named person or body (hard negative)"] += 1
                continue
            if not mention:
                counts["continued quotation (no mention)"] += 1
            elif mention.lower() in pronouns:
                counts["pronoun reference"] += 1
            elif mention.lower().startswith(("the ", "this ")) and mention.split()[-1][:1].islower():
                counts["description reference"] += 1
            elif mention.split()[-1][:1].islower():
                counts["unnamed or descriptive source"] += 1
            else:
                counts["named source"] += 1
            if "according to" in low:
                counts["according to"] += 1
            if mention and mention != s.speaker and mention.endswith(s.speaker) and len(mention.split()) > len(s.speaker.split()):
                counts["title or role before a name"] += 1
    return counts
