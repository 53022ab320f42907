"""``Labeler``: text in, labelled sentences out, batch-first.

    labeler = Labeler.from_pretrained()            # the cached default model
    documents = labeler(["article one ...", {"doc_id": "x", "text": "..."}], batch_size=16)

Each document is segmented with spaCy (or keeps its given sentences), encoded once in
windows, and decoded into records of the JSONL format: boilerplate, speaker (resolved to
the document's name for it) with its mention, stance, hedging and the hedge cues.
"""

from __future__ import annotations

import logging
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import torch
from transformers import AutoTokenizer

from whosaid.data.records import AUTHOR, Document, RecordError, Sentence
from whosaid.data.segment import Segment, TextPipeline
from whosaid.model.configuration import WhosaidConfig
from whosaid.model.documents import DocumentInput, as_input
from whosaid.model.features import Featurizer, SentenceInput, Window, WindowCollator, sentence_inputs
from whosaid.model.modeling import WhosaidModel, decode_hedging
from whosaid.model.onnx_backend import OnnxWhosaidModel, onnx_file
from whosaid.model.rules import RuleLabeler
from whosaid.model.speakers import SpeakerResolver

logger = logging.getLogger(__name__)
MODEL_ENV = "WHOSAID_MODEL"
BUCKET_TOKENS = 16  # windows whose lengths differ by less than this share a batch


def default_model_dir() -> Path:
    """Where the default model is cached: ``$WHOSAID_MODEL``, else ``~/.cache/whosaid/default``."""
    return Path(os.environ.get(MODEL_ENV) or Path.home() / ".cache" / "whosaid" / "default")


class ModelLoadError(RuntimeError):
    """A model folder that is missing or unreadable; the message says how to fix it."""


def check_model_dir(path: Path) -> None:
    """Raise :class:`ModelLoadError` unless ``path`` holds a whosaid checkpoint (PyTorch or ONNX)."""
    if not path.is_dir():
        raise ModelLoadError(f"{path}: no model folder; train one with `whosaid train -o {path}` or pass --model PATH")
    weights = [] if onnx_file(path) else ["model.safetensors"]
    missing = [name for name in ("config.json", *weights, "tokenizer_config.json") if not (path / name).exists()]
    if missing:
        raise ModelLoadError(
            f"{path}: not a whosaid model (missing {', '.join(missing)}); retrain with `whosaid train -o {path}`"
            " or export one with `whosaid export --onnx -o DIR`"
        )


def segment_input(pipeline: TextPipeline, doc: DocumentInput) -> list[Segment]:
    """A document's segments: its own sentences when given, else spaCy's split of its text."""
    if doc.sentences is not None:
        return pipeline.parse(doc.sentences)
    if not doc.text or not doc.text.strip():
        raise RecordError(f"document {doc.doc_id}: empty text")
    return pipeline.split(doc.text)


class RulesLabeler:
    """The rule baseline behind the same batch interface as :class:`Labeler`."""

    def __init__(self, pipeline: TextPipeline | None = None) -> None:
        self.pipeline = pipeline or TextPipeline()
        self.rules = RuleLabeler()

    def __call__(self, documents: Iterable, batch_size: int = 16) -> list[Document]:
        out = []
        for i, item in enumerate(documents):
            doc = as_input(item, i)
            sentences = self.rules.label(segment_input(self.pipeline, doc))
            out.append(Document(doc.doc_id, sentences, source=doc.source, title=doc.title, meta=doc.meta or {}))
        return out


