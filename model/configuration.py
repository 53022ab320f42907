"""The model's configuration: label lists, head settings and the encoder's own config."""

from __future__ import annotations

from typing import Any

from transformers import AutoConfig, PretrainedConfig

from whosaid.data.records import HEDGING_LEVELS, STANCES

MENTION_KINDS = ("name", "pronoun", "description")


class WhosaidConfig(PretrainedConfig):
    """Holds everything a checkpoint needs to rebuild the network (nanoGPT style).

    Args:
        encoder: the wrapped encoder's config as a dict (``AutoConfig.to_dict()``).
        stances / hedging_levels: label lists; hedging is ordered from least to most hedged.
        max_window_tokens: tokens per encoder window, special tokens included (<= 512).
        context_tokens: at most this many tokens of preceding sentences open each window,
            so a pronoun or a continued quotation can point to an earlier name.
        max_sentences / max_candidates: padding sizes of one window's sentence and
            candidate-mention slots.
        max_back / max_ahead: how many sentences before / after its own a sentence's
            speaker mention may stand.
        head_dim: width of the pointer head's scoring layer.
        dropout: dropout before every head.
        loss_weights: per-head loss multipliers.
        rule_features: feed the rule baseline's labels to the heads as input features (a
            stacked model that learns where the rules go wrong).
        label_shift: per field ("stance", "hedging"), offsets added to the logits at
            inference to move the training corpus' class priors to real news'.
        rule_prior_strength: the initial weight of the rules' direct paths to the logits; the
            higher, the more evidence the encoder needs to overrule the rules.
        rule_fallback_below: per field ("speaker", "stance", "hedging"), where the model's top
            probability is below this, the rule baseline's label is output instead.
    """

    model_type = "whosaid"

    def __init__(
        self,
        *,
        encoder: dict[str, Any] | None = None,
        stances: tuple[str, ...] | list[str] = STANCES,
        hedging_levels: tuple[str, ...] | list[str] = HEDGING_LEVELS,
        max_window_tokens: int = 256,
        context_tokens: int = 96,
        max_sentences: int = 24,
        max_candidates: int = 48,
        max_back: int = 3,
        max_ahead: int = 2,
        head_dim: int = 256,
        dropout: float = 0.1,
        loss_weights: dict[str, float] | None = None,
        rule_features: bool = True,
        label_shift: dict[str, list[float]] | None = None,
        rule_prior_strength: float = 2.0,
        rule_fallback_below: dict[str, float] | None = None,
        **kwargs: Any,
    ) -> None:
        self.encoder = encoder or {}
        self.stances = list(stances)
        self.hedging_levels = list(hedging_levels)
        self.max_window_tokens = max_window_tokens
        self.context_tokens = context_tokens
        self.max_sentences = max_sentences
        self.max_candidates = max_candidates
        self.max_back = max_back
        self.max_ahead = max_ahead
        self.head_dim = head_dim
        self.dropout = dropout
        self.rule_features = rule_features
        self.label_shift = label_shift or {}
        self.rule_prior_strength = rule_prior_strength
        self.rule_fallback_below = rule_fallback_below or {}
        self.loss_weights = loss_weights or {"boilerplate": 1.0, "speaker": 1.0, "stance": 1.0, "hedging": 1.0, "cues": 0.5}
        kwargs.setdefault("keys_to_ignore_at_inference", ["cue_logits"])
        super().__init__(**kwargs)

    @property
    def encoder_config(self) -> PretrainedConfig:
        data = dict(self.encoder)
        return AutoConfig.for_model(data.pop("model_type"), **data)

    @property
    def hidden_size(self) -> int:
        return self.encoder_config.hidden_size


AutoConfig.register("whosaid", WhosaidConfig, exist_ok=True)
