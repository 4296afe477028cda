"""
An independent scorer for the tests: a line-by-line port of the chunk counting in conlleval.pl
(CoNLL-2000 shared task), for IOB1 and IOB2 tags. It shares no code with the package, so the
tests can compare `allennlp evaluate` against it.

The input is CoNLL lines whose last two columns are the gold and the predicted tag; an empty line
ends a sentence and counts as an ``O O`` line, as in conlleval.
"""

from collections import Counter
from typing import Dict, Iterable, Tuple


def _split(tag: str) -> Tuple[str, str]:
    if tag == "O":
        return "O", ""
    prefix, _, entity_type = tag.partition("-")
    return prefix, entity_type


def _end_of_chunk(prev_tag: str, tag: str, prev_type: str, entity_type: str) -> bool:
    if prev_tag == "B" and tag in ("B", "O"):
        return True
    if prev_tag == "I" and tag in ("B", "O"):
        return True
    return prev_tag != "O" and prev_type != entity_type


def _start_of_chunk(prev_tag: str, tag: str, prev_type: str, entity_type: str) -> bool:
    if tag == "B":
        return True
    if prev_tag == "O" and tag == "I":
        return True
    return tag != "O" and prev_type != entity_type


def conlleval(lines: Iterable[str]) -> Dict[str, Dict[str, float]]:
    """Precision, recall and F1 (in %) per entity type and ``"overall"``, as conlleval prints."""
    correct_chunks: Counter = Counter()
    gold_chunks: Counter = Counter()
    guessed_chunks: Counter = Counter()
    in_correct = False
    last_gold, last_gold_type, last_guess, last_guess_type = "O", "", "O", ""
    for line in list(lines) + [""]:
        columns = line.split()
        gold, guess = ("O", "O") if not columns else (columns[-2], columns[-1])
        gold_tag, gold_type = _split(gold)
        guess_tag, guess_type = _split(guess)

        gold_ends = _end_of_chunk(last_gold, gold_tag, last_gold_type, gold_type)
        guess_ends = _end_of_chunk(last_guess, guess_tag, last_guess_type, guess_type)
        if in_correct:
            if gold_ends and guess_ends and last_guess_type == last_gold_type:
                in_correct = False
                correct_chunks[last_gold_type] += 1
            elif gold_ends != guess_ends or guess_type != gold_type:
                in_correct = False

        gold_starts = _start_of_chunk(last_gold, gold_tag, last_gold_type, gold_type)
        guess_starts = _start_of_chunk(last_guess, guess_tag, last_guess_type, guess_type)
        if gold_starts and guess_starts and guess_type == gold_type:
            in_correct = True
        if gold_starts:
            gold_chunks[gold_type] += 1
        if guess_starts:
            guessed_chunks[guess_type] += 1
        last_gold, last_gold_type, last_guess, last_guess_type = (
            gold_tag,
            gold_type,
            guess_tag,
            guess_type,
        )

    def scores(correct: int, guessed: int, gold: int) -> Dict[str, float]:
        precision = 100.0 * correct / guessed if guessed else 0.0
        recall = 100.0 * correct / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": precision, "recall": recall, "f1": f1}

    result = {
        entity_type: scores(
            correct_chunks[entity_type], guessed_chunks[entity_type], gold_chunks[entity_type]
        )
        for entity_type in set(gold_chunks) | set(guessed_chunks)
    }
    result["overall"] = scores(
        sum(correct_chunks.values()), sum(guessed_chunks.values()), sum(gold_chunks.values())
    )
    return result