class Labeler:
    """A trained model (:class:`WhosaidModel`, or its ONNX export) with its tokenizer and text pipeline."""

    def __init__(self, model: WhosaidModel | OnnxWhosaidModel, tokenizer, pipeline: TextPipeline | None = None) -> None:
        self.model = model.eval() if isinstance(model, WhosaidModel) else model
        self.tokenizer = tokenizer
        self.pipeline = pipeline or TextPipeline()
        self.featurizer = Featurizer(tokenizer, model.config)
        self.rules = RuleLabeler() if model.config.rule_features else None

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, pipeline: TextPipeline | None = None) -> Labeler:
        """Load a checkpoint folder (default: :func:`default_model_dir`). A folder with
        ``model.safetensors`` runs on PyTorch; one with only an exported ``.onnx`` model runs on
        ONNX Runtime (see ``whosaid export``)."""
        path = Path(path) if path else default_model_dir()
        check_model_dir(path)
        try:
            if (path / "model.safetensors").exists():
                model = WhosaidModel.from_pretrained(str(path))
            else:
                model = OnnxWhosaidModel(onnx_file(path), WhosaidConfig.from_pretrained(str(path)))
            tokenizer = AutoTokenizer.from_pretrained(str(path))
        except Exception as error:  # a corrupt file surfaces as many exception types
            raise ModelLoadError(
                f"{path}: cannot load the model ({type(error).__name__}: {error}); retrain or re-export it, or point --model elsewhere"
            ) from None
        return cls(model, tokenizer, pipeline)

    def __call__(self, documents: Iterable, batch_size: int = 16) -> list[Document]:
        """Label many documents. Windows are bucketed by length; a full bucket is encoded in a
        second thread while the next documents are parsed, so spaCy and the model share the CPU
        cores and padding stays low. The windows left in buckets at the end go sorted by length."""
        inputs = [as_input(item, i) for i, item in enumerate(documents)]
        prepared: list[tuple[DocumentInput, list[SentenceInput], list[Window]]] = []
        buckets: dict[int, list[Window]] = defaultdict(list)
        batches: list[tuple[list[Window], Future]] = []
        with ThreadPoolExecutor(max_workers=1) as encoder:
            for doc in inputs:
                sentences = sentence_inputs(segment_input(self.pipeline, doc), self.rules)
                windows = self.featurizer.windows(sentences)
                prepared.append((doc, sentences, windows))
                for window in windows:
                    bucket = buckets[len(window.input_ids) // BUCKET_TOKENS]
                    bucket.append(window)
                    if len(bucket) == batch_size:
                        batches.append((bucket, encoder.submit(self._run, bucket)))
                        buckets[len(window.input_ids) // BUCKET_TOKENS] = []
            rest = sorted((w for bucket in buckets.values() for w in bucket), key=lambda w: len(w.input_ids))
            for begin in range(0, len(rest), batch_size):
                chunk = rest[begin : begin + batch_size]
                batches.append((chunk, encoder.submit(self._run, chunk)))
        outputs = {id(w): out for chunk, future in batches for w, out in zip(chunk, future.result(), strict=True)}
        return [self._decode(doc, sents, windows, [outputs[id(w)] for w in windows]) for doc, sents, windows in prepared]

    def label_text(self, text: str, doc_id: str = "doc") -> Document:
        """Label one article's raw text."""
        return self([DocumentInput(doc_id, text=text)])[0]

    @torch.inference_mode()
    def _run(self, windows: list[Window]) -> list[dict[str, torch.Tensor]]:
        """Model outputs for one batch of windows."""
        out = self.model(**WindowCollator(self.tokenizer.pad_token_id)([w.features() for w in windows]))
        return [
            {
                "boilerplate": out.boilerplate_logits[row],
                "stance": out.stance_logits[row],
                "hedging": out.hedging_logits[row],
                "speaker": out.speaker_logits[row],
                "cues": torch.sigmoid(out.cue_logits[row]),
            }
            for row in range(len(windows))
        ]

    def _decode(
        self, doc: DocumentInput, sentences: Sequence[SentenceInput], windows: list[Window], outputs
    ) -> Document:
        config = self.model.config
        shift = {field: torch.tensor(config.label_shift.get(field, 0.0)) for field in ("stance", "hedging")}
        gate = config.rule_fallback_below
        resolver = SpeakerResolver()
        for index, sentence in enumerate(sentences):
            resolver.observe(index, sentence.mentions)
        records: list[Sentence | None] = [None] * len(sentences)
        for window, out in zip(windows, outputs):
            for slot, k in enumerate(window.own):
                text, rule = sentences[k].text, sentences[k].rule
                if int(out["boilerplate"][slot].argmax()) == 1:
                    records[k] = Sentence(text, True, None, None, None, None, [])
                    continue
                speaker, mention = AUTHOR, None
                pointer = out["speaker"][slot].softmax(-1)
                choice = int(pointer.argmax())
                if choice < len(window.candidates):
                    j, candidate = window.candidates[choice]
                    speaker = resolver.resolve(candidate, j)
                    mention = candidate.text if j == k else None
                if _unsure(pointer, gate.get("speaker"), rule) and rule.speaker is not None:
                    speaker, mention = rule.speaker, rule.speaker_mention
                stance_probs = (out["stance"][slot] + shift["stance"]).softmax(-1)
                stance = config.stances[int(stance_probs.argmax())]
                if _unsure(stance_probs, gate.get("stance"), rule) and rule.stance is not None:
                    stance = rule.stance
                hedging_logits = out["hedging"][slot] + shift["hedging"]
                hedging = config.hedging_levels[int(decode_hedging(hedging_logits))]
                if _unsure(hedging_logits.softmax(-1), gate.get("hedging"), rule) and rule.hedging is not None:
                    hedging = rule.hedging
                cues = _cue_words(text, window, k, out["cues"]) if hedging != "none" else []
                records[k] = Sentence(text, False, speaker, mention, stance, hedging, cues)
        return Document(
            doc.doc_id, [r for r in records if r is not None], source=doc.source, title=doc.title, meta=doc.meta or {}
        )


def _unsure(probabilities: torch.Tensor, threshold: float | None, rule: Sentence | None) -> bool:
    """Whether to fall back to the rule baseline: the model's top probability is under the threshold."""
    return bool(threshold) and rule is not None and not rule.boilerplate and float(probabilities.max()) < threshold


def _cue_words(text: str, window: Window, k: int, probabilities: torch.Tensor, threshold: float = 0.5) -> list[str]:
    """The words whose tokens the cue tagger marks, merged into phrases where adjacent."""
    start = window.sentence_spans[window.own.index(k)][0]
    offsets = window.offsets[k]
    marked = [(a, b) for t, (a, b) in enumerate(offsets) if float(probabilities[start + t]) > threshold]
    spans: list[list[int]] = []
    for a, b in marked:
        if spans and re.fullmatch(r"\s*", text[spans[-1][1] : a]):
            spans[-1][1] = b
        else:
            spans.append([a, b])
    words = []
    for a, b in spans:
        while a > 0 and text[a - 1].isalnum():
            a -= 1
        while b < len(text) and text[b].isalnum():
            b += 1
        words.append(text[a:b])
    return words
