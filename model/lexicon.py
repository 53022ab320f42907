"""Word lists of the label contract (ANNOTATION.md sections 2-4), in one place.

Verbs are listed by base form; :func:`verb_forms` expands them to every inflection, and
:func:`base_form` maps an inflected word back, because the project's spaCy pipeline runs
without a lemmatizer (``token.lemma_`` is empty). Multi-word cues are regular expressions
matched case-insensitively on word boundaries.
"""

from __future__ import annotations

import re
from functools import cache

_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "think": ("thinks", "thought", "thinking"),
    "write": ("writes", "wrote", "written", "writing"),
    "forecast": ("forecasts", "forecasted", "forecasting"),
    "draw": ("draws", "drew", "drawn", "drawing"),
    "find": ("finds", "found", "finding"),
    "show": ("shows", "showed", "shown", "showing"),
    "speak": ("speaks", "spoke", "spoken", "speaking"),
    "learn": ("learns", "learned", "learnt", "learning"),
    "fear": ("fears", "feared", "fearing"),
    "admit": ("admits", "admitted", "admitting"),
    "slam": ("slams", "slammed", "slamming"),
    "blog": ("blogs", "blogged", "blogging"),
    "seek": ("seeks", "sought", "seeking"),
    "criticise": ("criticises", "criticised", "criticising"),
    "criticize": ("criticizes", "criticized", "criticizing"),
}


