"""Corpus-level speaker canonicalisation: one id and one canonical name per entity across documents.

Within a document first: a single name ("Zelenskyy") joins the document's one full name that it is part of,
and a description ("Ukrainian president") joins the named speaker the document links it to: a mention the
labeler resolved to that name, "Ukrainian President Volodymyr Zelenskyy" or "Zelenskyy, the Ukrainian
president". Across documents: full names match on a transliteration-tolerant surname with compatible given
names; a single name joins a full name only when one person in the batch fits it (two different "Kim"s stay
apart); descriptions with a proper noun ("South Korea's spy agency") match on their normalised form, and an
acronym matches the one long form in the batch with its initials; generic descriptions ("officials") stay
within their document. The canonical name is the fullest, then most frequent form; ids are hashes of it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from whosaid.data.records import AUTHOR, Document
from whosaid.model.speakers import GROUP_HEADS, PRONOUNS, SOURCE_NOUNS, TITLE_WORDS

PARTICLES = frozenset({"de", "da", "del", "der", "di", "van", "von", "bin", "ibn", "al", "el", "la", "le", "du", "ó", "o", "mac"})
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "on", "in", "&"})
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
PROPER_DESCRIPTION_SIMILARITY = 85.0  # rapidfuzz token_set_ratio, 0-100


def fold(text: str) -> str:
    """Lower case ASCII: accents dropped, curly apostrophes straightened."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=1 << 16)
def phonetic(token: str) -> str:
    """A spelling-tolerant key: doubled letters collapsed, common transliteration pairs merged."""
    token = re.sub(r"(.)\1+", r"\1", fold(token))
    for old, new in (("ph", "f"), ("ck", "k"), ("kh", "k"), ("dh", "d"), ("w", "v"), ("y", "i")):
        token = token.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", token)


def _stem(token: str) -> str:
    """Crude stem so that "Korea" ~ "Korean" and "Ukraine" ~ "Ukrainian"."""
    return phonetic(token)[:5]


@dataclass(frozen=True)
class SpeakerForm:
    """A speaker string's analysis: its words as written (titles and a leading article dropped) and kind:
    "person" (capitalised words only), "proper" (a description with a proper noun) or "generic"."""

    text: str
    words: tuple[str, ...]
    kind: str

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(fold(w) for w in self.words)

    @property
    def surname(self) -> str:
        return phonetic(self.words[-1])

    @property
    def key(self) -> str:
        return " ".join(self.tokens)


@lru_cache(maxsize=1 << 16)
def analyse(speaker: str) -> SpeakerForm:
    """Split a speaker string into words and decide its kind."""
    words = _WORD.findall(speaker.replace("’", "'"))
    words = [w[:-2] if w.lower().endswith("'s") and i == len(words) - 1 else w for i, w in enumerate(words)]
    if words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    while len(words) > 1 and fold(words[0]).rstrip(".") in TITLE_WORDS and words[1][:1].isupper():
        words = words[1:]
    if not words:
        return SpeakerForm(speaker, (speaker,), "generic")
    lowered = [fold(w) for w in words]
    capitalised = all(w[:1].isupper() or w[:1].isdigit() or fold(w) in PARTICLES for w in words)
    possessive = any(w.endswith("'s") for w in lowered)
    if capitalised and not possessive and lowered[-1] not in GROUP_HEADS | SOURCE_NOUNS and len(words) <= 4:
        kind = "person"
    elif any(w[:1].isupper() for w in words[1:]) or (len(words) == 1 and words[0].isupper()):
        kind = "proper"
    else:
        kind = "generic"
    return SpeakerForm(speaker, tuple(words), kind)


def same_person(a: SpeakerForm, b: SpeakerForm) -> bool:
    """Full names of one person: close surnames and compatible first given names."""
    if len(a.words) < 2 or len(b.words) < 2 or not _close(a.surname, b.surname):
        return False
    return _given_compatible(fold(a.words[0]).rstrip("."), fold(b.words[0]).rstrip("."))


def _close(a: str, b: str) -> bool:
    return a == b or (a[:1] == b[:1] and min(len(a), len(b)) >= 6 and Levenshtein.distance(a, b) <= 1)


def _given_compatible(a: str, b: str) -> bool:
    if phonetic(a) == phonetic(b):
        return True
    short, long = sorted((a, b), key=len)
    return (len(short) == 1 or len(short) >= 3) and long.startswith(short)


def _part_of(single: SpeakerForm, full: SpeakerForm) -> bool:
    """A one-word name that is the surname (or, for surname-first names, the first word) of a full name."""
    token = phonetic(single.words[0])
    return _close(token, full.surname) or token == phonetic(full.words[0])


