"""``whosaid report``: one self-contained HTML page for a labelled run.

The page shows who said what: every document's sentences coloured by stance with the
speaker beside each and the hedge cues marked; a summary of speakers by number of claims,
their stance mix and the most hedged claims; with ``--gold``, the harness's metrics and
confusion matrices; with ``--claims``, the aligned claim groups of ``whosaid compare``.
Every text is escaped (Jinja2 autoescape). Summaries always cover the whole run; only the
per-document listing and the long lists are capped, with a note saying how much is left out.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from whosaid.data.records import AUTHOR, HEDGING_LEVELS, STANCES, Document, RecordError, Sentence, read_documents

logger = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"
MAX_DOCUMENTS = 200
MAX_HEDGED_CLAIMS = 100
MAX_CLAIM_GROUPS = 200
TOP_SPEAKERS = 50
OPEN_DOCUMENTS = 5
CLAIM_FIELDS = ("speaker", "stance", "hedging")


@dataclass
class SpeakerRow:
    """One speaker's claims: grouped by ``speaker_id`` where present, else by the name as written."""

    name: str
    speaker_id: str | None = None
    names: Counter = field(default_factory=Counter)
    stances: Counter = field(default_factory=Counter)
    hedging: Counter = field(default_factory=Counter)

    @property
    def claims(self) -> int:
        return sum(self.names.values())

    @property
    def variants(self) -> list[str]:
        """The other names this speaker goes by, the most used first."""
        return [name for name, _ in self.names.most_common() if name != self.name]

    def stance_bar(self) -> list[tuple[str, int, float]]:
        """(stance, count, percent of claims) for each stance present, in contract order."""
        return [(s, self.stances[s], 100 * self.stances[s] / self.claims) for s in STANCES if self.stances[s]]


def is_claim(sentence: Sentence) -> bool:
    """A prose sentence with a speaker (``AUTHOR`` included)."""
    return not sentence.boilerplate and sentence.speaker is not None


def speaker_rows(documents: list[Document]) -> tuple[list[SpeakerRow], SpeakerRow]:
    """Attributed speakers by number of claims (most first), and the writer's own voice apart."""
    groups: dict[str, SpeakerRow] = {}
    author = SpeakerRow(AUTHOR)
    for document in documents:
        for sentence in filter(is_claim, document.sentences):
            if sentence.speaker == AUTHOR:
                row = author
            else:
                key = f"id:{sentence.speaker_id}" if sentence.speaker_id else f"name:{sentence.speaker}"
                row = groups.setdefault(key, SpeakerRow(sentence.speaker, sentence.speaker_id))
            row.names[sentence.speaker] += 1
            row.stances[sentence.stance] += 1
            row.hedging[sentence.hedging] += 1
    for row in groups.values():
        row.name = row.names.most_common(1)[0][0]
    return sorted(groups.values(), key=lambda row: (-row.claims, row.name.lower())), author


