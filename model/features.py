"""Documents -> encoder windows: token ids, sentence spans, speaker candidates and labels.

Every sentence is tokenised once and "owned" by one window, where its labels are
predicted. A window opens with up to ``context_tokens`` of the preceding sentences and
closes with up to ``max_ahead`` following ones when they fit, so a pronoun can point back to
a name and a quotation forward to its "X said". One encoder pass covers many sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import torch

from whosaid.data.records import AUTHOR, Sentence
from whosaid.data.segment import Segment
from whosaid.model.configuration import MENTION_KINDS, WhosaidConfig
from whosaid.model.modeling import IGNORE
from whosaid.model.rules import RuleLabeler
from whosaid.model.speakers import SUBJECT_PRONOUNS, Mention, candidate_mentions, trim_mention
from whosaid.training.metrics import speaker_match


@dataclass
class SentenceInput:
    """One sentence to featurise: its text, candidate mentions, the rule baseline's labels
    (input features of the model) and, for training, gold labels."""

    text: str
    mentions: list[Mention]
    gold: Sentence | None = None
    rule: Sentence | None = None


def sentence_inputs(
    segments: list[Segment], rules: RuleLabeler | None, gold: list[Sentence] | None = None
) -> list[SentenceInput]:
    """One document's segments with their candidate mentions and rule labels."""
    mentions = [candidate_mentions(segment.span) for segment in segments]
    rule_labels = rules.label(segments, mentions) if rules is not None else [None] * len(segments)
    gold = gold if gold is not None else [None] * len(segments)
    return [
        SentenceInput(segment.text, found, g, r) for segment, found, g, r in zip(segments, mentions, gold, rule_labels, strict=True)
    ]


@dataclass
class Window:
    """One encoder input. ``own`` are document sentence indices whose labels this window
    predicts; ``candidates`` are (sentence index, mention) pairs in slot order; ``offsets``
    the character offsets of each own sentence's tokens."""

    input_ids: list[int]
    sentence_spans: list[tuple[int, int]]
    sentence_positions: list[int]
    own: list[int]
    candidate_spans: list[tuple[int, int]]
    candidate_positions: list[int]
    candidate_kinds: list[int]
    rule_sentence: list[list[int]] = field(default_factory=list)
    rule_candidates: list[int] = field(default_factory=list)
    candidates: list[tuple[int, Mention]] = field(default_factory=list)
    offsets: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    labels: dict[str, list[int]] | None = None

    def features(self) -> dict[str, list]:
        """Model inputs padded to the config's slot counts (the collator pads tokens)."""
        data = {
            "input_ids": self.input_ids,
            "sentence_spans": self.sentence_spans,
            "sentence_positions": self.sentence_positions,
            "candidate_spans": self.candidate_spans,
            "candidate_positions": self.candidate_positions,
            "candidate_kinds": self.candidate_kinds,
            "rule_sentence": self.rule_sentence,
            "rule_candidates": self.rule_candidates,
        }
        if self.labels:
            data.update(self.labels)
        return data


