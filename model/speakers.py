"""Speaker mentions: trimming to the contract's speaker string, candidates, document-level resolution.

ANNOTATION.md section 2: a speaker is the mention as written, trimmed to the name or noun
phrase (no leading article, no title in front of a personal name, no appositive); pronouns
and definite descriptions point back to the nearest compatible named mention. Shared by the
rule baseline and the neural labeler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whosaid.model.lexicon import DOCUMENT_NOUNS, REPORTING_VERBS, base_form

PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "his", "her", "their", "its", "our", "my"})
SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
_PERSON_PRONOUNS = frozenset({"he", "she", "his", "her", "i", "my"})
_GROUP_PRONOUNS = frozenset({"they", "their", "we", "our"})

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
_GROUP_LABELS = frozenset({"ORG", "GPE", "NORP", "FAC"})

TITLE_WORDS = frozenset(
    {
        "president", "vice", "prime", "minister", "secretary", "spokesman", "spokeswoman", "spokesperson",
        "chief", "director", "governor", "gov", "senator", "sen", "rep", "representative", "mayor",
        "chancellor", "premier", "king", "queen", "prince", "princess", "general", "gen", "commander",
        "admiral", "colonel", "col", "lt", "captain", "capt", "sergeant", "sgt", "officer", "sheriff",
        "deputy", "ceo", "chairman", "chairwoman", "chair", "chairperson", "head", "leader", "founder",
        "lawyer", "attorney", "prosecutor", "judge", "justice", "professor", "prof", "dr", "mr", "mrs",
        "ms", "miss", "sir", "dame", "lord", "lady", "candidate", "nominee", "ambassador", "envoy",
        "commissioner", "superintendent", "inspector", "detective", "agent", "analyst", "economist",
        "researcher", "scientist", "author", "writer", "reporter", "correspondent", "editor", "coach",
        "manager", "executive", "official", "adviser", "advisor", "aide", "strategist", "pastor", "rev",
        "pope", "cardinal", "bishop", "rabbi", "imam", "speaker", "whip", "congressman", "congresswoman",
        "councilman", "councilwoman", "councillor", "councilor", "lawmaker", "legislator", "activist",
        "treasurer", "president-elect", "operative", "pollster", "host", "anchor", "actor", "actress",
        "singer", "star", "celebrity", "dictator", "militant", "commentator", "columnist",
        "entrepreneur", "billionaire", "businessman", "businesswoman", "principal", "dean", "mp", "mep",
    }
)  # fmt: skip
# Heads of descriptions that point to a person ("the Ukrainian president", "the woman").
PERSON_HEADS = TITLE_WORDS | {"man", "woman", "boy", "girl", "politician", "mother", "father", "wife", "husband"}
# Heads of descriptions that point to an organisation, place or its documents.
GROUP_HEADS = DOCUMENT_NOUNS | {
    "ministry", "department", "agency", "company", "firm", "government", "state", "administration",
    "office", "council", "committee", "commission", "board", "court", "police", "campaign", "party",
    "group", "organisation", "organization", "union", "bank", "network", "newspaper", "paper", "country",
    "city", "county", "embassy", "bureau", "service", "institute", "university", "team", "club",
    "corporation", "regulator", "watchdog", "parliament", "congress", "senate", "house", "kremlin",
    "school", "hospital", "district", "authority", "authorities", "coalition", "alliance", "broadcaster",
}  # fmt: skip
# Nouns that can head a description of a source ("officials", "a person familiar ...").
SOURCE_NOUNS = PERSON_HEADS | GROUP_HEADS | {
    "official", "officials", "source", "sources", "person", "people", "expert", "experts", "analysts",
    "researchers", "scientists", "lawmakers", "diplomat", "diplomats", "residents", "witness",
    "witnesses", "authorities", "aides", "allies", "critics", "officers", "investigators", "prosecutors",
    "doctors", "leaders", "members", "supporters", "opponents", "activists", "voters", "democrats",
    "republicans", "speechwriters", "authors", "military", "intelligence", "media", "staff", "spokespeople",
    "observers", "economists", "employees", "workers", "students", "parents", "users", "insiders",
    "negotiators", "organisers", "organizers", "protesters", "victims", "families", "troops",
}  # fmt: skip

_DETERMINERS = frozenset(
    {
        "the", "a", "an", "another", "this", "that", "these", "those", "some", "many", "several", "few",
        "both", "all", "most", "other", "one", "two", "three", "four", "five", "six", "seven", "eight",
        "nine", "ten", "dozens", "hundreds", "thousands", "numerous", "various", "multiple", "such",
    }
)  # fmt: skip
SUBJECT_WINDOW = 3
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
_CUT = re.compile(r",\s|\s(?:who|which|whose|whom)\s|\s[-–—]\s")
_EDGE_PUNCT = "\"'“”‘’.,;:!?()[]—–- "
_WORD = re.compile(r"\S+")


@dataclass
class Mention:
    """A possible speaker in a sentence: character offsets in the sentence text, its text and
    kind ("name", "pronoun" or "description"); ``label`` is the entity type where known and
    ``subject`` whether it is the grammatical subject of its clause."""

    start: int
    end: int
    text: str
    kind: str
    label: str = ""
    subject: bool = False


def _bare(word: str) -> str:
    return word.lower().strip(_EDGE_PUNCT)


def _is_name_word(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit() or word in ("'s", "’s")


def trim_mention(text: str, span=None) -> str:
    """The speaker string of a mention as written (ANNOTATION.md section 2).

    Drops an appositive or relative clause, edge punctuation, a leading article or quantifier
    and titles in front of a personal name; keeps possessives and post-modifiers. With a spaCy
    ``span`` of the mention, a PERSON entity that ends the phrase gives the name in any case.
    """
    if span is not None:
        people = [ent for ent in span.ents if ent.label_ == "PERSON"]
        words = [t for t in span if not t.is_punct]
        if people and words and people[-1].end == words[-1].i + 1 and len(people[-1]) < len(words):
            return trim_mention(people[-1].text)
    cut = _CUT.search(text)
    if cut and cut.start() > 0:
        text = text[: cut.start()]
    text = text.strip(_EDGE_PUNCT)
    words = list(_WORD.finditer(text))
    first = 0
    while first < len(words) - 1 and (_bare(words[first].group()) in _DETERMINERS or words[first].group()[:1].isdigit()):
        first += 1
    if first + 1 < len(words) and _bare(words[first].group()) == "few":
        first += 1
    rest = words[first:]
    for i in range(len(rest) - 2, -1, -1):
        name = rest[i + 1 :]
        if _bare(rest[i].group()) in TITLE_WORDS and all(_is_name_word(w.group()) for w in name):
            if not any(_bare(w.group()) in TITLE_WORDS for w in name):
                rest = name
            break
    if not rest:
        return text
    return text[rest[0].start() : rest[-1].end()].strip(_EDGE_PUNCT)


def head_noun(text: str) -> str:
    """The head word of a description: the last word before any "of" post-modifier."""
    words = [_bare(w) for w in trim_mention(text).split()]
    if "of" in words[1:]:
        words = words[: words.index("of", 1)]
    return words[-1] if words else ""


def _chunk_end(chunk) -> int:
    """Extend a noun chunk over an "of" post-modifier: "Western allies of Kyiv"."""
    end = chunk.end
    for child in chunk.root.rights:
        if child.dep_ == "prep" and child.lower_ == "of" and child.i == end:
            end = child.right_edge.i + 1
    return end


def _is_reporting_subject(token) -> bool:
    return token.dep_ in ("nsubj", "nsubjpass") and base_form(token.head.text) in REPORTING_VERBS


def candidate_mentions(span) -> list[Mention]:
    """Possible speakers of a spaCy sentence span: named entities, source-like noun chunks
    (with their "of" post-modifiers) and subject pronouns, in text order, without duplicates."""
    if span is None:
        return []
    doc, base = span.doc, span.start_char
    found: dict[tuple[int, int], Mention] = {}

    def add(start_token: int, end_token: int, kind: str, label: str) -> None:
        piece = doc[start_token:end_token]
        text = piece.text.strip()
        if not text:
            return
        start = piece.start_char - base
        subject = piece.root.dep_ in ("nsubj", "nsubjpass")
        found.setdefault((start, start + len(text)), Mention(start, start + len(text), text, kind, label, subject))

    for ent in span.ents:
        if ent.label_ in NAME_LABELS and ent.root.dep_ not in ("amod",) and ent.root.pos_ in ("PROPN", "NOUN"):
            add(ent.start, ent.end, "name", ent.label_)
    entities = [(ent.start, ent.end) for ent in span.ents if ent.label_ in NAME_LABELS]
    for chunk in span.noun_chunks:
        root = chunk.root
        inside = any(a <= chunk.start and chunk.end <= b and (a, b) != (chunk.start, chunk.end) for a, b in entities)
        if root.pos_ == "PRON" or inside:
            continue
        label = root.ent_type_ if root.ent_type_ in NAME_LABELS else ""
        if label or root.pos_ == "PROPN":
            add(chunk.start, _chunk_end(chunk), "name", label)
        elif root.lower_ in SOURCE_NOUNS or _is_reporting_subject(root):
            add(chunk.start, _chunk_end(chunk), "description", "")
    for token in span:
        if token.lower_ in SUBJECT_PRONOUNS and token.dep_ in ("nsubj", "nsubjpass"):
            add(token.i, token.i + 1, "pronoun", "")
    return sorted(found.values(), key=lambda m: (m.start, m.end))


class SpeakerResolver:
    """Resolves mentions to canonical speakers within one document.

    ``observe`` every sentence's mentions (in any order, before or while resolving);
    ``resolve`` then looks only at mentions before the given one.
    """

    def __init__(self) -> None:
        self._mentions: dict[int, list[Mention]] = {}

    def observe(self, sentence_index: int, mentions: list[Mention]) -> None:
        """Remember a sentence's mentions, named or not, speakers or not."""
        self._mentions[sentence_index] = sorted(mentions, key=lambda m: m.start)

    def resolve(self, mention: Mention, sentence_index: int) -> str:
        """The canonical speaker of a mention in sentence ``sentence_index``."""
        if mention.kind == "pronoun":
            fits = _pronoun_fits(mention.text)
            found = self._antecedent(mention, sentence_index, fits, subjects=True) or self._antecedent(mention, sentence_index, fits)
            return found or mention.text.strip()
        words = mention.text.split()
        if mention.kind == "description" and words and _bare(words[0]) in _DEFINITE:
            head = head_noun(mention.text)
            fits = _description_fits(head)
            found = self._antecedent(mention, sentence_index, fits, prefer=head) if fits else None
            if found:
                return found
        return trim_mention(mention.text)

    def _preceding(self, mention: Mention, sentence_index: int, window: int | None = None):
        """Mentions before ``mention``, nearest first; ``window`` limits how many sentences back."""
        same = [m for m in self._mentions.get(sentence_index, []) if m.end <= mention.start]
        yield from reversed(same)
        earlier = sorted((i for i in self._mentions if i < sentence_index), reverse=True)
        for index in earlier if window is None else [i for i in earlier if i >= sentence_index - window]:
            yield from reversed(self._mentions[index])

    def _antecedent(self, mention: Mention, sentence_index: int, fits, prefer: str = "", subjects: bool = False) -> str | None:
        """The nearest compatible named mention, as written at that entity's nearest mention;
        with ``prefer``, one whose text contains that word wins over a nearer one; with
        ``subjects``, only subjects of the last few sentences count (they are the likelier antecedents)."""
        preceding = self._preceding(mention, sentence_index, SUBJECT_WINDOW if subjects else None)
        named = [m for m in preceding if m.kind != "pronoun" and fits(m) and (m.subject or not subjects)]
        if not named:
            return None
        target = next((m for m in named if prefer and prefer in m.text.lower().split()), named[0])
        last = trim_mention(target.text).split()[-1].lower()
        nearest = next((m for m in named if trim_mention(m.text).split()[-1].lower() == last), target)
        return trim_mention(nearest.text)


def _pronoun_fits(pronoun: str):
    word = pronoun.strip().lower()
    if word in _PERSON_PRONOUNS:
        return lambda m: m.kind == "name" and m.label == "PERSON"
    if word in _GROUP_PRONOUNS:
        return lambda m: (m.kind == "name" and m.label in _GROUP_LABELS) or (
            m.kind == "description" and head_noun(m.text).endswith("s") and head_noun(m.text) in SOURCE_NOUNS
        )
    return lambda m: m.kind == "name" and m.label in _GROUP_LABELS


def _description_fits(head: str):
    """Which named mentions a definite description can point to; None when it stays as written."""
    if head in PERSON_HEADS:
        return lambda m: m.kind == "name" and m.label == "PERSON"
    if head in GROUP_HEADS:
        return lambda m: m.kind == "name" and m.label in _GROUP_LABELS
    return None
