"""``whosaid compare``: speakers canonicalised and claims aligned across a batch of labelled documents.

    whosaid compare LABELLED.jsonl [...] -o claims.jsonl [--labelled-out OUT.jsonl] [--speakers speakers.jsonl]
                    [--gold seeds/alignment.json ... --gold-documents seeds/gold.jsonl ...]
                    [--encoder DIR] [--fit-weights]

``claims.jsonl`` has one aligned claim group per line (the format ``whosaid report --claims`` reads).
``--gold`` scores speaker clusters (B-cubed) and claim groups (pairwise) against gold alignment files and
writes the scores beside the claims (``claims.scores.json``). ``--fit-weights`` first refits the encoder's
pair scorer on the TRAIN-split events of the gold files (``model/alignment_weights.json``), for example

    whosaid compare data/corpus/authored/*.jsonl --gold data/corpus/alignment.json --fit-weights
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

logger = logging.getLogger(__name__)


def compare(documents: Sequence, embed=None, tag=None, settings=None, scorer=None) -> tuple[list, list[dict]]:
    """(the documents with ``speaker_id`` set in place, the aligned claim groups as ``claims.jsonl`` rows).

    ``embed`` (texts -> L2-normalised rows) defaults to all-mpnet-base-v2 where installed, else
    all-MiniLM-L6-v2, and ``tag`` (texts -> entities) to the project's spaCy pipeline; pass small ones in tests.
    ``scorer`` defaults to the pair weights fitted for the encoder. Speaker clusters: :func:`canonicalise`.
    """
    from whosaid.model.canonical import canonicalise

    documents = list(documents)
    canonicalise(documents)
    return documents, claim_rows(documents, embed, tag, settings, scorer)


def claim_rows(documents: list, embed=None, tag=None, settings=None, scorer=None) -> list[dict]:
    """Align the claims of canonicalised documents; one ``claims.jsonl`` row per group."""
    from whosaid.model.alignment import SentenceEncoder, align, default_encoder_path, spacy_tagger

    embed = embed or SentenceEncoder(default_encoder_path())
    groups = align(documents, embed, tag or spacy_tagger(), settings, scorer)
    return [group.to_dict(f"c{n:05d}", documents) for n, group in enumerate(groups, 1)]


def register(commands) -> None:
    """Add ``whosaid compare``."""
    parser = commands.add_parser("compare", help="align claims and canonicalise speakers across documents")
    parser.add_argument("inputs", nargs="+", help="labelled JSONL files (whosaid label output or gold)")
    parser.add_argument("-o", "--output", default="claims.jsonl", help="aligned claim groups, one per line")
    parser.add_argument("--labelled-out", help="write the documents again, with speaker_id on each sentence")
    parser.add_argument("--speakers", help="write the speaker clusters here (JSONL)")
    parser.add_argument("--gold", action="append", default=[], help="gold alignment JSON to score against")
    parser.add_argument("--gold-documents", action="append", default=[],
                        help="gold-labelled JSONL of the gold's documents (default: the inputs)")  # fmt: skip
    parser.add_argument("--encoder", help="sentence encoder folder (default: all-mpnet-base-v2 where `make mpnet` "
                        "installed it, else all-MiniLM-L6-v2)")  # fmt: skip
    parser.add_argument("--engine", choices=["local", "ray"], default="local",
                        help="ray: embed sentences with a pool of encoder actors on Ray Data (pip install 'whosaid[ray]')")  # fmt: skip
    parser.add_argument("--workers", type=int, default=2, help="--engine ray: encoder actors")
    parser.add_argument("--address", help="--engine ray: a Ray cluster address (default: start Ray locally)")
    parser.add_argument("--fit-weights", action="store_true",
                        help="refit the encoder's pair weights on the gold's train-split events first")  # fmt: skip
    parser.set_defaults(run=run_compare)


def run_compare(args) -> int:
    from whosaid.data.records import read_documents
    from whosaid.model.alignment import SentenceEncoder, default_encoder_path
    from whosaid.model.canonical import canonicalise
    from whosaid.model.cli import UserError

    documents = [doc for path in args.inputs for doc in read_documents(path)]
    if not documents:
        raise UserError(f"{', '.join(args.inputs)}: no documents to compare")
    ids = [doc.doc_id for doc in documents]
    if len(set(ids)) < len(ids):
        raise UserError(f"{', '.join(args.inputs)}: doc_id values repeat; give each document its own doc_id")
    if args.encoder and not Path(args.encoder, "config.json").is_file():
        raise UserError(f"{args.encoder}: not an encoder folder (no config.json); give a transformers model folder")
    speakers = canonicalise(documents)
    encoder = args.encoder or default_encoder_path()
    if args.engine == "ray":
        from whosaid.model.ray_engine import RayEmbedder

        with RayEmbedder(encoder, args.workers, args.address) as embed:
            return _compare(args, documents, speakers, embed)
    return _compare(args, documents, speakers, SentenceEncoder(encoder))


def _compare(args, documents: list, speakers: list, embed) -> int:
    from whosaid.data.records import read_documents, write_documents
    from whosaid.model.alignment import PairScorer
    from whosaid.model.cli import UserError

    if args.fit_weights:
        fit_weights(args.gold, documents, embed)
    try:
        scorer = PairScorer.load(embed.encoder_name)
    except ValueError as error:
        raise UserError(str(error)) from None
    claims = claim_rows(documents, embed, scorer=scorer)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in claims), encoding="utf-8")
    logger.info("%d documents, %d speakers, %d aligned claims -> %s", len(documents), len(speakers), len(claims), output)
    if args.labelled_out:
        write_documents(documents, args.labelled_out)
    if args.speakers:
        Path(args.speakers).write_text(
            "".join(json.dumps(s.to_dict(), ensure_ascii=False) + "\n" for s in speakers), encoding="utf-8"
        )
    if args.gold:
        gold_docs = [doc for path in args.gold_documents for doc in read_documents(path)] or documents
        scores = score_against(args.gold, gold_docs, documents, claims)
        scores_path = output.with_suffix(".scores.json")
        scores_path.write_text(json.dumps(scores, indent=1) + "\n")
        print(scores_table(scores))
        logger.info("scores written to %s", scores_path)
    return 0


def fit_weights(gold_paths: list[str], documents: list, embed) -> None:
    """Refit ``embed``'s pair scorer on the train-split events of the gold files and store it."""
    from whosaid.data.corpus import read_splits
    from whosaid.model.alignment import WEIGHTS_FILE, spacy_tagger
    from whosaid.model.cli import UserError
    from whosaid.training.crossdoc_metrics import fit_pair_scorer, load_gold, save_pair_scorer

    if not gold_paths:
        raise UserError("--fit-weights needs --gold files to fit on")
    try:
        gold = {"events": [event for path in gold_paths for event in load_gold(path)["events"]]}
        scorer, how = fit_pair_scorer(gold, documents, embed, spacy_tagger(), read_splits())
    except (ValueError, KeyError) as error:
        raise UserError(f"{', '.join(gold_paths)}: cannot fit pair weights ({error})") from None
    save_pair_scorer(WEIGHTS_FILE, embed.encoder_name, scorer, {**how, "gold": gold_paths})
    logger.info("pair weights for %s (cross-validated claim pair F1 %.3f) -> %s", embed.encoder_name,
                how["cv_claim_pair_f1"], WEIGHTS_FILE)  # fmt: skip