class Featurizer:
    """Turns documents into :class:`Window` objects for one tokenizer and config."""

    def __init__(self, tokenizer, config: WhosaidConfig) -> None:
        self.tokenizer = tokenizer
        self.config = config
        self.prefix = [tokenizer.cls_token_id if tokenizer.cls_token_id is not None else tokenizer.bos_token_id]
        self.suffix = [tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id]

    def windows(self, sentences: list[SentenceInput], *, with_labels: bool = False) -> list[Window]:
        """All windows of one document, in order."""
        if not sentences:
            return []
        config = self.config
        budget = config.max_window_tokens - len(self.prefix) - len(self.suffix)
        encoded = self.tokenizer(
            [s.text for s in sentences],
            add_special_tokens=False,
            return_offsets_mapping=True,
            truncation=True,
            max_length=budget,
        )
        ids, offsets = encoded["input_ids"], encoded["offset_mapping"]
        windows, start = [], 0
        while start < len(sentences):
            context = self._context(ids, start, config.context_tokens)
            used = sum(len(ids[j]) for j in context)
            own: list[int] = []
            i = start
            while i < len(sentences) and len(own) < config.max_sentences and (not own or used + len(ids[i]) <= budget):
                if used + len(ids[i]) > budget:  # a long first sentence: drop the context
                    context, used = [], 0
                own.append(i)
                used += len(ids[i])
                i += 1
            ahead = []
            for j in range(i, min(i + config.max_ahead, len(sentences))):
                if used + len(ids[j]) > budget:
                    break
                ahead.append(j)
                used += len(ids[j])
            windows.append(self._window(sentences, ids, offsets, context, own, ahead, with_labels))
            start = i
        return windows

    def _context(self, ids: list[list[int]], start: int, tokens: int) -> list[int]:
        context: list[int] = []
        j = start - 1
        while j >= 0 and len(context) < self.config.max_back and len(ids[j]) <= tokens:
            context.insert(0, j)
            tokens -= len(ids[j])
            j -= 1
        return context

    def _window(self, sentences, ids, offsets, context, own, ahead, with_labels) -> Window:
        config = self.config
        input_ids = list(self.prefix)
        token_start: dict[int, int] = {}
        for j in context + own + ahead:
            token_start[j] = len(input_ids)
            input_ids.extend(ids[j])
        input_ids.extend(self.suffix)
        position = {j: p for p, j in enumerate(context + own + ahead)}

        # Candidate slots: own sentences' mentions first, then the nearest context/ahead ones.
        order = own + sorted(context + ahead, key=lambda j: min(abs(j - own[0]), abs(j - own[-1])))
        candidates: list[tuple[int, Mention]] = []
        for j in order:
            for mention in sentences[j].mentions:
                if len(candidates) < config.max_candidates:
                    candidates.append((j, mention))
        if with_labels:  # a gold mention spaCy missed becomes a candidate, so it can be learned
            for k in own:
                mention = _gold_mention(sentences[k])
                if mention is not None and not any(j == k and _same(m, mention) for j, m in candidates):
                    if len(candidates) >= config.max_candidates:
                        candidates.pop()
                    candidates.append((k, mention))

        cand_spans = [_token_span(offsets[j], token_start[j], m.start, m.end) for j, m in candidates]
        window = Window(
            input_ids=input_ids,
            sentence_spans=_pad(
                [(token_start[k], token_start[k] + len(ids[k])) for k in own], config.max_sentences, (0, 0)
            ),
            sentence_positions=_pad([position[k] for k in own], config.max_sentences, 0),
            own=own,
            candidate_spans=_pad(cand_spans, config.max_candidates, (0, 0)),
            candidate_positions=_pad([position[j] for j, _ in candidates], config.max_candidates, -1),
            candidate_kinds=_pad([MENTION_KINDS.index(m.kind) for _, m in candidates], config.max_candidates, 0),
            candidates=candidates,
            offsets={k: offsets[k] for k in own},
        )
        window.rule_sentence, window.rule_candidates = self._rule_features(sentences, own, candidates, position)
        if with_labels:
            window.labels = self._labels(sentences, own, candidates, position, offsets, token_start, len(input_ids))
        return window

    def _rule_features(self, sentences, own, candidates, position) -> tuple[list[list[int]], list[int]]:
        """Per own sentence (boilerplate, stance, hedging, is-AUTHOR) indices of the rule
        baseline's labels, 0 meaning "no rule output", and per candidate slot 1 where the rules
        chose it."""
        config = self.config
        chosen = [0] * config.max_candidates
        rows = []
        for k in own:
            rule = sentences[k].rule
            if rule is None:
                rows.append([0, 0, 0, 0])
                continue
            rows.append(
                [
                    1 + int(bool(rule.boilerplate)),
                    1 + config.stances.index(rule.stance) if rule.stance else 0,
                    1 + config.hedging_levels.index(rule.hedging) if rule.hedging else 0,
                    0 if rule.speaker is None else 1 + int(rule.speaker == AUTHOR),
                ]
            )
            if rule.speaker not in (None, AUTHOR):
                slot = _speaker_target(k, rule, candidates, position, config)
                if 0 <= slot < config.max_candidates:
                    chosen[slot] = 1
        return _pad(rows, config.max_sentences, [0, 0, 0, 0]), chosen

    def _labels(self, sentences, own, candidates, position, offsets, token_start, length) -> dict[str, list[int]]:
        config = self.config
        labels = {name: [] for name in ("boilerplate_labels", "stance_labels", "hedging_labels", "speaker_labels")}
        cue_labels = [IGNORE] * length
        for k in own:
            gold = sentences[k].gold or Sentence(sentences[k].text)
            prose = gold.boilerplate is False
            labels["boilerplate_labels"].append(IGNORE if gold.boilerplate is None else int(gold.boilerplate))
            labels["stance_labels"].append(config.stances.index(gold.stance) if prose and gold.stance else IGNORE)
            labels["hedging_labels"].append(
                config.hedging_levels.index(gold.hedging) if prose and gold.hedging else IGNORE
            )
            labels["speaker_labels"].append(_speaker_target(k, gold, candidates, position, config) if prose else IGNORE)
            if (prose and gold.hedge_cues is not None and gold.hedging is not None) or gold.boilerplate:
                cue_chars = _cue_chars(sentences[k].text, [] if gold.boilerplate else gold.hedge_cues)
                for t, (a, b) in enumerate(offsets[k]):
                    cue_labels[token_start[k] + t] = int(any(a < e and b > s for s, e in cue_chars))
        for name in labels:
            labels[name] = _pad(labels[name], config.max_sentences, IGNORE)
        labels["cue_labels"] = cue_labels
        return labels


