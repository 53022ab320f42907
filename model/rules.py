"""The rule baseline: spaCy parses plus the lexicons, one document at a time.

Boilerplate from clutter patterns and verbless name tags; the speaker from the dependency
parse (subject of a reporting verb, "according to X", reactions, headline tails, continued
quotations), resolved through :class:`SpeakerResolver`; stance by the contract's order of
cue classes; hedging by counting the cues of section 4 in the main claim.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from whosaid.data.clutter import is_clutter
from whosaid.data.records import AUTHOR, Sentence
from whosaid.data.segment import Segment
from whosaid.model import lexicon as lx
from whosaid.model.speakers import (
    NAME_LABELS,
    SUBJECT_PRONOUNS,
    Mention,
    SpeakerResolver,
    candidate_mentions,
    trim_mention,
)

logger = logging.getLogger(__name__)

_BACKGROUND_DEPS = ("relcl", "appos", "acl")
_SUBJECT_DEPS = ("nsubj",)
_VERB_TAGS = ("VERB", "AUX")
QUOTE_REACH = 5
_OPEN_QUOTES, _CLOSE_QUOTES, _BOTH_QUOTES = "“", "”", '"'
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40},?\s+(?:\w+\.?\s+\d{1,2}\s*)?(?:\([A-Za-z. ]+\))?\s*[-—–]*\s*$")
_NUMBER_WORD = re.compile(rf"^(?:{lx.NUMBER})$", re.IGNORECASE)
_FRESH = frozenset({"more", "new", "additional", "another", "further", "first", "latest"})
_NOT_POSSIBLE = re.compile(r"\b(?:everything|anything|all|whatever|if|where|when|whenever|as\s+\w+\s+as)\s+possible\b", re.I)


@dataclass
class Attribution:
    """Who a sentence's main claim is attributed to, with the tokens that say so."""

    speaker: str
    mention: str | None
    verb: object | None = None
    subject: object | None = None