def same_proper_description(a: SpeakerForm, b: SpeakerForm) -> bool:
    """"South Korea's spy agency" ~ "South Korea's intelligence agency": same head word, same proper nouns."""
    if _stem(a.words[-1]) != _stem(b.words[-1]):
        return False
    proper_a = {_stem(w) for w in a.words if w[:1].isupper()}
    proper_b = {_stem(w) for w in b.words if w[:1].isupper()}
    return proper_a == proper_b and fuzz.token_set_ratio(a.key, b.key) >= PROPER_DESCRIPTION_SIMILARITY


def initials(form: SpeakerForm) -> str:
    return "".join(w[0] for w in form.tokens if w not in _ACRONYM_SKIP and not w.endswith("'s"))


@dataclass
class LocalGroup:
    """The speaker strings of one document that name one entity, with their sentence counts."""

    doc_id: str
    counts: Counter = field(default_factory=Counter)

    @property
    def head(self) -> SpeakerForm:
        """The fullest form: a person name before a description, then the most words, then the most used."""
        rank = {"person": 2, "proper": 1, "generic": 0}
        forms = [analyse(s) for s in self.counts]
        return max(forms, key=lambda f: (rank[f.kind], len(f.words), self.counts[f.text], f.text))


@dataclass
class SpeakerCluster:
    """One entity across the batch: its id, canonical name and every (doc_id, speaker string) naming it."""

    speaker_id: str
    name: str
    members: list[tuple[str, str]]
    sentences: int

    def to_dict(self) -> dict:
        return {"speaker_id": self.speaker_id, "name": self.name, "sentences": self.sentences,
                "members": [list(m) for m in self.members]}  # fmt: skip


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


def document_groups(document: Document) -> list[LocalGroup]:
    """Group one document's speaker strings that name one entity (section "Within a document" above)."""
    counts = Counter(
        s.speaker for s in document.sentences if s.boilerplate is not True and s.speaker not in (None, AUTHOR)
    )
    speakers = list(counts)
    forms = [analyse(s) for s in speakers]
    sets = _UnionFind(len(speakers))
    full = [i for i, f in enumerate(forms) if f.kind == "person" and len(f.words) > 1]
    for x, i in enumerate(full):
        for j in full[x + 1 :]:
            if same_person(forms[i], forms[j]):
                sets.union(i, j)
    for i, form in enumerate(forms):
        if form.kind == "person" and len(form.words) == 1:
            people = {sets.find(j) for j in full if _part_of(form, forms[j])}
            if len(people) == 1:
                sets.union(i, people.pop())
    index = {s: i for i, s in enumerate(speakers)}
    for described, named in _description_links(document, speakers, forms):
        sets.union(index[described], index[named])
    groups: dict[int, LocalGroup] = {}
    for i, speaker in enumerate(speakers):
        groups.setdefault(sets.find(i), LocalGroup(document.doc_id)).counts[speaker] = counts[speaker]
    return list(groups.values())


def _description_links(document: Document, speakers: list[str], forms: list[SpeakerForm]) -> Iterable[tuple[str, str]]:
    """(description, name) pairs the document itself links: by a resolved mention or by the text."""
    names = [s for s, f in zip(speakers, forms) if f.kind == "person"]
    descriptions = {analyse(s).key: s for s, f in zip(speakers, forms) if f.kind != "person"}
    for sentence in document.sentences:
        mention = sentence.speaker_mention
        if mention and sentence.speaker in names and fold(mention) not in PRONOUNS:
            described = descriptions.get(analyse(mention).key)
            if described:
                yield described, sentence.speaker
    text = " ".join(document.texts)
    for described in descriptions.values():
        beside = _names_beside(text, described)
        linked = {name for name in names if f" {name} " in beside}
        if len(linked) == 1:
            yield described, linked.pop()


_CAPITALISED_RUN = re.compile(r"\s+((?:[A-Z][\w'’.-]*\s*)+)")
_APPOSITION_BEFORE = re.compile(r"((?:[A-Z][\w'’.-]*\s+)*[A-Z][\w'’.-]*),\s+(?:[Tt]he\s+)?$")


