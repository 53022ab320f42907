"""Scale benchmark of ``whosaid compare`` (issue #10): time and peak memory per batch size.

    python benchmarks/crossdoc_scale.py [--sizes 10000 20000 50000 100000] [-o outputs/crossdoc_scale]

Synthetic batches are made by recombining labelled corpus documents: each new document takes runs of
sentences from two or three corpus documents of one topic, with their gold labels, a new doc_id and a
date, at a constant rate of documents per day (``--days-per-10k``). Every size runs in its own subprocess, so its peak memory is its own.

Embeddings and entities are computed once per distinct sentence of the corpus, timed here per 10k
sentences, and served from that cache in the scale runs; a real batch of new text pays the encoder and
spaCy for each distinct sentence on top (the rate measured here), and holds 384 float32 per distinct
sentence. The scale runs time speaker canonicalisation and the alignment itself (blocking, sentence
pairs inside blocks, grouping, differences).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from whosaid.data.corpus import authored_documents
from whosaid.data.records import Document

logger = logging.getLogger("crossdoc_scale")


def synthetic_documents(n: int, days_per_10k: float, seed: int = 0) -> list[Document]:
    """``n`` documents recombined from corpus documents of one topic each (texts and labels reused), dated
    over ``days_per_10k`` days per 10k documents (a constant rate keeps the blocks' size constant)."""
    rng = random.Random(seed)
    by_topic = defaultdict(list)
    for doc in authored_documents():
        by_topic[doc.meta.get("topic", "unknown")].append(doc)
    topics = sorted(by_topic)
    start = date(2025, 1, 1)
    out = []
    for i in range(n):
        sources = rng.sample(by_topic[topics[i % len(topics)]], rng.choice((2, 3)))
        sentences = []
        for source in sources:
            run = rng.randint(4, 8)
            first = rng.randint(0, max(0, len(source.sentences) - run))
            sentences.extend(source.sentences[first : first + run])
        day = start + timedelta(days=rng.randrange(max(1, round(days_per_10k * n / 10_000))))
        out.append(Document(f"syn-{i:06d}", [replace(s, speaker_id=None) for s in sentences], source="synthetic",
                            title=sentences[0].text, meta={"date": day.isoformat()}))  # fmt: skip
    return out


def build_cache(cache: Path) -> dict:
    """Embed and tag every distinct corpus sentence once (kept in ``cache`` and reused by later runs);
    return the timings per 10k sentences."""
    from whosaid.model.alignment import SentenceEncoder, spacy_tagger

    if (cache / "features.json").exists():
        logger.info("reusing the features cached in %s", cache)
        return json.loads((cache / "features.json").read_text())

    texts = sorted({s.text for doc in authored_documents() for s in doc.sentences})
    encoder, tagger = SentenceEncoder(), spacy_tagger()
    began = time.perf_counter()
    vectors = encoder(texts)
    embed_s = time.perf_counter() - began
    began = time.perf_counter()
    entities = tagger(texts)
    tag_s = time.perf_counter() - began
    np.save(cache / "embeddings.npy", vectors)
    (cache / "texts.json").write_text(json.dumps({"texts": texts, "entities": entities}))
    per_10k = 10_000 / len(texts)
    stats = {"sentences": len(texts), "embed_s_per_10k": embed_s * per_10k, "ner_s_per_10k": tag_s * per_10k}
    (cache / "features.json").write_text(json.dumps(stats))
    return stats


def run_size(n: int, days_per_10k: float, cache: Path) -> dict:
    """One batch size: generate, then time canonicalisation and alignment with cached features, and
    (separately, after the peak memory is read) count the candidate document pairs."""
    from whosaid.model.alignment import AlignmentSettings, SentenceFeatures, align, candidate_pairs
    from whosaid.model.canonical import canonicalise

    stored = json.loads((cache / "texts.json").read_text())
    row = {text: i for i, text in enumerate(stored["texts"])}
    vectors = np.load(cache / "embeddings.npy")
    entities = stored["entities"]
    documents = synthetic_documents(n, days_per_10k)
    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    began = time.perf_counter()
    canonicalise(documents)
    canonical_s = time.perf_counter() - began
    began = time.perf_counter()
    embed, tag = lambda texts: vectors[[row[t] for t in texts]], lambda texts: [entities[row[t]] for t in texts]
    groups = align(documents, embed, tag)
    align_s = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    features = SentenceFeatures([s.text for d in documents for s in d.sentences if s.boilerplate is not True], embed, tag)
    rows = [np.array([features.row[s.text] for s in d.sentences if s.boilerplate is not True]) for d in documents]
    return {
        "days": max(1, round(days_per_10k * n / 10_000)),
        "document_pairs": len(candidate_pairs(documents, rows, features, AlignmentSettings())),
        "documents": n,
        "sentences": sum(len(d.sentences) for d in documents),
        "canonicalise_s": canonical_s,
        "align_s": align_s,
        "groups": len(groups),
        "baseline_mb": baseline_mb,
        "peak_mb": peak_mb,
    }


def markdown(cache_stats: dict, runs: list[dict]) -> str:
    lines = [
        "| documents | days | sentences | candidate doc pairs | canonicalise s | align s | total s per 10k docs | peak RSS MB | RSS over inputs MB | claim groups |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        total = r["canonicalise_s"] + r["align_s"]
        lines.append(f"| {r['documents']:,} | {r['days']} | {r['sentences']:,} | {r['document_pairs']:,} | {r['canonicalise_s']:.1f} | {r['align_s']:.1f} | "
                     f"{total * 10_000 / r['documents']:.1f} | {r['peak_mb']:.0f} | {r['peak_mb'] - r['baseline_mb']:.0f} | "
                     f"{r['groups']:,} |")  # fmt: skip
    lines.append("")
    lines.append(f"Features per 10k distinct sentences ({cache_stats['sentences']:,} corpus sentences timed): "
                 f"embedding {cache_stats['embed_s_per_10k']:.0f} s (all-MiniLM-L6-v2), "
                 f"NER {cache_stats['ner_s_per_10k']:.0f} s (spaCy en_core_web_sm).")  # fmt: skip
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 50_000, 100_000])
    parser.add_argument("-o", "--output", default="outputs/crossdoc_scale")
    parser.add_argument("--days-per-10k", type=float, default=36.5, help="date span per 10k documents")
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)  # one size, in a subprocess
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    out = Path(args.output)
    if args.run:
        print(json.dumps(run_size(args.run, args.days_per_10k, out)))
        return 0
    out.mkdir(parents=True, exist_ok=True)
    cache_stats = build_cache(out)
    logger.info("features: %s", cache_stats)
    runs = []
    for n in args.sizes:
        done = subprocess.run([sys.executable, __file__, "--run", str(n), "-o", str(out), "--days-per-10k", str(args.days_per_10k)],
                              check=True, capture_output=True, text=True)  # fmt: skip
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        logger.info("%s", runs[-1])
    table = markdown(cache_stats, runs)
    (out / "results.json").write_text(json.dumps({"features": cache_stats, "runs": runs}, indent=1))
    (out / "results.md").write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