class RuleLabeler:
    """Labels the segments of one document with boilerplate, speaker, stance and hedging."""

    def __init__(self) -> None:
        self.strong_phrases = lx.compile_phrases(lx.STRONG_PHRASES)
        self.high_phrases = lx.compile_phrases(lx.HIGH_PHRASES)
        self.non_cues = lx.compile_phrases(lx.NON_CUE_PHRASES)
        self.approximators = lx.compile_phrases(lx.APPROXIMATORS)
        self.corroboration_phrases = lx.compile_phrases(lx.CORROBORATION_PHRASES)
        self.estimate_phrases = lx.compile_phrases(lx.ESTIMATE_PHRASES)

    def label_documents(self, documents: list[list[Segment]]) -> list[list[Sentence]]:
        """Label many documents, each a list of its segments."""
        return [self.label(segments) for segments in documents]

    def label(self, segments: list[Segment], mentions: list[list[Mention]] | None = None) -> list[Sentence]:
        """One record per segment of one document; ``mentions``: each segment's candidate mentions, if known."""
        if mentions is None:
            mentions = [candidate_mentions(segment.span) for segment in segments]
        resolver = SpeakerResolver()
        for index, found in enumerate(mentions):
            resolver.observe(index, found)
        boilerplate = [self._is_boilerplate(segment, index) for index, segment in enumerate(segments)]
        masks = _quote_masks(segments, boilerplate)
        attributions = [
            None if boilerplate[i] else self._attribute(segment, i, resolver, masks[i])
            for i, segment in enumerate(segments)
        ]
        speakers = _continue_quotations(segments, boilerplate, masks, attributions)
        logger.debug("%d segments, %d boilerplate, %d attributed", len(segments), sum(boilerplate), sum(s is not None for s in speakers))
        records = []
        for index, segment in enumerate(segments):
            if boilerplate[index]:
                records.append(Sentence(segment.text, True, None, None, None, None, []))
                continue
            attribution = speakers[index]
            scope = _scope(segment.span, attribution)
            cues, level = self._hedging(segment, scope)
            records.append(
                Sentence(
                    text=segment.text,
                    boilerplate=False,
                    speaker=attribution.speaker if attribution else AUTHOR,
                    speaker_mention=attribution.mention if attribution else None,
                    stance=self._stance(segment, scope, attribution),
                    hedging=level,
                    hedge_cues=cues,
                )
            )
        return records

    # Boilerplate

    def _is_boilerplate(self, segment: Segment, index: int) -> bool:
        """Clutter lines, and after the headline, verbless name tags and bare datelines."""
        text = segment.text.strip()
        if segment.span is None or segment.clutter or is_clutter(text):
            return True
        if index == 0:
            return False
        if _DATELINE.match(text):
            return True
        words = [t for t in segment.span if not t.is_punct]
        if not words or len(words) > 4 or any(t.pos_ in _VERB_TAGS for t in words):
            return False
        if any(q in text for q in "\"“”"):
            return False
        return all(t.text[:1].isupper() or t.pos_ == "PROPN" for t in words)

    # Speaker

    def _attribute(self, segment: Segment, index: int, resolver: SpeakerResolver, mask: list[bool]) -> Attribution | None:
        """The speaker named or pointed to in this sentence, or None (AUTHOR or a continued quote)."""
        span = segment.span
        verb = _reporting_verb(span, mask)
        if verb is not None:
            if any(child.dep_ == "neg" for child in verb.children):
                return None
            subject = _subject(verb)
            if subject is not None:
                return self._speaker_from(segment, index, resolver, subject, verb)
        for finder in (_according_to, _reaction):
            found = finder(span)
            if found is not None:
                return self._speaker_from(segment, index, resolver, found, None)
        if index == 0:
            return _headline_speaker(span)
        return None

    def _speaker_from(self, segment: Segment, index: int, resolver: SpeakerResolver, head, verb) -> Attribution:
        """Resolve the phrase headed by ``head``; a document that speaks gives its author."""
        author = _document_author(head)
        if author is not None:
            head = author
        start, end = _phrase(head)
        span = segment.span
        doc, base = span.doc, span.start_char
        phrase = doc[start:end]
        text = phrase.text
        offset = phrase.start_char - base
        if head.lower_ in SUBJECT_PRONOUNS and end - start == 1:
            kind = "pronoun"
        elif head.ent_type_ in NAME_LABELS or head.pos_ == "PROPN":
            kind = "name"
        else:
            kind = "description"
        mention = Mention(offset, offset + len(text), text, kind, head.ent_type_ if head.ent_type_ in NAME_LABELS else "")
        speaker = trim_mention(text, phrase) if kind == "name" else resolver.resolve(mention, index)
        return Attribution(speaker or trim_mention(text), text, verb, head)

    # Stance

    def _stance(self, segment: Segment, scope: list, attribution: Attribution | None) -> str:
        """warning > corroboration > estimate > assertion, from the cues of the main claim."""
        words = list(scope)
        if any(lx.base_form(t.text) in lx.WARNING_WORDS or t.lower_ in lx.WARNING_WORDS for t in words):
            return "warning"
        main = _main_verbs(segment.span, attribution)
        scoped = _scoped_text(scope)
        corroborating = [v for v in main if lx.base_form(v.text) in lx.CORROBORATION_VERBS]
        if (corroborating and not _fresh_announcement(corroborating[0])) or self.corroboration_phrases.search(scoped):
            return "corroboration"
        if any(lx.base_form(v.text) in lx.ESTIMATE_VERBS for v in main):
            return "estimate"
        if self.estimate_phrases.search(scoped) or _quantity_approximated(words):
            return "estimate"
        root = _main_root(segment.span)
        modal = any(c.dep_ == "aux" and c.lower_ in ("may", "might", "could") for c in root.children)
        return "estimate" if modal and not self.non_cues.search(segment.text) else "assertion"

    # Hedging

    def _hedging(self, segment: Segment, scope: list) -> tuple[list[str], str]:
        """The hedge cues of the main claim and the level they add up to."""
        text = segment.text
        base = segment.span.start_char
        allowed = [(t.idx - base, t.idx - base + len(t.text)) for t in scope]

        def inside(start: int) -> bool:
            return any(a <= start < b for a, b in allowed)

        taken: list[tuple[int, int]] = [m.span() for m in self.non_cues.finditer(text)]
        taken += [m.span() for m in _NOT_POSSIBLE.finditer(text)]
        high = [m for m in self.high_phrases.finditer(text) if inside(m.start())]
        strong = [m for m in self.strong_phrases.finditer(text) if inside(m.start())]
        weak = [m for m in self.approximators.finditer(text) if inside(m.start()) and not _is_preposition(segment.span, m.start())]
        found: list[tuple[int, str, str]] = [(m.start(), m.group(), "high") for m in high]
        found += [(m.start(), m.group(), "strong") for m in strong]
        found += [(m.start(), approximator_words(m.group()), "weak") for m in weak]
        taken += [m.span() for m in (*high, *strong, *weak)]
        for token in scope:
            start = token.idx - base
            if any(a <= start < b for a, b in taken):
                continue
            strength = _token_strength(token)
            if strength:
                found.append((start, token.text, strength))
        found.sort()
        cues = [word for _, word, _ in found]
        strengths = [strength for _, _, strength in found]
        return cues, hedging_level(strengths)


