"""The ``whosaid`` command line: a thin shell over the library.

    whosaid label INPUT... [-o OUT.jsonl] [--model rules|PATH]
    whosaid evaluate GOLD.jsonl [PRED.jsonl ...] [--model PATH ...] [-o REPORT_DIR]
    whosaid train [-o DIR] [--encoder PATH] [--init-from PATH] [--train F.jsonl ...] [trainer options]
    whosaid corpus split|stats|check
    whosaid export | report | compare | benchmark   (registered by the modules they wrap)
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from pathlib import Path

from whosaid.data.records import RecordError, read_documents
from whosaid.model.inputs import InputError

logger = logging.getLogger("whosaid")
# Subcommands defined beside the library code they wrap; each module has ``register(commands)``,
# which adds its parser and sets ``run=function(args) -> exit code``. Their top-level imports stay light.
REGISTERED_COMMANDS = (
    "whosaid.model.export",
    "whosaid.model.report",
    "whosaid.model.compare",
    "whosaid.training.external",
)


class UserError(Exception):
    """A problem the user can fix; shown as one line, no traceback."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="whosaid", description="Who said it, how firmly: sentence labels for news.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True)

    label = commands.add_parser("label", help="label articles (resumable: rerun with the same -o to finish)")
    label.add_argument("inputs", nargs="+", help=".txt/.jsonl/.csv files, folders, globs, or - for stdin")
    label.add_argument("-o", "--output", help="output file, appended and resumable (default: stdout); a folder with --engine ray")
    label.add_argument("--format", choices=["jsonl", "csv"], help="output format (default: from the suffix, else jsonl)")
    label.add_argument("--model", help="'rules' or a model folder (default: the cached default model, trained if absent)")
    label.add_argument("--text-column", default="text", help="CSV input: the column holding the article text")
    label.add_argument("--id-column", help="CSV input: the column holding the document id (default: file and row)")
    label.add_argument("--batch-size", type=int, default=16, help="windows per encoder batch")
    label.add_argument("--workers", type=int, default=1, help="labelling processes (each loads the model)")
    label.add_argument("--errors", help="write one line per skipped record here")
    label.add_argument("--engine", choices=["local", "ray"], default="local", help="ray: Ray Data actors, JSONL shards")
    label.add_argument("--address", help="--engine ray: a Ray cluster address (default: start Ray locally)")
    label.add_argument("--progress", action=argparse.BooleanOptionalAction, help="progress bar (default: on a terminal)")

    evaluate = commands.add_parser("evaluate", help="score predictions against gold, rule baseline beside")
    evaluate.add_argument("gold", help="gold JSONL, or corpus:test / corpus:dev for a split of the authored corpus")
    evaluate.add_argument("predictions", nargs="*", help="predicted JSONL files to score")
    evaluate.add_argument("--model", action="append", default=[], help="also label the gold's sentences with this model folder")
    evaluate.add_argument("--no-rules", action="store_true", help="leave out the rule baseline and majority rows")
    evaluate.add_argument("-o", "--output", default="outputs/evaluation", help="report folder")

    commands.add_parser("train", help="fine-tune a model (options: whosaid train --help)", add_help=False)

    corpus = commands.add_parser("corpus", help="the authored corpus: splits, statistics, checks")
    corpus.add_argument("action", choices=["split", "stats", "check"])
    corpus.add_argument("--new-to", choices=["train", "dev", "test"], help="split: put documents not yet assigned here")
    corpus.add_argument("--reshuffle", action="store_true", help="split: ignore the existing assignment")

    for module in REGISTERED_COMMANDS:
        importlib.import_module(module).register(commands)

    argv = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no "Loading weights" bar on every model load
    args, rest = parser.parse_known_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "train":
            return _train(rest)
        if rest:
            parser.error(f"unrecognised arguments: {' '.join(rest)}")
        if hasattr(args, "run"):
            return args.run(args)
        return {"label": _label, "evaluate": _evaluate, "corpus": _corpus}[args.command](args)
    except (UserError, RecordError) as error:
        logger.error("%s", error)
        return 2
    except KeyboardInterrupt:
        logger.error("interrupted")
        return 130


def model_spec(model: str | None) -> str:
    """'rules' or a checked model folder; the default model is trained first when absent."""
    from whosaid.model.labeler import ModelLoadError, check_model_dir, default_model_dir

    if model == "rules":
        return model
    path = Path(model) if model else default_model_dir()
    if model is None and not path.exists():
        logger.info("no default model at %s: training it now (about 8 minutes on 2 CPU cores)", path)
        _train(["-o", str(path)])
    try:
        check_model_dir(path)
    except ModelLoadError as error:
        raise UserError(str(error)) from None
    return str(path)