def _names_beside(text: str, phrase: str) -> str:
    """Capitalised words right after each occurrence of ``phrase`` ("Ukrainian President Volodymyr Zelenskyy")
    or right before it as an apposition ("Zelenskyy, the Ukrainian president"), as " run | run |"."""
    found = []
    lowered, target = text.lower(), phrase.lower()
    start = lowered.find(target)
    while start >= 0:
        end = start + len(target)
        if (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            after = _CAPITALISED_RUN.match(text, end)
            before = _APPOSITION_BEFORE.search(text[max(0, start - 80) : start])
            found.extend(" ".join(re.sub(r"[^\w\s'’-]", " ", m.group(1)).split()) for m in (after, before) if m)
        start = lowered.find(target, end)
    return "".join(f" {run} |" for run in found)


def canonicalise(documents: list[Document]) -> list[SpeakerCluster]:
    """Cluster the batch's speakers and set ``speaker_id`` on every attributed sentence (in place).

    AUTHOR, unlabelled and boilerplate sentences get ``speaker_id = None``.
    """
    groups = [group for document in documents for group in document_groups(document)]
    heads = [group.head for group in groups]
    sets = _UnionFind(len(groups))
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (group, head) in enumerate(zip(groups, heads)):
        scope = group.doc_id if head.kind == "generic" else ""
        by_key[(scope, head.key)].append(i)
    for members in by_key.values():  # equal normalised strings: one entity (a generic one only within its document)
        for i in members[1:]:
            sets.union(i, members[0])
    representatives = {key: members[0] for key, members in by_key.items()}
    forms = {i: heads[i] for i in representatives.values()}
    _join_full_names(forms, sets)
    _join_single_names(forms, sets)
    _join_descriptions(forms, sets)
    return _clusters(documents, groups, sets)


def _join_full_names(forms: dict[int, SpeakerForm], sets: _UnionFind) -> None:
    """Complete linkage inside surname blocks, so "J. Smith" cannot chain John and Jane Smith together."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, form in forms.items():
        if form.kind == "person" and len(form.words) > 1:
            blocks[form.surname[:3]].append(i)
    for members in blocks.values():
        clusters: list[list[int]] = []
        for i in members:
            for cluster in clusters:
                if all(same_person(forms[i], forms[j]) for j in cluster):
                    cluster.append(i)
                    sets.union(i, cluster[0])
                    break
            else:
                clusters.append([i])


def _join_single_names(forms: dict[int, SpeakerForm], sets: _UnionFind) -> None:
    """A one-word name joins the one person of the batch it fits; with two or more it stays apart."""
    people: dict[str, set[int]] = defaultdict(set)
    for i, form in forms.items():
        if form.kind == "person" and len(form.words) > 1:
            for token in {form.surname[:3], phonetic(form.words[0])[:3]}:
                people[token].add(i)
    for i, form in forms.items():
        if form.kind == "person" and len(form.words) == 1:
            token = phonetic(form.words[0])[:3]
            fits = {sets.find(j) for j in people.get(token, ()) if _part_of(form, forms[j])}
            if len(fits) == 1:
                sets.union(i, fits.pop())


def _join_descriptions(forms: dict[int, SpeakerForm], sets: _UnionFind) -> None:
    """Proper descriptions with the same head and proper nouns; acronyms with the one long form they abbreviate."""
    by_head: dict[str, list[int]] = defaultdict(list)
    long_forms: dict[str, set[int]] = defaultdict(set)
    for i, form in forms.items():
        if form.kind == "proper" and not (len(form.words) == 1 and form.words[0].isupper()):
            by_head[_stem(form.words[-1])].append(i)
        if form.kind != "generic" and len(form.words) >= 2:
            long_forms[initials(form)].add(i)
    for members in by_head.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if same_proper_description(forms[i], forms[j]):
                    sets.union(i, j)
    for i, form in forms.items():
        if len(form.words) == 1 and form.words[0].isupper() and len(form.words[0]) >= 2:
            fits = {sets.find(j) for j in long_forms.get(form.tokens[0], ())}
            if len(fits) == 1:
                sets.union(i, fits.pop())


def _clusters(documents: list[Document], groups: list[LocalGroup], sets: _UnionFind) -> list[SpeakerCluster]:
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(groups)):
        members[sets.find(i)].append(i)
    id_of: dict[tuple[str, str], str] = {}
    clusters = []
    for indices in members.values():
        merged = LocalGroup(groups[indices[0]].doc_id)
        for i in indices:
            merged.counts.update(groups[i].counts)
        head = merged.head
        doc_ids = {groups[i].doc_id for i in indices}
        scope = next(iter(doc_ids)) if head.kind == "generic" and len(doc_ids) == 1 else ""
        speaker_id = "s" + hashlib.sha1(f"{scope}/{head.kind}/{head.key}".encode()).hexdigest()[:10]
        pairs = [(groups[i].doc_id, speaker) for i in indices for speaker in groups[i].counts]
        clusters.append(SpeakerCluster(speaker_id, head.text, pairs, sum(merged.counts.values())))
        id_of.update(dict.fromkeys(pairs, speaker_id))
    for document in documents:
        for sentence in document.sentences:
            sentence.speaker_id = id_of.get((document.doc_id, sentence.speaker))
    return sorted(clusters, key=lambda c: (-c.sentences, c.name))