def approximator_words(match: str) -> str:
    """The cue of an approximator match without its number: "up to 40" -> "up to"."""
    words = match.split()
    return " ".join(words[:-1]) if len(words) > 2 or words[0].lower() in ("up", "at", "more", "less", "fewer", "upwards", "close") else words[0]


def _is_preposition(span, offset: int) -> bool:
    """Whether the word at ``offset`` is a preposition ("a comment about 47 percent"), not an approximator."""
    token = next((t for t in span if t.idx - span.start_char == offset), None)
    return token is not None and token.dep_ == "prep"


def hedging_level(strengths: list[str]) -> str:
    """ANNOTATION.md section 4: counts and strengths of cues -> none/low/medium/high."""
    strong, weak = strengths.count("strong"), strengths.count("weak")
    if "high" in strengths or (strong and strong + weak >= 2):
        return "high"
    if strong or weak >= 2:
        return "medium"
    return "low" if weak else "none"


def _token_strength(token) -> str | None:
    """"strong", "weak" or None for one token of the main claim."""
    lower = token.lower_
    if lower in lx.STRONG_WORDS:
        if token.pos_ == "PROPN" or (lower == "possible" and token.dep_ == "amod" and token.head.lower_ in ("everything", "anything")):
            return None
        return "strong"
    if lower in lx.WEAK_ADVERBS:
        return "weak"
    if lx.base_form(token.text) in lx.WEAK_VERBS and token.pos_ == "VERB" and token.dep_ not in ("amod", "compound"):
        return "weak"
    return None


# Parse helpers


def _reporting_verb(span, mask: list[bool]):
    """The reporting verb of the main clause: a "..., X said" tail, the root, a parenthetical
    "X says" or a coordinated verb, or "X is concerned that"; never one inside quotation marks."""
    root = _main_root(span)
    children = [c for c in root.children if c.dep_ in ("parataxis", "ccomp", "conj") and c.pos_ in _VERB_TAGS]
    tails = [c for c in children if c.dep_ != "conj" and c.i > root.i and _is_tail(c)]
    others = [c for c in children if c.dep_ in ("parataxis", "conj")]
    for verb in (*tails, root, *others):
        offset = verb.idx - span.start_char
        if (0 <= offset < len(mask) and mask[offset]) or verb.pos_ not in _VERB_TAGS:
            continue
        name = lx.base_form(verb.text)
        if name in lx.REPORTING_VERBS and (name not in lx.CLAUSAL_ONLY_VERBS or _has_clause(verb, span)):
            return verb
        if any(c.dep_ == "acomp" and c.lower_ in lx.STANCE_ADJECTIVES for c in verb.children):
            return verb
    return None


def _main_root(span):
    """The root of the main clause; where the parser found several (a dateline glued to a
    sentence), the verbal one with the largest subtree."""
    roots = [t for t in span if t.head.i == t.i or not (span.start <= t.head.i < span.end)]
    verbal = [t for t in roots if t.pos_ in _VERB_TAGS] or roots or [span.root]
    return max(verbal, key=lambda t: t.right_edge.i - t.left_edge.i)


def _is_tail(verb) -> bool:
    """A trailing "..., X said": a reporting verb after a comma, without "that"."""
    left = verb.left_edge
    before = verb.doc[left.i - 1] if left.i > 0 else None
    return (
        lx.base_form(verb.text) in lx.REPORTING_VERBS
        and before is not None
        and (before.is_punct or before.is_quote)
        and not any(c.dep_ == "mark" for c in verb.children)
    )


def _has_clause(verb, span) -> bool:
    """Whether a verb such as "found" or "shows" reports a clause (or introduces a quote with ":")."""
    return verb.dep_ == "parataxis" or any(c.dep_ in ("ccomp", "parataxis") for c in verb.children) or span.text.rstrip().endswith(":")