def load_labeler(model: str | None):
    """The labeler for ``--model``: 'rules', a model folder, or the default model."""
    from whosaid.model.batch import open_labeler
    from whosaid.model.labeler import ModelLoadError

    try:
        return open_labeler(model_spec(model))
    except ModelLoadError as error:
        raise UserError(str(error)) from None


def _label(args) -> int:
    from functools import partial

    from whosaid.model.batch import OutputSink, label_batch, open_labeler
    from whosaid.model.inputs import CsvColumns, iter_inputs

    model = model_spec(args.model)
    labeler = load_labeler(model)  # fails fast, before any input is read, on a broken model
    columns = CsvColumns(text=args.text_column, id=args.id_column)
    if args.engine == "ray":
        return _label_with_ray(args, model, columns)  # the engine writes the errors file itself
    errors = open(args.errors, "w", encoding="utf-8") if args.errors else None  # noqa: SIM115

    def report(error: InputError) -> None:
        logger.error("%s", error)
        if errors:
            errors.write(f"{error}\n")
            errors.flush()

    try:
        load = (lambda: labeler) if args.workers <= 1 else partial(open_labeler, model)
        sink = OutputSink(args.output, args.format)
        counts = label_batch(
            iter_inputs(args.inputs, columns), load, sink,
            batch_size=args.batch_size, workers=args.workers, report=report, progress=args.progress,
        )
    finally:
        if errors:
            errors.close()
    logger.info("%s", counts.summary())
    return 0 if counts.done or counts.skipped or not counts.failed else 1


def _label_with_ray(args, model: str, columns) -> int:
    from whosaid.model.ray_engine import label_with_ray

    if not args.output:
        raise UserError("--engine ray writes JSONL shards into a folder: give it with -o FOLDER")
    counts = label_with_ray(
        args.inputs, Path(args.output), model=model, batch_size=args.batch_size, workers=max(args.workers, 1),
        address=args.address, errors=Path(args.errors) if args.errors else None, columns=columns,
    )
    logger.info("%d documents labelled into %s, %d failed", counts["done"], args.output, counts["failed"])
    return 0 if counts["done"] or not counts["failed"] else 1


def _evaluate(args) -> int:
    from whosaid.training.harness import score_system, write_report

    if args.gold.startswith("corpus:"):
        from whosaid.data.corpus import load_split

        gold = load_split(args.gold.split(":", 1)[1])
    else:
        gold = read_documents(args.gold)
    results = []
    if not args.no_rules:
        from whosaid.model.labeler import RulesLabeler
        from whosaid.training.baselines import majority_baseline

        results.append(score_system("majority", gold, majority_baseline(gold)))
        results.append(score_system("rules", gold, RulesLabeler()(gold)))
    for path in args.model:
        results.append(score_system(Path(path).name, gold, load_labeler(path)(gold)))
    for path in args.predictions:
        results.append(score_system(Path(path).stem, gold, read_documents(path)))
    if not results:
        raise UserError("nothing to score: give predicted JSONL files or --model, or drop --no-rules")
    report = write_report(f"Evaluation on {args.gold}", results, args.output)
    for result in results:
        for problem in result.problems[:5]:
            logger.warning("%s: %s", result.name, problem)
    print(report.read_text().split("\n## ")[0])
    logger.info("report written to %s", report)
    return 0


def _train(argv: list[str]) -> int:
    from whosaid.training.train import parse_train_arguments, train

    model_args, data_args, training_args = parse_train_arguments(argv)
    out = train(model_args, data_args, training_args)
    logger.info("model saved to %s", out)
    return 0


def _corpus(args) -> int:
    from whosaid.data import corpus

    documents = corpus.authored_documents()
    if args.action == "split":
        existing = {} if args.reshuffle else corpus.read_splits()
        corpus.write_splits(corpus.make_splits(documents, existing=existing, new_split=args.new_to))
        logger.info("wrote %s for %d documents", corpus.SPLITS_FILE, len(documents))
    elif args.action == "stats":
        print(corpus.stats_markdown())
    else:
        problems = corpus.check()
        for problem in problems:
            logger.error("%s", problem)
        logger.info("%d documents checked, %d problems", len(documents), len(problems))
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
