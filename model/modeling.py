"""One shared encoder with a head per label field.

A batch holds encoder windows. Each window is ``[CLS] context sentences, own sentences
[SEP]``; every sentence of a document is "own" in exactly one window, where its labels are
predicted, and context sentences only supply speaker candidates. Shapes below use
B windows, T tokens, S sentence slots, C candidate slots, H hidden size.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from transformers import AutoModel, PreTrainedModel
from transformers.utils import ModelOutput

from whosaid.model.configuration import MENTION_KINDS, WhosaidConfig

IGNORE = -100


@dataclass
class WhosaidOutput(ModelOutput):
    """Per-sentence logits of every head; ``loss`` only when labels were given.

    boilerplate_logits: (B, S, 2); stance_logits: (B, S, n_stances);
    hedging_logits: (B, S, n_levels), trained with an ordinal-aware loss;
    speaker_logits: (B, S, C + 1), the last column is "no mention" (AUTHOR);
    cue_logits: (B, T) hedge-cue tagger.
    """

    loss: torch.Tensor | None = None
    boilerplate_logits: torch.Tensor | None = None
    stance_logits: torch.Tensor | None = None
    hedging_logits: torch.Tensor | None = None
    speaker_logits: torch.Tensor | None = None
    cue_logits: torch.Tensor | None = None


def span_mean(hidden: torch.Tensor, spans: torch.Tensor) -> torch.Tensor:
    """Mean of token states over [start, end) spans.

    hidden: (B, T, H); spans: (B, N, 2) token offsets, empty spans give zeros -> (B, N, H).
    """
    positions = torch.arange(hidden.size(1), device=hidden.device)
    inside = (positions[None, None, :] >= spans[..., :1]) & (positions[None, None, :] < spans[..., 1:])
    weights = inside.to(hidden.dtype)
    weights = weights / weights.sum(-1, keepdim=True).clamp(min=1.0)
    return weights @ hidden


class WhosaidModel(PreTrainedModel):
    """Encoder + boilerplate, stance, ordinal hedging, speaker-pointer and cue-tagger heads."""

    config_class = WhosaidConfig
    base_model_prefix = "whosaid"

    def __init__(self, config: WhosaidConfig, encoder: nn.Module | None = None) -> None:
        super().__init__(config)
        self.encoder = encoder if encoder is not None else AutoModel.from_config(config.encoder_config)
        hidden, width = config.hidden_size, config.head_dim
        self.dropout = nn.Dropout(config.dropout)
        self.boilerplate_head = nn.Linear(hidden, 2)
        self.stance_head = nn.Linear(hidden, len(config.stances))
        self.hedging_head = nn.Linear(hidden, len(config.hedging_levels))
        self.cue_head = nn.Linear(hidden, 1)
        self.sentence_proj = nn.Linear(hidden, width)
        self.candidate_proj = nn.Linear(hidden, width)
        self.distance_embedding = nn.Embedding(config.max_back + config.max_ahead + 1, width)
        self.kind_embedding = nn.Embedding(len(MENTION_KINDS), width)
        self.rule_boilerplate = nn.Embedding(3, hidden)
        self.rule_stance = nn.Embedding(len(config.stances) + 1, hidden)
        self.rule_hedging = nn.Embedding(len(config.hedging_levels) + 1, hidden)
        self.rule_choice = nn.Embedding(2, width)
        self.pointer_score = nn.Linear(width, 1)
        self.null_score = nn.Linear(hidden, 1)
        # Direct, learnable paths from the rules' labels to each head's logits, initialised so
        # that an untrained model reproduces the rules; training learns where to depart.
        self.rule_boilerplate_logits = nn.Embedding(3, 2)
        self.rule_stance_logits = nn.Embedding(len(config.stances) + 1, len(config.stances))
        self.rule_hedging_logits = nn.Embedding(len(config.hedging_levels) + 1, len(config.hedging_levels))
        self.rule_choice_score = nn.Parameter(torch.tensor(0.0))
        self.rule_author_score = nn.Parameter(torch.tensor(0.0))
        self.post_init()
        self._init_rule_paths()

    def _init_rule_paths(self) -> None:
        strength = self.config.rule_prior_strength
        n_stances, n_levels = len(self.config.stances), len(self.config.hedging_levels)
        with torch.no_grad():
            self.rule_boilerplate_logits.weight.copy_(
                torch.tensor([[0.0, 0.0], [strength, -strength], [-strength, strength]])
            )
            self.rule_stance_logits.weight.copy_(
                torch.cat([torch.zeros(1, n_stances), strength * torch.eye(n_stances)])
            )
            self.rule_hedging_logits.weight.copy_(torch.cat([torch.zeros(1, n_levels), strength * torch.eye(n_levels)]))
            self.rule_choice_score.fill_(strength * 1.5)
            self.rule_author_score.fill_(strength * 1.5)

    @classmethod
    def from_encoder(cls, encoder_path: str, **config_kwargs) -> WhosaidModel:
        """A new model around a pretrained encoder (any local Hugging Face path), heads random."""
        encoder = AutoModel.from_pretrained(encoder_path)
        config = WhosaidConfig(encoder=encoder.config.to_dict(), **config_kwargs)
        model = cls(config, encoder=encoder)
        return model

    def _init_weights(self, module: nn.Module) -> None:
        if module is self.encoder or any(module is m for m in self.encoder.modules()):
            return
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, std=0.02)
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, std=0.02)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        sentence_spans: torch.Tensor,
        sentence_positions: torch.Tensor,
        candidate_spans: torch.Tensor,
        candidate_positions: torch.Tensor,
        candidate_kinds: torch.Tensor,
        rule_sentence: torch.Tensor | None = None,
        rule_candidates: torch.Tensor | None = None,
        boilerplate_labels: torch.Tensor | None = None,
        stance_labels: torch.Tensor | None = None,
        hedging_labels: torch.Tensor | None = None,
        speaker_labels: torch.Tensor | None = None,
        cue_labels: torch.Tensor | None = None,
        **_: object,
    ) -> WhosaidOutput:
        """input_ids, attention_mask: (B, T); sentence_spans: (B, S, 2), (0, 0) for an empty
        slot; sentence_positions: (B, S) sentence order in the window; candidate_spans:
        (B, C, 2); candidate_positions, candidate_kinds: (B, C), position -1 for an empty
        slot. rule_sentence: (B, S, 4) the rule baseline's (boilerplate, stance, hedging,
        is-AUTHOR) as 1-based indices, 0 for none; rule_candidates: (B, C) 1 where the rules chose that
        mention; both optional (zeros). Labels: (B, S) with -100 where unlabelled; speaker_labels index a candidate or
        C for "no mention"; cue_labels: (B, T) 0/1/-100."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        hidden = self.dropout(hidden)
        sentences = span_mean(hidden, sentence_spans)  # (B, S, H)
        candidates = span_mean(hidden, candidate_spans)  # (B, C, H)
        if rule_sentence is None:
            rule_sentence = torch.zeros(*sentence_spans.shape[:2], 4, dtype=torch.long, device=hidden.device)
        if rule_candidates is None:
            rule_candidates = torch.zeros_like(candidate_kinds)
        sentences = (
            sentences
            + self.rule_boilerplate(rule_sentence[..., 0])
            + self.rule_stance(rule_sentence[..., 1])
            + self.rule_hedging(rule_sentence[..., 2])
        )

        boilerplate_logits = self.boilerplate_head(sentences) + self.rule_boilerplate_logits(rule_sentence[..., 0])
        stance_logits = self.stance_head(sentences) + self.rule_stance_logits(rule_sentence[..., 1])
        hedging_logits = self.hedging_head(sentences) + self.rule_hedging_logits(rule_sentence[..., 2])
        cue_logits = self.cue_head(hidden).squeeze(-1)
        speaker_logits = self._point(
            sentences, sentence_positions, candidates, candidate_positions, candidate_kinds, rule_candidates
        )
        speaker_logits[..., -1] = speaker_logits[..., -1] + self.rule_author_score * (rule_sentence[..., 3] == 2)

        loss = None
        if boilerplate_labels is not None:
            loss = self._loss(
                boilerplate_logits,
                stance_logits,
                hedging_logits,
                speaker_logits,
                cue_logits,
                boilerplate_labels,
                stance_labels,
                hedging_labels,
                speaker_labels,
                cue_labels,
            )
        return WhosaidOutput(loss, boilerplate_logits, stance_logits, hedging_logits, speaker_logits, cue_logits)

    def _point(
        self, sentences, sentence_positions, candidates, candidate_positions, candidate_kinds, rule_candidates
    ) -> torch.Tensor:
        """Scores of every candidate mention as each sentence's speaker, plus the null choice -> (B, S, C + 1)."""
        config = self.config
        distance = sentence_positions[:, :, None] - candidate_positions[:, None, :]  # (B, S, C), >0: candidate earlier
        allowed = (
            (candidate_positions[:, None, :] >= 0) & (distance <= config.max_back) & (distance >= -config.max_ahead)
        )
        bucket = (distance + config.max_ahead).clamp(0, config.max_back + config.max_ahead)
        features = (
            self.sentence_proj(sentences)[:, :, None, :]
            + self.candidate_proj(candidates)[:, None, :, :]
            + self.kind_embedding(candidate_kinds.clamp(min=0))[:, None, :, :]
            + self.rule_choice(rule_candidates)[:, None, :, :]
            + self.distance_embedding(bucket)
        )
        scores = (
            self.pointer_score(torch.tanh(features)).squeeze(-1) + self.rule_choice_score * rule_candidates[:, None, :]
        )
        scores = scores.masked_fill(~allowed, torch.finfo(scores.dtype).min)
        return torch.cat([scores, self.null_score(sentences)], dim=-1)

    def _loss(self, boilerplate, stance, hedging, speaker, cues, y_boilerplate, y_stance, y_hedging, y_speaker, y_cues):
        weights = self.config.loss_weights
        total = boilerplate.new_zeros(())
        total = total + weights["boilerplate"] * _masked_ce(boilerplate, y_boilerplate)
        total = total + weights["stance"] * _masked_ce(stance, y_stance)
        total = total + weights["speaker"] * _masked_ce(speaker, y_speaker)
        total = total + weights["hedging"] * _ordinal_loss(hedging, y_hedging)
        if y_cues is not None:
            mask = y_cues != IGNORE
            if mask.any():
                total = total + weights["cues"] * F.binary_cross_entropy_with_logits(cues[mask], y_cues[mask].float())
        return total


def _masked_ce(logits: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
    if labels is None or not (labels != IGNORE).any():
        return logits.new_zeros(())
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), labels.reshape(-1), ignore_index=IGNORE)


def _ordinal_loss(logits: torch.Tensor, labels: torch.Tensor | None, weight: float = 1.0) -> torch.Tensor:
    """Cross-entropy plus the expected distance between predicted and gold level, so that
    "high" for gold "none" costs more than "low" does."""
    if labels is None:
        return logits.new_zeros(())
    mask = labels != IGNORE
    if not mask.any():
        return logits.new_zeros(())
    logits, labels = logits[mask], labels[mask]
    levels = torch.arange(logits.size(-1), device=logits.device, dtype=logits.dtype)
    distance = (levels[None, :] - labels[:, None].to(logits.dtype)).abs() / (logits.size(-1) - 1)
    expected = (logits.softmax(-1) * distance).sum(-1).mean()
    return F.cross_entropy(logits, labels) + weight * expected


def decode_hedging(logits: torch.Tensor) -> torch.Tensor:
    """The most probable level. (..., L) -> (...)."""
    return logits.argmax(-1)


AutoModel.register(WhosaidConfig, WhosaidModel, exist_ok=True)
