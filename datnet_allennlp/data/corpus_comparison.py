"""
Compares two copies of one CoNLL corpus (for example the official WNUT files and the copy a paper's
authors preprocessed): which sentences and tokens one copy dropped, added or rewrote, and whether
the edits touch entities. `allennlp datnet-data compare` prints it.
"""

import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import List, Sequence, Tuple

from datnet_allennlp.data.conll_reader import ConllSentence
from datnet_allennlp.data.tagging_schemes import iob_to_spans

# Two sentences are one sentence edited when this share of their tokens is in common.
SAME_SENTENCE_RATIO = 0.5


@dataclass
class CorpusComparison:
    """What changed from the `first` copy to the `second`."""

    sentences: Tuple[int, int] = (0, 0)
    tokens: Tuple[int, int] = (0, 0)
    entities: Tuple[int, int] = (0, 0)
    paired_sentences: int = 0
    # Paired sentences whose tokens or tags differ.
    edited_sentences: int = 0
    dropped_sentences: List[ConllSentence] = field(default_factory=list)
    added_sentences: List[ConllSentence] = field(default_factory=list)
    # One token edit: (first's tokens, second's tokens, whether either side carries an entity tag).
    edits: Counter = field(default_factory=Counter)
    # Entities of paired sentences, as (type, words): in both, only in the first, only in the second.
    entities_in_both: int = 0
    entities_only_first: Counter = field(default_factory=Counter)
    entities_only_second: Counter = field(default_factory=Counter)

    def report(self, first_name: str, second_name: str, examples: int = 20) -> str:
        deleted = sum(count for (old, new, _), count in self.edits.items() if not new)
        inserted = sum(count for (old, new, _), count in self.edits.items() if not old)
        replaced = sum(self.edits.values()) - deleted - inserted
        on_entities = sum(count for (_, _, entity), count in self.edits.items() if entity)
        lines = [
            f"first:  {first_name}: {self.sentences[0]:,} sentences, {self.tokens[0]:,} tokens, "
            f"{self.entities[0]:,} entities",
            f"second: {second_name}: {self.sentences[1]:,} sentences, {self.tokens[1]:,} tokens, "
            f"{self.entities[1]:,} entities",
            f"sentences: {self.paired_sentences:,} paired ({self.edited_sentences:,} of them edited), "
            f"{len(self.dropped_sentences):,} only in the first, {len(self.added_sentences):,} only "
            f"in the second",
            f"token edits in paired sentences: {deleted:,} deletions, {inserted:,} insertions, "
            f"{replaced:,} replacements; {on_entities:,} of them touch entity tokens",
            f"entities of paired sentences: {self.entities_in_both:,} the same in both, "
            f"{sum(self.entities_only_first.values()):,} only in the first, "
            f"{sum(self.entities_only_second.values()):,} only in the second",
        ]
        if self.edits:
            lines.append(f"most frequent token edits (of {len(self.edits):,} kinds):")
            for (old, new, entity), count in self.edits.most_common(examples):
                where = "entity" if entity else "O"
                lines.append(f"  {count:6,}  {' '.join(old) or '(none)'!r} -> {' '.join(new) or '(none)'!r}  ({where})")
        for name, changed in (("first", self.entities_only_first), ("second", self.entities_only_second)):
            if changed:
                lines.append(f"entities only in the {name} (up to {examples}):")
                lines.extend(
                    f"  {count:6,}  {entity_type}: {' '.join(words)}"
                    for (entity_type, words), count in changed.most_common(examples)
                )
        for name, sentences in (("first", self.dropped_sentences), ("second", self.added_sentences)):
            if sentences:
                lines.append(f"sentences only in the {name} (up to {examples}):")
                lines.extend(f"  line {s.line_number}: {' '.join(s.tokens)}" for s in sentences[:examples])
        return "\n".join(lines)


def compare_corpora(first: Sequence[ConllSentence], second: Sequence[ConllSentence]) -> CorpusComparison:
    """Pairs the sentences of two copies in order, then diffs each pair's tokens and entities."""
    comparison = CorpusComparison(
        sentences=(len(first), len(second)),
        tokens=(sum(len(s.tokens) for s in first), sum(len(s.tokens) for s in second)),
        entities=(sum(len(iob_to_spans(s.tags)) for s in first), sum(len(iob_to_spans(s.tags)) for s in second)),
    )
    for old, new in _pair_sentences(first, second, comparison):
        comparison.paired_sentences += 1
        if (old.tokens, old.tags) != (new.tokens, new.tags):
            comparison.edited_sentences += 1
        _compare_tokens(old, new, comparison)
        old_entities = _entities(old)
        new_entities = _entities(new)
        both = old_entities & new_entities
        comparison.entities_in_both += sum(both.values())
        comparison.entities_only_first.update(old_entities - both)
        comparison.entities_only_second.update(new_entities - both)
    return comparison


def _pair_sentences(
    first: Sequence[ConllSentence], second: Sequence[ConllSentence], comparison: CorpusComparison
) -> List[Tuple[ConllSentence, ConllSentence]]:
    # Identical sentences anchor the alignment; between anchors, sentences pair in order while
    # they share enough tokens (an edited sentence), and the others were dropped or added.
    matcher = difflib.SequenceMatcher(
        None, [tuple(s.tokens) for s in first], [tuple(s.tokens) for s in second], autojunk=False
    )
    pairs: List[Tuple[ConllSentence, ConllSentence]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(first[i1:i2], second[j1:j2]))
            continue
        i, j = i1, j1
        while i < i2 and j < j2:
            if _similarity(first[i], second[j]) >= SAME_SENTENCE_RATIO:
                pairs.append((first[i], second[j]))
                i, j = i + 1, j + 1
            elif j + 1 < j2 and _similarity(first[i], second[j + 1]) >= SAME_SENTENCE_RATIO:
                comparison.added_sentences.append(second[j])
                j += 1
            else:
                comparison.dropped_sentences.append(first[i])
                i += 1
        comparison.dropped_sentences.extend(first[i:i2])
        comparison.added_sentences.extend(second[j:j2])
    return pairs


def _similarity(old: ConllSentence, new: ConllSentence) -> float:
    return difflib.SequenceMatcher(None, old.tokens, new.tokens, autojunk=False).ratio()


def _compare_tokens(old: ConllSentence, new: ConllSentence, comparison: CorpusComparison) -> None:
    old_words = [(token, tag) for token, tag in zip(old.tokens, old.tags)]
    new_words = [(token, tag) for token, tag in zip(new.tokens, new.tags)]
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        touches_entity = any(t != "O" for t in old.tags[i1:i2] + new.tags[j1:j2])
        comparison.edits[(tuple(old.tokens[i1:i2]), tuple(new.tokens[j1:j2]), touches_entity)] += 1


def _entities(sentence: ConllSentence) -> Counter:
    return Counter(
        (entity_type, tuple(sentence.tokens[start : end + 1]))
        for entity_type, start, end in iob_to_spans(sentence.tags)
    )
