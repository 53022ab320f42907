"""Page-clutter patterns: share bars, bylines, timestamps, credits, calls to action.

Used by the segmenter (to cut clutter glued in front of a sentence) and by the rule
baseline (to label boilerplate). The model learns boilerplate from data; these are hints.
"""

from __future__ import annotations

import re

_SOCIAL = r"(?:share|shares|tweet|email|e-mail|print|facebook|twitter|x|whatsapp|telegram|linkedin|pinterest|reddit|messenger|copy\s+link|comments?|save|flipboard|sms|bluesky|threads)"
_CALLS = (
    r"read\s+(?:entire|full|the\s+full|more|the\s+rest|next)(?:\s+(?:article|story|here))?",
    r"(?:share|listen\s+to|save|print)\s+(?:this|the)\s+(?:article|story|page|post).*|\d+\s+min(?:ute)?s?\s+read",
    r"advertisement|sponsored(?:\s+content)?|story\s+continues(?:\s+below(?:\s+advertisement)?)?",
    r"continue\s+reading|click\s+here\b.*|sign\s+up\b.*|subscribe\b.*|follow\s+us\b.*|watch\s*:.*|listen\s*:.*",
    r"related(?:\s+(?:topics|stories|articles|coverage))?\s*:?.*|more\s+on\s+this\s+story.*|recommended.*|trending.*",
    r"(?:photo|image|picture|video|graphic|illustration)s?\s*(?:credit)?\s*:.*|getty\s+images|(?:ap|afp|reuters|epa)\s+photo.*",
    r"(?:copyright|©).*|all\s+rights\s+reserved.*|this\s+article\s+(?:was|has\s+been)\s+.*(?:updated|published|amended).*",
)
_LINE_PATTERNS = [
    re.compile(rf"^\W*(?:{_SOCIAL}\W*){{2,}}$", re.I),  # "ShareFacebook Twitter WhatsApp"
    re.compile(rf"^(?:{_SOCIAL})(?:{_SOCIAL})+\b.*$", re.I),
    re.compile(rf"^\W*(?:{'|'.join(_CALLS)})\W*$", re.I),
    re.compile(r"^\W*(?:read|see|watch)\s+(?:more|also)\s*:.*$", re.I),
    re.compile(
        r"^\W*(?:\d+\s+)?(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b[\W\d]*$", re.I
    ),
    re.compile(r"^\W*(?:updated|published|posted|last\s+updated|first\s+published)\b[^.!?]{0,60}$", re.I),
    re.compile(r"^\W*[Bb][Yy]\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}(?:\s*(?:,|and|\||-)\s*[\w .'-]{0,60})?$"),
    re.compile(
        r"^\W*\(?\s*with\s+(?:inputs?|reporting|additional\s+reporting)\s+(?:from|by)\s+[^)]{0,80}\)?\W*$", re.I
    ),
    re.compile(r"^\W*(?:reporting|writing|editing)\s+by\s+.{0,120}$", re.I),
    re.compile(r"^\W*\d{1,2}[:.]\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?\s*(?:[A-Z]{2,4})?\W*$", re.I),
    re.compile(r"^\W*(?:\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\w+\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+\w+\s+\d{4})\W*$"),
    re.compile(r"^\W*[\d,.]+\s*(?:k|m)?\s*(?:views?|shares?|comments?|likes?|reads?)?\W*$", re.I),
    re.compile(r"^\W*(?:https?://|www\.|pic\.twitter\.com/)\S*(?:\s+\S+){0,12}\W*$", re.I),  # a bare link or embed
    re.compile(r"^.{0,300}[—–-]\s*[^()\n]{1,60}\(@\w{1,30}\)\s+\w+\s+\d{1,2},\s+\d{4}\W*$"),  # "— Name (@handle) May 2, 2016"
]
_PREFIX = re.compile(
    rf"^\s*(?:{_CALLS[0]}|advertisement|story\s+continues\s+below)\b\s*[:|\-–—]?\s+(?=\S+\s+\S+\s+\S)", re.I
)


def is_clutter(line: str) -> bool:
    """True for a line that is page furniture rather than article prose."""
    text = " ".join(line.split())
    return bool(text) and any(pattern.match(text) for pattern in _LINE_PATTERNS)


def split_clutter_prefix(line: str) -> tuple[str | None, str]:
    """Cut a call to action glued in front of prose: ``"Read Entire Article date ..."``."""
    match = _PREFIX.match(line)
    if not match:
        return None, line
    return line[: match.end()].strip(), line[match.end() :]