def verb_forms(base: str) -> set[str]:
    """All inflections of a verb: ``"estimate"`` -> estimate, estimates, estimated, estimating."""
    if base in _IRREGULAR:
        return {base, *_IRREGULAR[base]}
    if base.endswith("e"):
        return {base, base + "s", base + "d", base[:-1] + "ing"}
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return {base, base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    if base.endswith(("s", "sh", "ch", "x", "z")):
        return {base, base + "es", base + "ed", base + "ing"}
    return {base, base + "s", base + "ed", base + "ing"}


# Section 2: verbs that attribute a claim to their subject (speech, writing, judgement).
REPORTING_VERBS = frozenset(
    {
        "say", "tell", "add", "state", "announce", "claim", "warn", "estimate", "note", "argue", "insist",
        "write", "post", "testify", "acknowledge", "confirm", "reveal", "report", "disclose", "explain",
        "describe", "declare", "assert", "maintain", "contend", "concede", "admit", "deny", "allege",
        "accuse", "criticise", "criticize", "blast", "slam", "condemn", "praise", "urge", "caution",
        "suggest", "believe", "assess", "expect", "predict", "forecast", "project", "corroborate", "echo",
        "agree", "verify", "stress", "emphasise", "emphasize", "recall", "reply", "respond", "tweet",
        "ask", "call", "speak", "continue", "learn", "find", "show", "conclude", "indicate", "hope",
        "fear", "think", "question", "dispute", "reject", "comment", "remark", "observe", "mention",
        "point", "brief", "inform", "notify", "promise", "vow", "pledge", "threaten", "demand",
        "complain", "blame", "assure", "reiterate", "repeat", "signal", "welcome", "rule", "attack",
        "proclaim", "cite", "express", "identify", "compliment", "compare", "defend", "implore", "poke",
        "overrule", "voice", "recommend", "propose", "advise", "charge",
    }
)  # fmt: skip
# Verbs of saying proper: a participial clause of one ("..., adding that") is part of the claim.
SPEECH_VERBS = frozenset({"say", "add", "tell", "note", "argue", "insist", "state", "claim", "explain", "write", "stress", "warn", "urge", "suggest"})
# Verbs whose subject states something only when the parse gives them a clausal object.
CLAUSAL_ONLY_VERBS = frozenset({"find", "show", "indicate", "learn", "continue", "point", "signal"})
# "X is concerned/afraid/worried/confident that ..."
STANCE_ADJECTIVES = frozenset({"concerned", "afraid", "worried", "fearful", "confident", "convinced", "sure", "certain", "hopeful", "optimistic", "pessimistic", "alarmed"})
# "... has drawn warnings from Seoul": the nouns of a reaction and its verbs.
REACTION_VERBS = frozenset({"draw", "prompt", "spark", "trigger", "provoke", "receive", "attract", "earn"})
REACTION_NOUNS = frozenset(
    {
        "warning", "warnings", "criticism", "criticisms", "condemnation", "condemnations", "concern",
        "concerns", "praise", "protest", "protests", "rebuke", "rebukes", "objection", "objections",
        "complaint", "complaints", "outrage", "backlash", "response", "responses", "reaction", "reactions",
        "threat", "threats", "denial", "denials", "support", "calls", "demands",
    }
)  # fmt: skip
# Nouns of documents that speak for their author ("the ministry's statement said").
DOCUMENT_NOUNS = frozenset(
    {
        "statement", "report", "study", "survey", "document", "letter", "memo", "filing", "analysis",
        "assessment", "release", "communique", "communiqué", "post", "tweet", "video", "footage",
        "poll", "review", "audit", "complaint", "lawsuit", "indictment", "ruling", "notice", "paper",
        "findings", "data", "figures", "records", "transcript", "email", "message", "account", "article",
    }
)  # fmt: skip

# Section 3: stance cues, as base forms of verbs or plain words.
WARNING_WORDS = frozenset(
    {
        "warn", "warning", "warnings", "caution", "cautioned", "cautions", "threat", "threats",
        "threaten", "threatens", "threatened", "threatening", "danger", "dangers", "dangerous", "risk",
        "risks", "risky", "peril", "perils", "hazard", "hazards", "harm", "harmful", "fear", "fears",
        "feared", "afraid", "alarm", "alarmed", "alarming", "concern", "concerned", "concerns",
        "worried", "worry", "worries", "urge", "urged", "urges", "urging", "jeopardy", "jeopardize",
        "jeopardise", "destabilization", "destabilisation", "destabilize", "destabilise", "terrifying",
    }
)  # fmt: skip
CORROBORATION_VERBS = frozenset(
    {"confirm", "corroborate", "verify", "echo", "agree", "acknowledge", "concur", "affirm", "reaffirm", "validate", "substantiate"}
)
CORROBORATION_PHRASES = (
    r"\bback(?:ed|s|ing)?\s+up\b",
    r"\bin\s+line\s+with\b",
    r"\bconsistent\s+with\b",
    r"\bbacked\b",
    r"\b(?:said|says|say|saying)\s+(?:the\s+same(?:\s+thing)?|as\s+much)\b",
    r"\b(?:absolutely|exactly|entirely|quite)\s+right\b",
)
ESTIMATE_VERBS = frozenset({"estimate", "project", "assess", "forecast", "predict", "expect", "anticipate", "believe", "hope", "calculate", "reckon"})
ESTIMATE_PHRASES = (r"\b(?:is|are|was|were|be)\s+(?:un)?likely\s+to\b", r"\blikely\b", r"\bprobably\b")

# Section 4: hedge cues.
WEAK_VERBS = frozenset(
    {
        "claim", "allege", "accuse", "believe", "think", "assess", "estimate", "expect", "suggest",
        "predict", "forecast", "project", "appear", "seem", "presume", "anticipate", "reckon", "suspect",
        "hope", "speculate", "guess",
    }
)  # fmt: skip
WEAK_ADVERBS = frozenset({"likely", "probably", "largely", "presumably", "seemingly", "arguably", "roughly", "approximately", "nearly", "almost"})
STRONG_WORDS = frozenset(
    {
        "may", "might", "could", "reportedly", "allegedly", "apparently", "possible", "possibly", "maybe",
        "perhaps", "potential", "potentially", "possibility", "unconfirmed", "purportedly", "supposedly", "ostensibly",
        "unverified", "conceivably",
    }
)  # fmt: skip
NUMBER = r"(?:\$|£|€)?\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a\s+hundred|a\s+thousand|a\s+million|a\s+billion|hundreds|thousands|millions|billions|dozens|a\s+dozen|half|a\s+third|a\s+quarter|a\s+fifth|one\s+in"
# Approximators that count only before a quantity ("about 3,000", not "about the war");
# "nearly", "almost", "roughly" are soft adverbs anywhere (WEAK_ADVERBS).
APPROXIMATORS = (
    rf"\b(?:about|around|over|some|up\s+to|as\s+(?:much|many|few|little)\s+as|at\s+least|more\s+than|less\s+than|fewer\s+than|upwards\s+of|close\s+to)\s+(?:{NUMBER})\b",
)
STRONG_PHRASES = (
    r"\bwould\s+possibly\b",
    r"\bit\s+is\s+(?:thought|understood|believed|said)\s+that\b",
    r"\baccording\s+to\s+(?:\w+\s+){0,2}(?:unnamed|anonymous)\b",
)
HIGH_PHRASES = (
    r"\bcould\s+not\s+(?:be\s+)?(?:independently\s+)?(?:verif|confirm)\w*",
    r"\b(?:cannot|can\s*not|can't|couldn't|was\s+unable\s+to|were\s+unable\s+to)\s+(?:be\s+)?(?:independently\s+)?(?:verif|confirm)\w*",
    r"\bnot\s+(?:been\s+)?independently\s+(?:verified|confirmed)\b",
    r"\bit\s+(?:is|was|remains)\s+(?:still\s+)?(?:unclear|not\s+clear|uncertain|unknown|not\s+known)\b",
    r"\b(?:has|have|had)\s+not\s+(?:yet\s+)?been\s+(?:confirmed|verified)\b",
    r"\b(?:do|does|did)\s+not\s+know\s+(?:for\s+)?(?:certain|sure)\b",
    r"\brumou?rs?\b",
    r"\bspeculation\b",
    r"\bwithout\s+(?:providing|offering|giving|citing)\s+(?:any\s+)?evidence\b",
    r"\bremains?\s+under\s+investigation\b",
    r"\bno\s+known\s+motive\b",
    r"\bmore\s+questions\s+than\s+answers\b",
    r"\bthe\s+question\s+is\b",
    r"\brais(?:e|es|ed|ing)\s+(?:\w+\s+)?questions\b",
    r"\bunsubstantiated\b",
)
# Section 4 non-cues: a concessive or idiomatic modal holds nothing back.
NON_CUE_PHRASES = (r"\bcould\s*(?:not|n't)\b", r"\bmay\s+as\s+well\b", r"\b(?:may|might)\s+not\s+be\b[^.;]*?,\s*but\b", r"\bmight\s+as\s+well\b", r"\bbe\s+that\s+as\s+it\s+may\b")


@cache
def _base_forms() -> dict[str, str]:
    table: dict[str, str] = {}
    for base in REPORTING_VERBS | WEAK_VERBS | ESTIMATE_VERBS | CORROBORATION_VERBS | REACTION_VERBS:
        for form in verb_forms(base):
            table.setdefault(form, base)
    return table


def base_form(word: str) -> str:
    """The base form of a listed verb (``"assesses"`` -> ``"assess"``), else the word lower-cased."""
    lower = word.lower()
    return _base_forms().get(lower, lower)


def compile_phrases(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive alternation of several cue patterns."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