def _subject(verb):
    """The active subject of a verb; an expletive "it" or "there" is none."""
    for child in verb.children:
        if child.dep_ in _SUBJECT_DEPS and child.lower_ not in ("it", "there", "which", "who", "that"):
            return child
    return None


def _phrase(head) -> tuple[int, int]:
    """Token range of the phrase headed by ``head``, without appositives, relative clauses or
    coordinated heads ("Ukraine and its allies" -> "Ukraine")."""
    skip: set[int] = set()
    for child in head.children:
        if child.dep_ in (*_BACKGROUND_DEPS, "punct", "cc", "conj", "prep", "case") and child.i > head.i:
            if child.dep_ == "prep" and child.lower_ == "of":
                continue
            skip.update(t.i for t in child.subtree)
    start = head.left_edge.i
    end = start
    while end <= head.right_edge.i and end not in skip:
        end += 1
    while end - 1 > start and head.doc[end - 1].is_punct:
        end -= 1
    return start, max(end, head.i + 1)


def _according_to(span):
    """The pobj of "according to X"."""
    for token in span:
        if token.lower_ == "according":
            for child in token.children:
                if child.lower_ == "to":
                    objects = [c for c in child.children if c.dep_ == "pobj"]
                    if objects:
                        return objects[0]
    return None


def _reaction(span):
    """X of "... has drawn warnings from X" in the main clause."""
    root = _main_root(span)
    if lx.base_form(root.text) not in lx.REACTION_VERBS:
        return None
    objects = [c for c in root.children if c.dep_ == "dobj" and c.lower_ in lx.REACTION_NOUNS]
    for holder in (root, *objects):
        for prep in holder.children:
            if prep.dep_ == "prep" and prep.lower_ in ("from", "by"):
                pobj = [c for c in prep.children if c.dep_ == "pobj"]
                if objects and pobj:
                    return pobj[0]
    return None


def _document_author(head):
    """The author of a document that speaks: "the ministry's statement" -> ministry."""
    if head.lower_ not in lx.DOCUMENT_NOUNS:
        return None
    for child in head.children:
        if child.dep_ == "poss" and child.pos_ != "PRON":
            return child
        if child.dep_ == "prep" and child.lower_ in ("from", "by"):
            pobj = [c for c in child.children if c.dep_ == "pobj"]
            if pobj and pobj[0].lower_ not in lx.DOCUMENT_NOUNS:
                return pobj[0]
    return None


def _headline_speaker(span) -> Attribution | None:
    """A headline that names its source: "...: Zelenskyy" or "Obama on climate: ..."."""
    text = span.text
    if ":" not in text:
        return None
    head_part, _, tail = text.rpartition(":")
    tail_tokens = [t for t in span if t.idx - span.start_char > len(head_part) and not t.is_punct]
    if 0 < len(tail_tokens) <= 4 and all(t.text[:1].isupper() and t.pos_ in ("PROPN", "NOUN") for t in tail_tokens):
        mention = tail.strip().rstrip(".!?")
        return Attribution(trim_mention(mention), mention)
    first = span.ents[0] if span.ents else None
    if first is not None and first.label_ == "PERSON" and first.start == span.start:
        after = span.doc[first.end] if first.end < span.end else None
        if after is not None and (after.text == ":" or after.lower_ == "on"):
            return Attribution(trim_mention(first.text), first.text)
    return None


def _main_verbs(span, attribution: Attribution | None) -> list:
    """The root, the reporting verb and their coordinated verbs: where stance verbs count."""
    verbs = [_main_root(span)]
    if attribution is not None and attribution.verb is not None:
        verbs.append(attribution.verb)
    for verb in list(verbs):
        verbs += [c for c in verb.children if c.dep_ in ("conj", "xcomp") and c.pos_ in _VERB_TAGS]
    return verbs


def _scope(span, attribution: Attribution | None) -> list:
    """Tokens of the main claim: all but background clauses about the speaker and participial
    side clauses ("..., fearing potential reprisals")."""
    if span is None:
        return []
    skip: set[int] = set()
    if attribution is not None and attribution.subject is not None:
        for child in attribution.subject.children:
            if child.dep_ in _BACKGROUND_DEPS:
                skip.update(t.i for t in child.subtree)
    for token in span:
        if token.dep_ == "advcl" and token.tag_ == "VBG" and lx.base_form(token.text) not in lx.SPEECH_VERBS:
            skip.update(t.i for t in token.subtree)
    return [t for t in span if t.i not in skip]


