"""
Span decoding and encoding for IOB-style NER tags.

The corpora we read use two schemes: IOB1 (CoNLL-2003, where an entity starts with ``I-X`` and
``B-X`` only separates two adjacent entities of the same type) and IOB2/BIO (everything else).
conlleval reads both the same way: a chunk starts at ``B-X``, or at an ``I-X`` that does not
continue a chunk of type X. We decode with exactly that rule, so a file's entities are the ones
conlleval would count (including the rare ``I-X`` after ``O`` in the official CoNLL-2002 Spanish
files), and then re-encode the spans in the scheme the model is trained on.
"""

import re
from typing import List, Optional, Sequence, Tuple

# (entity type, first token index, last token index), both indices inclusive.
Span = Tuple[str, int, int]

CODING_SCHEMES = ("BIO", "BIOUL")

_IOB_TAG = re.compile(r"^([BI])-(\S+)$")


def check_iob_tag(tag: str, entity_types: Optional[Sequence[str]] = None) -> Optional[str]:
    """
    Returns an error message if `tag` is not ``O``, ``B-X`` or ``I-X`` (with X in `entity_types`
    when that is given), else `None`.
    """
    if tag == "O":
        return None
    match = _IOB_TAG.match(tag)
    if match is None:
        return f"invalid tag {tag!r}: expected 'O' or 'B-'/'I-' followed by an entity type, e.g. 'B-PER'"
    if entity_types is not None and match.group(2) not in entity_types:
        return f"unknown entity type in tag {tag!r}: expected one of {sorted(entity_types)}"
    return None


def iob_to_spans(tags: Sequence[str]) -> List[Span]:
    """
    Decodes IOB1 or IOB2 tags into entity spans with conlleval's chunk rule. The tags must already
    have passed `check_iob_tag`.
    """
    spans: List[Span] = []
    current_type: Optional[str] = None
    start = 0
    for index, tag in enumerate(tags):
        prefix, _, entity_type = tag.partition("-")
        continues = prefix == "I" and entity_type == current_type
        if current_type is not None and not continues:
            spans.append((current_type, start, index - 1))
            current_type = None
        if prefix in ("B", "I") and not continues:
            current_type, start = entity_type, index
    if current_type is not None:
        spans.append((current_type, start, len(tags) - 1))
    return spans


def spans_to_tags(spans: Sequence[Span], length: int, coding_scheme: str = "BIOUL") -> List[str]:
    """
    Encodes non-overlapping spans as a tag sequence of `length` tokens in `coding_scheme`
    (``"BIO"`` or ``"BIOUL"``).
    """
    if coding_scheme not in CODING_SCHEMES:
        raise ValueError(
            f"unknown coding scheme {coding_scheme!r}; expected one of {CODING_SCHEMES}"
        )
    tags = ["O"] * length
    for entity_type, start, end in spans:
        if coding_scheme == "BIOUL" and start == end:
            tags[start] = f"U-{entity_type}"
            continue
        tags[start] = f"B-{entity_type}"
        for index in range(start + 1, end + 1):
            tags[index] = f"I-{entity_type}"
        if coding_scheme == "BIOUL":
            tags[end] = f"L-{entity_type}"
    return tags
