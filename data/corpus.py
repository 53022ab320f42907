"""The authored training corpus: its files, its document-level splits, and statistics.

Documents live in ``data/corpus/authored/part_*.jsonl``; ``data/corpus/splits.json`` maps
every ``doc_id`` to train / dev / test. Splits are made per topic (stratified), and the two
outlets' versions of one event (same ``event_id``) always share a split.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from whosaid.data.records import HEDGING_LEVELS, STANCES, Document, read_documents

CORPUS_DIR = Path(__file__).parent / "corpus"
AUTHORED = CORPUS_DIR / "authored"
SPLITS_FILE = CORPUS_DIR / "splits.json"
SPLITS = ("train", "dev", "test")


def authored_documents(directory: Path = AUTHORED) -> list[Document]:
    """Every authored document, in file order."""
    return [doc for path in sorted(directory.glob("part_*.jsonl")) for doc in read_documents(path)]


def make_splits(
    documents: list[Document],
    dev: float = 0.1,
    test: float = 0.12,
    existing: dict[str, str] | None = None,
    new_split: str | None = None,
) -> dict[str, str]:
    """doc_id -> split, stratified by topic, deterministic (hash order), events kept together.

    Documents in ``existing`` keep their split; the others are split among themselves, or all
    go to ``new_split`` when given (so that adding training data leaves dev and test as they were).
    """
    assignment = dict(existing or {})
    fresh = [doc for doc in documents if doc.doc_id not in assignment]
    if new_split is not None:
        return {**assignment, **{doc.doc_id: new_split for doc in fresh}}
    groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for doc in fresh:
        key = doc.meta.get("event_id") or doc.doc_id
        groups[doc.meta.get("topic", "unknown")][key].append(doc.doc_id)
    for topic in sorted(groups):
        keys = sorted(groups[topic], key=lambda k: hashlib.sha256(k.encode()).hexdigest())
        n_test = max(1, round(len(keys) * test))
        n_dev = max(1, round(len(keys) * dev))
        for i, key in enumerate(keys):
            split = "test" if i < n_test else "dev" if i < n_test + n_dev else "train"
            for doc_id in groups[topic][key]:
                assignment[doc_id] = split
    return assignment


def read_splits(path: Path = SPLITS_FILE) -> dict[str, str]:
    """The committed doc_id -> split map (empty when there is none yet)."""
    if not path.exists():
        return {}
    return {doc_id: split for split, members in json.loads(path.read_text()).items() for doc_id in members}


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
    held = {
        _normalise(s.text)
        for path in held_out
        if path.exists()
        for doc in read_documents(path)
        for s in doc.sentences
        if s.is_prose
    }
    for doc in documents:
        for s in doc.sentences:
            if s.is_prose and _normalise(s.text) in held:
                problems.append(f"{doc.doc_id}: sentence also in held-out gold: {s.text[:60]!r}")
    return problems


def stats_markdown() -> str:
    """The dataset card's tables: label distributions per split, topics, styles, phenomena."""
    splits = {split: load_split(split) for split in SPLITS}
    fields = [
        ("documents", ["n"]),
        ("boilerplate", ["true", "false"]),
        ("speaker", ["AUTHOR", "attributed"]),
        ("stance", ["assertion", "estimate", "corroboration", "warning"]),
        ("hedging", ["none", "low", "medium", "high"]),
    ]
    dists = {split: label_distribution(docs) for split, docs in splits.items()}
    lines = ["| field | value | " + " | ".join(SPLITS) + " | total |", "|---|---|" + "---|" * (len(SPLITS) + 1)]
    for name, values in fields:
        for value in values:
            row = [dists[s][name][value] for s in SPLITS]
            lines.append(f"| {name} | {value} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    segments = {s: sum(len(d.sentences) for d in docs) for s, docs in splits.items()}
    lines.append(
        "| segments | all | " + " | ".join(str(segments[s]) for s in SPLITS) + f" | {sum(segments.values())} |"
    )
    every = [doc for docs in splits.values() for doc in docs]
    for key in ("topic", "style"):
        counts = Counter(doc.meta.get(key, "unknown") for doc in every)
        lines += ["", f"| {key} | documents |", "|---|---|"] + [f"| {k} | {n} |" for k, n in counts.most_common()]
    lines += ["", "| phenomenon | segments |", "|---|---|"] + [
        f"| {k} | {n} |" for k, n in phenomena(every).most_common()
    ]
    lines += ["", "| class | sentences | most concentrated cue word | share of the class |", "|---|---|---|---|"]
    lines += [f"| {name} | {n} | {word} | {share:.1%} |" for name, n, word, share in cue_concentration(every)]
    return "\n".join(lines)


def cue_concentration(documents: list[Document]) -> list[tuple[str, int, str, float]]:
    """For each stance and hedging class, the non-stopword most over-represented against
    assertion / none sentences, and the share of the class's sentences that contain it
    (stopwords left out, but modals and approximators kept)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    ignored = STOP_WORDS - {
        "may",
        "might",
        "could",
        "would",
        "about",
        "around",
        "nearly",
        "almost",
        "perhaps",
        "least",
        "more",
        "up",
    }
    words = lambda text: {w for w in re.findall(r"[a-z]{2,}", text.lower()) if w not in ignored}
    prose = [s for doc in documents for s in doc.sentences if s.is_prose]
    rows = []
    for field, base in (("stance", "assertion"), ("hedging", "none")):
        background = Counter(w for s in prose if getattr(s, field) == base for w in words(s.text))
        n_background = max(1, sum(getattr(s, field) == base for s in prose))
        for value in STANCES if field == "stance" else HEDGING_LEVELS:
            if value == base:
                continue
            members = [s for s in prose if getattr(s, field) == value]
            counts = Counter(w for s in members for w in words(s.text))
            lift = {w: c / len(members) - background[w] / n_background for w, c in counts.items()}
            word = max(lift, key=lift.get)
            rows.append((f"{field}={value}", len(members), word, counts[word] / len(members)))
    return rows


_REACTION = re.compile(r"\b(?:drew|drawn|draws|prompted|sparked|triggered|brought)\b[^.]{0,60}\bfrom\b")
_INTERMEDIARY = re.compile(
    r"\b(?:according to|citing|cited|quoted|quoting)\b[^.]{0,40}\b(?:report|reports|interview|statement|newspaper|broadcaster|agency|media)\b"
    r"|\btold (?:a|an|the)\b[^.]{0,30}\b(?:newspaper|broadcaster|agency|radio|channel|outlet)\b"
)


def phenomena(documents: list[Document]) -> Counter:
    """Counts of speaker phenomena, recognised from the labels and mention text."""
    from whosaid.model.speakers import SUBJECT_PRONOUNS as pronouns

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
            if _REACTION.search(low):
                counts["reaction (drew/prompted ... from X)"] += 1
            if _INTERMEDIARY.search(low):
                counts["intermediary (report of a report)"] += 1
            if (
                mention
                and mention != s.speaker
                and mention.endswith(s.speaker)
                and len(mention.split()) > len(s.speaker.split())
            ):
                counts["title or role before a name"] += 1
    return counts


def agreement(first: list[Document], second: list[Document]) -> dict[str, dict[str, float]]:
    """Inter-annotator agreement per field on the documents both passes labelled: Cohen's
    kappa and raw agreement for boilerplate, stance, hedging (plus quadratic-weighted kappa)
    and AUTHOR-vs-attributed; speaker agreement under the lenient match of the scorer."""
    from sklearn.metrics import cohen_kappa_score

    from whosaid.training.metrics import speaker_match

    by_id = {doc.doc_id: doc for doc in second}
    pairs = [
        (a, b)
        for doc in first
        if doc.doc_id in by_id
        for a, b in zip(doc.sentences, by_id[doc.doc_id].sentences, strict=True)
    ]
    prose = [(a, b) for a, b in pairs if a.is_prose and b.is_prose]

    def score(values_a: list, values_b: list, weights: str | None = None) -> dict[str, float]:
        return {
            "kappa": float(cohen_kappa_score(values_a, values_b, weights=weights)),
            "agreement": sum(x == y for x, y in zip(values_a, values_b)) / len(values_a),
            "n": len(values_a),
        }

    levels = {name: i for i, name in enumerate(HEDGING_LEVELS)}
    return {
        "boilerplate": score([bool(a.boilerplate) for a, _ in pairs], [bool(b.boilerplate) for _, b in pairs]),
        "speaker_author": score([a.speaker == "AUTHOR" for a, _ in prose], [b.speaker == "AUTHOR" for _, b in prose]),
        "speaker_lenient": {
            "agreement": sum(speaker_match(a.speaker, b.speaker, lenient=True) for a, b in prose) / len(prose),
            "n": len(prose),
        },
        "stance": score([a.stance for a, _ in prose], [b.stance for _, b in prose]),
        "hedging": score([a.hedging for a, _ in prose], [b.hedging for _, b in prose]),
        "hedging_quadratic": score(
            [levels[a.hedging] for a, _ in prose], [levels[b.hedging] for _, b in prose], "quadratic"
        ),
    }
