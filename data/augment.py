"""Deterministic (seeded) augmentation of labelled documents.

Each copy of a document gets: consistent substitution of personal names (text, speaker and
mention rewritten together) and of places, perturbed numbers, a quote style, casing and
whitespace noise, and injected page clutter. Labels stay correct by construction; the
augmented set is generated at training time, never committed.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

from whosaid.data.records import AUTHOR, Document, Sentence

FIRST = ["Amara", "Kenji", "Lucía", "Dmitri", "Aisha", "Tomasz", "Nguyen", "Ingrid", "Rafael", "Zanele", "Farid", "Mei", "Oluwaseun", "Siobhan", "Mateus", "Priya", "Jonas", "Leila", "Kwame", "Hana", "Arjun", "Elif", "Mateo", "Svetlana", "Chidi", "Yusuf", "Camille", "Bogdan", "Noor", "Tariq"]
LAST = ["Okonkwo", "Tanaka", "Fernández", "Volkov", "Rahman", "Nowak", "Haugen", "Barros", "Dlamini", "Karimi", "Chen", "Adeyemi", "Byrne", "Silva", "Iyer", "Lindqvist", "Haddad", "Mensah", "Park", "Kaya", "Moreau", "Popescu", "Eze", "Castillo", "Novak", "Schultz", "Abdi", "Petrov", "Ortega", "Mwangi"]
PLACES = ["Lagos", "Rotterdam", "Valparaíso", "Tbilisi", "Kampala", "Osaka", "Gdańsk", "Medellín", "Tromsø", "Mombasa", "Cebu", "Porto", "Izmir", "Hobart", "Leeds", "Winnipeg", "Chennai", "Da", "Nang", "Surabaya", "Aarhus"]
CLUTTER = [
    "Share this article",
    "ShareFacebookXWhatsAppEmail",
    "Advertisement",
    "ADVERTISEMENT",
    "Story continues below advertisement",
    "Read more: {title}",
    "READ MORE",
    "By {name}",
    "By {name} | {place} Bureau",
    "{name}, Staff Writer",
    "Updated {hour}:{minute} GMT",
    "Published {day} March 2025, {hour}:{minute}",
    "{n} hours ago",
    "{n} min read",
    "Photo: {name}/Agency",
    "(Image credit: {name})",
    "Sign up for our newsletter",
    "Related Topics",
    "(with inputs from agencies)",
    "© 2025 All rights reserved",
    "{name}",
    "Listen to this article",
    "Comments ({n})",
]
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\w])|(?<![\w.,])\d+(?![\w,])")
_PERSON = re.compile(r"^[A-Z][\w'’-]+(?: [A-Z][\w'’.-]+){1,2}$")


def augment_documents(documents: list[Document], copies: int = 1, seed: int = 13) -> list[Document]:
    """``copies`` augmented versions of each document (ids suffixed ``~aug{k}``)."""
    rng = random.Random(seed)
    return [augment(doc, random.Random(rng.random()), f"~aug{k}") for k in range(copies) for doc in documents]


def augment(document: Document, rng: random.Random, suffix: str = "~aug") -> Document:
    """One augmented copy of ``document``."""
    names = _name_map(document, rng)
    places = {p: rng.choice([q for q in PLACES if q != p]) for p in PLACES if any(p in s.text for s in document.sentences)}
    numbers: dict[str, str] = {}
    curly = rng.random() < 0.5
    sentences = []
    for sentence in document.sentences:
        sentence = _rewrite(sentence, names, places, numbers, rng, curly)
        sentences.append(sentence)
        if rng.random() < 0.06:
            sentences.append(_clutter(rng, document.title or sentence.text))
    if rng.random() < 0.5:
        sentences.insert(rng.randint(0, min(2, len(sentences))), _clutter(rng, document.title or ""))
    if rng.random() < 0.4:
        sentences.append(_clutter(rng, document.title or ""))
    return replace(document, doc_id=document.doc_id + suffix, sentences=sentences, meta={**document.meta, "augmented": True})


def _name_map(document: Document, rng: random.Random) -> dict[str, str]:
    """Full personal names and their surnames -> a consistent new name per person."""
    mapping: dict[str, str] = {}
    for sentence in document.sentences:
        speaker = sentence.speaker or ""
        if speaker != AUTHOR and _PERSON.match(speaker) and speaker not in mapping:
            parts = speaker.split()
            new = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            mapping[speaker] = new
            mapping.setdefault(parts[-1], new.split()[-1])
            mapping.setdefault(parts[0], new.split()[0])
    return dict(sorted(mapping.items(), key=lambda kv: -len(kv[0])))


def _sub_all(text: str | None, mapping: dict[str, str]) -> str | None:
    if not text or not mapping:
        return text
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k in mapping) + r")(?!\w)")
    return pattern.sub(lambda m: mapping[m.group(1)], text)


def _numbers(text: str, numbers: dict[str, str], rng: random.Random) -> str:
    def perturb(match: re.Match) -> str:
        raw = match.group(0)
        if raw not in numbers:
            value = int(raw.replace(",", ""))
            if 1900 <= value <= 2100 and "," not in raw:  # years stay
                numbers[raw] = raw
            else:
                new = max(1, round(value * rng.uniform(0.6, 1.6)))
                numbers[raw] = f"{new:,}" if "," in raw else str(new)
        return numbers[raw]

    return _NUMBER.sub(perturb, text)


def _rewrite(sentence: Sentence, names, places, numbers, rng: random.Random, curly: bool) -> Sentence:
    mapping = {**names, **places}
    text = _numbers(_sub_all(sentence.text, mapping), numbers, rng)
    mention = _sub_all(sentence.speaker_mention, mapping)
    speaker = sentence.speaker if sentence.speaker == AUTHOR else _sub_all(sentence.speaker, mapping)
    text = _quotes(text, curly)
    if mention:
        mention = _quotes(mention, curly)
    if mention and mention not in text:
        mention = None
    if rng.random() < 0.03 and not sentence.boilerplate:
        text, mention = text.lower(), mention.lower() if mention else None
    if rng.random() < 0.05:
        text = text.replace(", ", ",  ", 1)
    cues = [c for c in (sentence.hedge_cues or []) if c.lower() in text.lower()] if sentence.hedge_cues is not None else None
    return replace(sentence, text=text, speaker=speaker, speaker_mention=mention, hedge_cues=cues)


def _quotes(text: str, curly: bool) -> str:
    if curly:
        return re.sub(r'"(?=\w)', "“", text).replace('"', "”")
    return text.replace("“", '"').replace("”", '"').replace("’", "'")


def _clutter(rng: random.Random, title: str) -> Sentence:
    template = rng.choice(CLUTTER)
    text = template.format(
        title=title[:80],
        name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        place=rng.choice(PLACES),
        hour=f"{rng.randint(0, 23):02d}",
        minute=f"{rng.randint(0, 59):02d}",
        day=rng.randint(1, 28),
        n=rng.randint(1, 900),
    )
    return Sentence(text=text, boilerplate=True, hedge_cues=[])