def score_against(gold_paths: list[str], gold_docs, documents, claims) -> dict:
    """Scores per gold file (see :func:`whosaid.training.crossdoc_metrics.score_gold`)."""
    from whosaid.data.corpus import read_splits
    from whosaid.model.cli import UserError
    from whosaid.training.crossdoc_metrics import load_gold, score_gold

    groups = [[(m["doc_id"], m["index"]) for m in claim["members"]] for claim in claims]
    by_id = {doc.doc_id: doc for doc in documents}
    gold_by_id = {doc.doc_id: doc for doc in gold_docs}
    scores = {}
    for path in gold_paths:
        try:
            gold = load_gold(path)
        except ValueError as error:
            raise UserError(str(error)) from None
        missing = sorted({d for e in gold["events"] for d in e["documents"]} - set(by_id))
        if missing:
            raise UserError(f"{path}: documents {', '.join(missing[:3])} are not in the inputs; compare their labelled JSONL")
        scores[path] = score_gold(gold, gold_by_id, by_id, groups, read_splits())
    return scores


def scores_table(scores: dict) -> str:
    """A markdown table: one row per gold file and split."""
    lines = ["| gold | split | events | speaker B3 P | R | F1 | claim pair P | R | F1 | gold pairs |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for path, result in scores.items():
        for split, s in [("all", result["all"]), *result["by_split"].items()]:
            b, c = s["speakers"], s["claims"]
            lines.append(f"| {path} | {split} | {s['events']} | {b['precision']:.3f} | {b['recall']:.3f} | "
                         f"{b['f1']:.3f} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {c['gold_pairs']} |")  # fmt: skip
    return "\n".join(lines)
