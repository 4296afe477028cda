"""
`allennlp datnet-data check PATH...`: reads CoNLL files as the `datnet_conll` reader does and
prints, for each, its counts, entities per type, tag scheme, word-vector coverage and every
problem with its file and line. Exits with status 1 if any file has a problem.

`allennlp datnet-data compare FIRST SECOND`: what one copy of a corpus changed in the other
(sentences and tokens dropped, added or rewritten, and the entities those edits touch).
"""

import argparse
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Set, Tuple

from allennlp.commands.subcommand import Subcommand

from datnet_allennlp.data.conll_reader import DOCSTART, HASHTAG_MARK

DEFAULT_VECTORS = os.path.join("$DATNET_DATA_DIR", "embeddings", "glove.6B.50d.ner-vocab.txt")


@Subcommand.register("datnet-data")
class DatnetData(Subcommand):
    requires_plugins = False

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        subparser = parser.add_parser(
            self.name,
            description="Check CoNLL files for DATNet before training on them.",
            help="Check CoNLL files for DATNet: counts, tag scheme, vector coverage, problems.",
        )
        actions = subparser.add_subparsers(title="actions", metavar="")
        check = actions.add_parser(
            "check",
            description=(
                "Read each file with the datnet_conll reader and print its sentences, tokens, "
                "entities per type (counted as conlleval does), tag scheme, how many words the "
                "word vectors cover (words are looked up lowercased, as the configs do) and every "
                "problem with its file and line. Exits with status 1 if any file has a problem."
            ),
            help="check CoNLL files",
        )
        check.add_argument("paths", nargs="+", metavar="PATH", help="CoNLL files")
        check.add_argument(
            "--vectors",
            default=DEFAULT_VECTORS,
            help="word vectors (GloVe text format) to measure coverage with, or 'none' "
            f"(default: {DEFAULT_VECTORS})",
        )
        check.add_argument("--entity-types", help="comma-separated entity types; any other is a problem")
        check.add_argument("--encoding", default="utf-8", help="the files' encoding (default: utf-8)")
        check.set_defaults(func=check_files)
        compare = actions.add_parser(
            "compare",
            description=(
                "Compare two copies of one CoNLL file, e.g. the official WNUT files and a paper's "
                "preprocessed copy: sentences are paired in order, then each pair's tokens and "
                "entities are compared. Prints the counts of each copy, the sentences only one has, "
                "the most frequent token edits (and whether they touch entity tokens) and the "
                "entities only one copy has. Exits with status 1 if a file has a problem."
            ),
            help="compare two copies of a CoNLL file",
        )
        compare.add_argument("first", metavar="FIRST", help="a CoNLL file (e.g. the official copy)")
        compare.add_argument("second", metavar="SECOND", help="another copy of it")
        compare.add_argument("--examples", type=int, default=20, help="how many of each kind to list (default: 20)")
        compare.add_argument("--encoding", default="utf-8", help="the files' encoding (default: utf-8)")
        compare.set_defaults(func=compare_files)
        subparser.set_defaults(func=lambda args: subparser.print_help())
        return subparser


def check_files(args: argparse.Namespace) -> None:
    from datnet_allennlp.reproduce.experiments import expand

    vectors_path = None if args.vectors == "none" else expand(args.vectors, {})
    vectors = read_vector_words(vectors_path) if vectors_path else None
    if vectors_path and vectors is None:
        print(f"warning: no vector file at {vectors_path}; coverage not measured", file=sys.stderr)
    entity_types = args.entity_types.split(",") if args.entity_types else None
    failed = 0
    for path in args.paths:
        checked = check_file(path, entity_types, args.encoding, vectors)
        print(checked.report())
        failed += bool(checked.problems)
    if failed:
        print(f"{failed} of {len(args.paths)} files have problems", file=sys.stderr)
        sys.exit(1)


def compare_files(args: argparse.Namespace) -> None:
    from datnet_allennlp.data.conll_reader import ConllFormatError, DatnetConllReader
    from datnet_allennlp.data.corpus_comparison import compare_corpora

    reader = DatnetConllReader(encoding=args.encoding)
    try:
        first, second = reader.read_sentences(args.first), reader.read_sentences(args.second)
    except ConllFormatError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
    print(compare_corpora(first, second).report(args.first, args.second, args.examples))