def _scoped_text(scope: list) -> str:
    """The words of the main claim as one string, for phrase cues."""
    return " ".join(t.text for t in scope)


def _quantity_approximated(tokens: list) -> bool:
    """An approximator right before a number: "nearly 3,000", "around 12,000", "less than a quarter"."""
    for i, token in enumerate(tokens[:-1]):
        approximate = token.lower_ in ("nearly", "almost", "roughly", "approximately", "about", "around", "some", "over")
        if approximate and token.dep_ != "prep" and (tokens[i + 1].like_num or _NUMBER_WORD.match(tokens[i + 1].text)):
            return True
        if token.lower_ in ("than", "to") and i > 0 and tokens[i - 1].lower_ in ("more", "less", "fewer", "up"):
            following = " ".join(t.text for t in tokens[i + 1 : i + 3])
            if tokens[i + 1].like_num or _NUMBER_WORD.match(tokens[i + 1].text) or _NUMBER_WORD.match(following):
                return True
    return False


def _fresh_announcement(verb) -> bool:
    """"confirmed two more cases": a confirmation that announces something new."""
    for child in verb.children:
        if child.dep_ in ("dobj", "ccomp"):
            words = {t.lower_ for t in child.subtree}
            if words & _FRESH and any(t.like_num for t in child.subtree):
                return True
    return False


# Quotations


def _quote_masks(segments: list[Segment], boilerplate: list[bool]) -> list[list[bool]]:
    """Per segment, per character: whether it lies inside quotation marks (state carried on)."""
    masks, open_ = [], False
    for index, (segment, skip) in enumerate(zip(segments, boilerplate)):
        if skip:
            masks.append([False] * len(segment.text))
            open_ = False
            continue
        if open_ and not _next_quote_closes(segments[index : index + QUOTE_REACH]):
            open_ = False
        mask = []
        for char in segment.text:
            if char in _OPEN_QUOTES:
                open_ = True
            elif char in _CLOSE_QUOTES:
                open_ = False
            elif char in _BOTH_QUOTES:
                open_ = not open_
            mask.append(open_)
        masks.append(mask)
    return masks


def _next_quote_closes(segments: list[Segment]) -> bool:
    """Whether the next quotation mark ahead closes a quotation (so one is still open here); a
    straight quote that begins a segment opens one."""
    for segment in segments:
        text = segment.text.lstrip()
        for position, char in enumerate(text):
            if char in _OPEN_QUOTES:
                return False
            if char in _CLOSE_QUOTES:
                return True
            if char in _BOTH_QUOTES:
                return position > 0
    return False


def _quoted(mask: list[bool], text: str) -> bool:
    """A segment that is quotation: it starts inside quotation marks or opens with one."""
    stripped = text.lstrip()
    return bool(mask) and (mask[0] or stripped[:1] in _OPEN_QUOTES + _BOTH_QUOTES + "‘")


def _continue_quotations(segments, boilerplate, masks, attributions) -> list[Attribution | None]:
    """Give an unattributed quoted segment the speaker of its quotation: its "X said" later in
    the same quotation, else the attributed segment that opened or preceded it."""
    result = list(attributions)
    for index, segment in enumerate(segments):
        if boilerplate[index] or attributions[index] is not None or not _quoted(masks[index], segment.text):
            continue
        speaker = None
        for later in range(index + 1, min(index + QUOTE_REACH + 1, len(segments))):
            if boilerplate[later]:
                break
            if attributions[later] is not None and masks[later] and masks[later][0]:
                speaker = attributions[later]
                break
            if not (masks[later] and masks[later][0]):
                break
        if speaker is None and index > 0:
            previous = result[index - 1]
            text_before = segments[index - 1].text.rstrip()
            opened = masks[index - 1] and masks[index - 1][-1]
            if previous is not None and (opened or text_before.endswith(":") or _quoted(masks[index - 1], text_before) or masks[index][0]):
                speaker = previous
        if speaker is not None:
            result[index] = Attribution(speaker.speaker, None)
    for index in range(1, len(segments)):
        previous = result[index - 1]
        if result[index] is None and previous is not None and not boilerplate[index] and segments[index - 1].text.rstrip().endswith(":"):
            result[index] = Attribution(previous.speaker, None)
    return result