def _pad(values: list, size: int, fill) -> list:
    return (values + [fill] * size)[:size]


def _token_span(offsets: list[tuple[int, int]], first: int, start: int, end: int) -> tuple[int, int]:
    """Token offsets in the window of the characters [start, end) of a sentence."""
    inside = [t for t, (a, b) in enumerate(offsets) if a < end and b > start]
    if not inside:
        return (0, 0)
    return (first + inside[0], first + inside[-1] + 1)


def _same(a: Mention, b: Mention) -> bool:
    return a.start == b.start and a.end == b.end


def _gold_mention(sentence: SentenceInput) -> Mention | None:
    gold = sentence.gold
    if gold is None or not gold.speaker_mention or gold.speaker in (None, AUTHOR):
        return None
    start = sentence.text.find(gold.speaker_mention)
    if start < 0:
        return None
    text = gold.speaker_mention
    kind = "pronoun" if text.lower() in SUBJECT_PRONOUNS else "name" if text[:1].isupper() else "description"
    return Mention(start, start + len(text), text, kind)


def _speaker_target(k: int, gold: Sentence, candidates, position, config: WhosaidConfig) -> int:
    """The candidate slot a sentence's speaker should point to; C for AUTHOR; -100 if not found."""
    if gold.speaker is None:
        return IGNORE
    if gold.speaker == AUTHOR:
        return config.max_candidates
    if gold.speaker_mention:
        for slot, (j, mention) in enumerate(candidates):
            if j == k and mention.text == gold.speaker_mention:
                return slot
        for slot, (j, mention) in enumerate(candidates):
            if j == k and (gold.speaker_mention in mention.text or mention.text in gold.speaker_mention):
                return slot
        return IGNORE
    # A continued quotation: the nearest mention that names this speaker, earlier first.
    nearby = [
        (abs(position[j] - position[k]) + (0.5 if j > k else 0), slot)
        for slot, (j, mention) in enumerate(candidates)
        if -config.max_ahead <= position[k] - position[j] <= config.max_back
        and speaker_match(trim_mention(mention.text), gold.speaker, lenient=True)
    ]
    return min(nearby)[1] if nearby else IGNORE


def _cue_chars(text: str, cues: list[str] | None) -> list[tuple[int, int]]:
    """Character spans of every occurrence of each cue, matched case-insensitively on word bounds."""
    spans = []
    for cue in cues or []:
        for match in re.finditer(rf"(?<!\w){re.escape(cue)}(?!\w)", text, flags=re.I):
            spans.append(match.span())
    return spans


class WindowCollator:
    """Pads token-level fields to the longest window of the batch; slot fields are fixed size."""

    def __init__(self, pad_token_id: int) -> None:
        self.token_fields = {"input_ids": pad_token_id, "cue_labels": IGNORE}

    def __call__(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        length = max(len(row["input_ids"]) for row in rows)
        batch: dict[str, torch.Tensor] = {}
        for name in rows[0]:
            if name in self.token_fields:
                fill = self.token_fields[name]
                batch[name] = torch.tensor([row[name] + [fill] * (length - len(row[name])) for row in rows])
            else:
                batch[name] = torch.tensor([row[name] for row in rows])
        batch["attention_mask"] = torch.tensor(
            [[1] * len(r["input_ids"]) + [0] * (length - len(r["input_ids"])) for r in rows]
        )
        return batch