@dataclass
class FileCheck:
    """What `datnet-data check` finds in one file."""

    path: str
    problems: List[str]
    sentences: int = 0
    tokens: int = 0
    docstarts: int = 0
    entities: Counter = field(default_factory=Counter)
    scheme: str = ""
    # Word types and tokens the vectors cover, of all (lowercased), where vectors were given.
    covered_types: Optional[Tuple[int, int]] = None
    covered_tokens: Optional[Tuple[int, int]] = None
    # Tokens that are hashtags, entities holding one, and (where vectors were given) hashtags
    # the vectors cover once the '#' is stripped (the reader's strip_hashtags).
    hashtag_tokens: int = 0
    hashtag_entities: int = 0
    covered_stripped_hashtags: Optional[int] = None

    def report(self) -> str:
        lines = [self.path]
        if self.sentences:
            lines.append(
                f"  sentences {self.sentences:,}  tokens {self.tokens:,}  "
                f"(+DOCSTART {self.tokens + self.docstarts:,})  tag scheme {self.scheme}"
            )
            by_type = ", ".join(f"{name} {count}" for name, count in sorted(self.entities.items()))
            lines.append(f"  entities {sum(self.entities.values()):,}: {by_type or 'none'}")
            if self.covered_types and self.covered_tokens:
                (types, all_types), (tokens, all_tokens) = self.covered_types, self.covered_tokens
                lines.append(
                    f"  vectors cover {100 * types / all_types:.1f} % of word types ({types:,} of "
                    f"{all_types:,}) and {100 * tokens / all_tokens:.1f} % of tokens"
                )
            if self.hashtag_tokens:
                entities = sum(self.entities.values())
                line = (
                    f"  hashtags {self.hashtag_tokens:,} tokens, in {self.hashtag_entities:,} of "
                    f"{entities:,} entities ({100 * self.hashtag_entities / max(entities, 1):.1f} %)"
                )
                if self.covered_stripped_hashtags is not None:
                    line += f"; the vectors cover {self.covered_stripped_hashtags:,} of them without the '#'"
                lines.append(line)
        lines.append(f"  problems: {len(self.problems)}" if self.problems else "  problems: none")
        lines.extend(f"    {problem}" for problem in self.problems)
        return "\n".join(lines)


def check_file(
    path: str, entity_types: Optional[Sequence[str]], encoding: str, vectors: Optional[Set[str]]
) -> FileCheck:
    """Reads `path` as the datnet_conll reader does, collecting every problem."""
    from datnet_allennlp.data.conll_reader import DatnetConllReader
    from datnet_allennlp.data.tagging_schemes import iob_to_spans

    reader = DatnetConllReader(entity_types=entity_types, encoding=encoding)
    checked = FileCheck(path, problems=[])
    sentences = reader.read_sentences(path, problems=checked.problems)
    if not sentences:
        return checked
    tokens = [token for sentence in sentences for token in sentence.tokens]
    raw_tags, checked.docstarts = _tag_column(path, encoding)
    checked.sentences, checked.tokens, checked.scheme = len(sentences), len(tokens), detect_scheme(raw_tags)
    checked.entities = Counter(span[0] for sentence in sentences for span in iob_to_spans(sentence.tags))
    hashtags = [token for token in tokens if HASHTAG_MARK.match(token)]
    checked.hashtag_tokens = len(hashtags)
    checked.hashtag_entities = sum(
        any(HASHTAG_MARK.match(token) for token in sentence.tokens[start : end + 1])
        for sentence in sentences
        for _, start, end in iob_to_spans(sentence.tags)
    )
    if vectors is not None:
        words = Counter(token.lower() for token in tokens)
        covered = [word for word in words if word in vectors]
        checked.covered_types = (len(covered), len(words))
        checked.covered_tokens = (sum(words[word] for word in covered), len(tokens))
        checked.covered_stripped_hashtags = sum(HASHTAG_MARK.sub("", token).lower() in vectors for token in hashtags)
    return checked


def detect_scheme(tags: Sequence[str]) -> str:
    """IOB1, IOB2, BIOES or BIOUL, from the tag column (sentence breaks as empty strings)."""
    prefixes = {tag.split("-", 1)[0] for tag in tags if "-" in tag}
    if prefixes & {"E", "S"}:
        return "BIOES (not read by datnet_conll: convert to IOB2)"
    if prefixes & {"L", "U"}:
        return "BIOUL (not read by datnet_conll: convert to IOB2)"
    if not prefixes:
        return "none (no entity tags)"
    # conlleval: an I-X that does not continue an X chunk starts one. IOB2 starts every chunk with
    # B-; IOB1 starts chunks with I- and uses B- only between adjacent chunks of one type.
    starts = Counter()
    previous = "O"
    for tag in tags:
        if tag.startswith("B-") or (tag.startswith("I-") and previous[2:] != tag[2:]):
            starts[tag[0]] += 1
        previous = tag if tag else "O"
    if starts["I"] > starts["B"]:
        return "IOB1"
    if starts["I"]:
        return f"IOB2 ({starts['I']:,} of {starts['I'] + starts['B']:,} entities start with I-, read as conlleval does)"
    return "IOB2"


def _tag_column(path: str, encoding: str) -> Tuple[List[str], int]:
    """The last column of every token line ('' at sentence breaks), and the -DOCSTART- lines."""
    tags: List[str] = []
    docstarts = 0
    with open(path, encoding=encoding, errors="replace") as data_file:
        for line in data_file:
            columns = line.strip(" \t\r\n").split()
            if not columns:
                tags.append("")
            elif columns[0] == DOCSTART:
                docstarts += 1
                tags.append("")
            else:
                tags.append(columns[-1])
    return tags, docstarts


def read_vector_words(path: str) -> Optional[Set[str]]:
    """The words of a vector file (GloVe text format: a word, then its numbers, per line)."""
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as vectors_file:
        return {line.split(" ", 1)[0] for line in vectors_file if line.strip()}