def marked_text(text: str, cues: list[str] | None) -> list[tuple[str, bool]]:
    """The text as (piece, is_cue) pieces, each hedge cue found as a whole word (case-insensitive)."""
    words = sorted({cue.strip() for cue in cues or [] if cue.strip()}, key=len, reverse=True)
    if not words:
        return [(text, False)]
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE)
    pieces = pattern.split(text)  # with one group, the matches are at the odd positions
    return [(piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece]


def hedged_claims(documents: list[Document]) -> list[dict]:
    """Claims hedged high, then medium, in document order within each level."""
    found = [
        {"doc_id": d.doc_id, "index": i, "sentence": s}
        for d in documents
        for i, s in enumerate(d.sentences)
        if is_claim(s) and s.hedging in ("high", "medium")
    ]
    return sorted(found, key=lambda claim: claim["sentence"].hedging != "high")


def read_claims(path: str | Path) -> list[dict]:
    """Claim groups from a ``claims.jsonl`` written by ``whosaid compare``; a bad line raises naming file:line."""
    fix = "give the claims.jsonl that whosaid compare writes"
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise RecordError(f"{path}: no such file; {fix}") from None
    except UnicodeDecodeError:
        raise RecordError(f"{path}: not UTF-8 text; {fix}") from None
    claims = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            group = json.loads(line)
        except json.JSONDecodeError as error:
            raise RecordError(f"{where}: not valid JSON ({error.msg} at column {error.colno}); {fix}") from None
        members = group.get("members") if isinstance(group, dict) else None
        if not isinstance(members, list) or not all(
            isinstance(m, dict) and isinstance(m.get("doc_id"), str) and isinstance(m.get("text"), str) for m in members
        ):
            raise RecordError(f"{where}: 'members' must be a list of objects with 'doc_id' and 'text'; {fix}")
        differences = group.get("differences") or []
        if not isinstance(differences, list) or not all(
            isinstance(d, dict) and d.get("field") in CLAIM_FIELDS for d in differences
        ):
            raise RecordError(f"{where}: 'differences' must be a list of objects with 'field' one of {', '.join(CLAIM_FIELDS)}; {fix}")
        claims.append(group)
    return claims


def claim_groups(claims: list[dict], documents: list[Document]) -> list[dict]:
    """Claim groups for the page, those whose outlets differ first; each member gets its document's source."""
    sources = {d.doc_id: d.source for d in documents}
    groups = []
    for group in claims:
        differences = group.get("differences") or []
        members = [
            {
                **{name: member.get(name) for name in ("doc_id", "index", "speaker", "speaker_id", "stance", "hedging")},
                "source": sources.get(member["doc_id"]),
                "text": member["text"],
                "hedge_cues": member.get("hedge_cues"),
            }
            for member in group["members"]
        ]
        groups.append(
            {
                "claim_id": str(group.get("claim_id", "")),
                "text": str(group.get("text", "")),
                "members": members,
                "differences": [str(d.get("detail", d["field"])) for d in differences],
                "differing": {d["field"] for d in differences},
            }
        )
    return sorted(groups, key=lambda group: not group["differences"])


def document_view(document: Document) -> dict:
    """One document with the counts its summary line shows."""
    claims = [s for s in document.sentences if is_claim(s)]
    return {
        "document": document,
        "stances": Counter(s.stance for s in claims),
        "hedged": sum(s.hedging in ("medium", "high") for s in claims),
    }


def evaluation_view(gold: list[Document], documents: list[Document]) -> dict:
    """The harness's scores of the run against gold, with confusion cells shaded by count."""
    from whosaid.training.harness import score_system

    result = score_system("run", gold, documents)
    confusions = []
    for name, classes in (("stance", STANCES), ("hedging", HEDGING_LEVELS)):
        matrix = result.confusions[name]
        top = max((n for row in matrix for n in row), default=0) or 1
        cells = [[(n, round(n / top, 3)) for n in row] for row in matrix]
        confusions.append({"name": name, "classes": classes, "rows": list(zip(classes, cells))})
    return {
        "result": result,
        "fields": [
            (name, {k: v for k, v in values.items() if not isinstance(v, dict)}, values.get("per_class", {}))
            for name, values in result.metrics.items()
            if values
        ],
        "confusions": confusions,
        "gold_documents": len(gold),
        "unmatched": sorted({d.doc_id for d in documents} - {d.doc_id for d in gold}),
    }


def render_report(
    documents: list[Document],
    *,
    title: str = "whosaid report",
    gold: list[Document] | None = None,
    claims: list[dict] | None = None,
    max_documents: int = MAX_DOCUMENTS,
) -> str:
    """The whole page as one HTML string: inline CSS, no scripts, no external requests."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    environment.filters["cue_pieces"] = marked_text
    speakers, author = speaker_rows(documents)
    sentences = [s for d in documents for s in d.sentences]
    claimed = [s for s in sentences if is_claim(s)]
    hedged = hedged_claims(documents)
    ids = Counter(d.doc_id for d in documents)
    return environment.get_template("report.html.j2").render(
        title=title,
        stances=STANCES,
        hedging_levels=HEDGING_LEVELS,
        totals={
            "documents": len(documents),
            "sentences": len(sentences),
            "boilerplate": sum(bool(s.boilerplate) for s in sentences),
            "claims": len(claimed),
            "attributed": sum(s.speaker != AUTHOR for s in claimed),
            "speakers": len(speakers),
            "stances": Counter(s.stance for s in claimed),
            "hedging": Counter(s.hedging for s in claimed),
        },
        duplicate_ids=sorted(doc_id for doc_id, n in ids.items() if n > 1),
        speakers=speakers,
        top_speakers=TOP_SPEAKERS,
        author=author,
        hedged=hedged[:MAX_HEDGED_CLAIMS],
        hedged_total=len(hedged),
        evaluation=evaluation_view(gold, documents) if gold is not None else None,
        claim_groups=claim_groups(claims, documents)[:MAX_CLAIM_GROUPS] if claims is not None else None,
        claim_totals={
            "groups": len(claims or []),
            "differing": sum(bool(g.get("differences")) for g in claims or []),
            "fields": Counter(d["field"] for g in claims or [] for d in g.get("differences") or []),
        },
        listed=[document_view(d) for d in documents[:max_documents]],
        open_documents=len(documents) <= OPEN_DOCUMENTS,
    )


def run_report(args) -> int:
    """``whosaid report``: read the run (and gold, claims), write the page."""
    from whosaid.model.cli import UserError

    if args.max_documents < 0:
        raise UserError("--max-documents must be 0 or more")
    documents = [document for path in args.labelled for document in read_documents(path)]
    if not documents:
        raise UserError(f"{', '.join(args.labelled)}: no documents; give the JSONL that whosaid label writes")
    output = Path(args.output)
    if output.is_dir():
        raise UserError(f"{output}: is a folder; give a file name such as {output / 'report.html'}")
    page = render_report(
        documents,
        title=args.title or "whosaid report: " + ", ".join(Path(p).name for p in args.labelled),
        gold=read_documents(args.gold) if args.gold else None,
        claims=read_claims(args.claims) if args.claims else None,
        max_documents=args.max_documents,
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    logger.info("report on %d documents written to %s", len(documents), output)
    return 0


def register(commands) -> None:
    """Add ``whosaid report LABELLED.jsonl [...] -o report.html [--gold G] [--claims C] [--title T]``."""
    parser = commands.add_parser("report", help="one self-contained HTML page for a labelled run")
    parser.add_argument("labelled", nargs="+", help="labelled JSONL files (what whosaid label writes)")
    parser.add_argument("-o", "--output", required=True, help="the HTML file to write")
    parser.add_argument("--gold", help="gold JSONL of the same documents: adds metrics and confusion matrices")
    parser.add_argument("--claims", help="claims.jsonl from whosaid compare: adds the aligned claim groups")
    parser.add_argument("--title", help="page title (default: the input file names)")
    parser.add_argument(
        "--max-documents", type=int, default=MAX_DOCUMENTS, help="documents listed sentence by sentence; summaries cover all"
    )
    parser.set_defaults(run=run_report)
