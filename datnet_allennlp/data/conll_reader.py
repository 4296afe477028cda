import hashlib
import itertools
import logging
import os
import re
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Union

from allennlp.common.checks import ConfigurationError
from allennlp.data import DatasetReader, Instance, Token, TokenIndexer
from allennlp.data.fields import MetadataField, SequenceLabelField, TextField
from allennlp.data.token_indexers import SingleIdTokenIndexer

from datnet_allennlp.data.tagging_schemes import (
    CODING_SCHEMES,
    check_iob_tag,
    iob_to_spans,
    spans_to_tags,
)

logger = logging.getLogger(__name__)

RESOURCES = ("source", "target")
# Which sentences a low-resource subset keeps.
SUBSETS = ("random", "first")
DOCSTART = "-DOCSTART-"
# A hashtag's leading '#'s, where a letter, digit or underscore follows ('#', '##' stay whole).
HASHTAG_MARK = re.compile(r"^#+(?=\w)")


class ConllFormatError(ValueError):
    """Raised for malformed input; the message always starts with ``path:line:`` or ``path:``."""


class ConllSentence(NamedTuple):
    tokens: List[str]
    tags: List[str]
    line_number: int  # 1-based line of the sentence's first token


@DatasetReader.register("datnet_conll")
class DatnetConllReader(DatasetReader):
    """
    Reads the CoNLL-style NER files of CoNLL-2003 (English), CoNLL-2002 (Spanish, Dutch) and
    WNUT-2016/2017: one token per line with the token in the first column and its tag in the last
    (2, 3 or 4 columns separated by tabs or spaces), an empty line between sentences. Lines whose
    first column is ``-DOCSTART-`` are skipped and end the current sentence, also where (as in
    the Dutch files) no empty line follows them.

    Tags may be IOB1 or IOB2; both are decoded with conlleval's chunk rule and re-encoded in
    `coding_scheme`. A list of paths is read as one corpus. Every instance records the
    `resource` (``"source"`` or ``"target"``) it came from, and its tags live in that resource's
    label namespace.

    Optionally keeps a subset of the sentences (the low-resource protocols of the paper):
    `max_sentences` N sentences or a `ratio` rho of them, drawn at random or, as the authors'
    code does, the first ones of the file (`subset`). A random subset depends only on
    `sample_seed` and the number of sentences in the file, not on Python, NumPy or the machine,
    and the subset for a smaller N is contained in the one for a larger N.

    Registered as a `DatasetReader` with name "datnet_conll".

    # Parameters

    resource : `str`, optional (default = `"target"`)
        ``"source"`` (the high-resource corpus) or ``"target"`` (the low-resource one).
    token_indexers : `Dict[str, TokenIndexer]`, optional (default = `{"tokens": SingleIdTokenIndexer()}`)
        How tokens are indexed.
    coding_scheme : `str`, optional (default = `"BIOUL"`)
        The tag scheme of the instances: ``"BIOUL"`` or ``"BIO"``.
    label_namespace : `str`, optional (default = `"{resource}_labels"`)
        The vocabulary namespace of the tags.
    entity_types : `List[str]`, optional (default = `None`)
        If given, a tag whose entity type is not in this list is an error (catches typos and
        files of the wrong corpus).
    entity_types_from : `Union[str, List[str]]`, optional (default = `None`)
        Instead of `entity_types`: the entity types are those found in this file (or files),
        normally the training data, so that a dev or test tag of a type training never saw is an
        error naming its file and line.
    max_sentences : `int`, optional (default = `None`)
        Keep a random subset of this many sentences of each file read.
    ratio : `float`, optional (default = `None`)
        Keep a random subset of `round(ratio * n)` of the n sentences of each file read.
    sample_seed : `int`, optional (default = `1`)
        Chooses the random subset.
    subset : `str`, optional (default = `"random"`)
        Which sentences `max_sentences` or `ratio` keep: ``"random"`` (drawn by `sample_seed`) or
        ``"first"`` (the first ones of the file, the authors' code's low-resource protocol).
    encoding : `str`, optional (default = `"utf-8"`)
        The files' text encoding; ``"latin-1"`` reads the original ISO-8859-1 CoNLL-2002 files.
    distributed_sharding : `bool`, optional (default = `True`)
        In distributed training each worker reads every n-th sentence, as AllenNLP's readers do
        for batch samplers such as ``bucket``. ``False``: every worker reads every sentence, for
        a batch sampler that shares out the batches itself (``resource_batches``, which the
        ``datnet`` configs use).
    strip_hashtags : `bool`, optional (default = `False`)
        The model reads a hashtag without its leading ``#`` (``#Steelers`` as ``Steelers``), so
        that its word has a pretrained vector more often; the instance's ``words`` (and so the
        predictor's output) keep the ``#``. Tags are unchanged. (WNUT-2016: 9.0 % of the test
        entities hold a hashtag, 0.6 % of train's; on its dev set this was not a finding.)
    """

    def __init__(
        self,
        resource: str = "target",
        token_indexers: Optional[Dict[str, TokenIndexer]] = None,
        coding_scheme: str = "BIOUL",
        label_namespace: Optional[str] = None,
        entity_types: Optional[List[str]] = None,
        entity_types_from: Optional[Union[str, List[str]]] = None,
        max_sentences: Optional[int] = None,
        ratio: Optional[float] = None,
        sample_seed: int = 1,
        subset: str = "random",
        encoding: str = "utf-8",
        distributed_sharding: bool = True,
        strip_hashtags: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(
            manual_distributed_sharding=True, manual_multiprocess_sharding=True, **kwargs
        )
        if resource not in RESOURCES:
            raise ConfigurationError(f"resource must be one of {RESOURCES}, got {resource!r}")
        if coding_scheme not in CODING_SCHEMES:
            raise ConfigurationError(
                f"coding_scheme must be one of {CODING_SCHEMES}, got {coding_scheme!r}"
            )
        if max_sentences is not None and ratio is not None:
            raise ConfigurationError("give max_sentences or ratio, not both")
        if max_sentences is not None and max_sentences < 1:
            raise ConfigurationError(f"max_sentences must be at least 1, got {max_sentences}")
        if ratio is not None and not 0.0 < ratio <= 1.0:
            raise ConfigurationError(f"ratio must be in (0, 1], got {ratio}")
        if subset not in SUBSETS:
            raise ConfigurationError(f"subset must be one of {SUBSETS}, got {subset!r}")
        try:
            "".encode(encoding)
        except LookupError:
            raise ConfigurationError(f"unknown encoding {encoding!r}") from None
        self.resource = resource
        self._token_indexers = token_indexers or {"tokens": SingleIdTokenIndexer()}
        self.coding_scheme = coding_scheme
        self.label_namespace = label_namespace or f"{resource}_labels"
        if entity_types is not None and entity_types_from is not None:
            raise ConfigurationError("give entity_types or entity_types_from, not both")
        self.entity_types = set(entity_types) if entity_types is not None else None
        self.max_sentences = max_sentences
        self.ratio = ratio
        self.sample_seed = sample_seed
        self.subset = subset
        self.encoding = encoding
        self.distributed_sharding = distributed_sharding
        self.strip_hashtags = strip_hashtags
        if entity_types_from is not None:
            self.entity_types = entity_types_in(self, entity_types_from)

    def _read(self, file_path: Union[str, List[str]]) -> Iterable[Instance]:
        # A list of files is read as one corpus (WNUT-2016 trains on train + dev merged).
        paths = [file_path] if isinstance(file_path, (str, os.PathLike)) else list(file_path)
        sentences = [sentence for path in paths for sentence in self.read_sentences(path)]
        sentences = self.sample(sentences, " + ".join(str(path) for path in paths))
        if self.distributed_sharding:
            shard: Iterable[ConllSentence] = self.shard_iterable(sentences)
        elif self._worker_info is not None:  # data-loader worker processes still share the work
            shard = itertools.islice(sentences, self._worker_info.id, None, self._worker_info.num_workers)
        else:
            shard = sentences
        for sentence in shard:
            yield self._make_instance(sentence.tokens, sentence.tags)

    def read_sentences(self, file_path: str, problems: Optional[List[str]] = None) -> List[ConllSentence]:
        """
        Parses and validates a whole file; a problem is reported with its file and line. By
        default the first problem raises `ConllFormatError`; given a `problems` list, every problem
        is appended to it, the offending line is skipped, and reading goes on (the data checker).
        """

        def problem(message: str) -> None:
            if problems is None:
                raise ConllFormatError(message)
            problems.append(message)

        if not os.path.isfile(file_path):
            data_dir = os.environ.get("DATNET_DATA_DIR", "")
            hint = ""
            if data_dir and os.path.abspath(file_path).startswith(os.path.abspath(data_dir) + os.sep):
                hint = f" (it is under DATNET_DATA_DIR={data_dir}; README, 'Data' says where the corpora come from)"
            problem(f"{file_path}: no such file{hint}")
            return []
        with open(file_path, "rb") as data_file:
            raw_lines = data_file.read().split(b"\n")

        sentences: List[ConllSentence] = []
        tokens: List[str] = []
        tags: List[str] = []
        first_line = 0
        num_columns = 0
        first_token_line = 0

        def end_sentence() -> None:
            if tokens:
                sentences.append(ConllSentence(list(tokens), list(tags), first_line))
                tokens.clear()
                tags.clear()

        for line_number, raw_line in enumerate(raw_lines, start=1):
            try:
                line = self._decode(raw_line, file_path, line_number)
            except ConllFormatError as error:
                problem(str(error))
                continue
            if line_number == 1:
                line = line.lstrip("\ufeff")  # a byte-order mark is not part of the first token
            line = line.rstrip("\r")
            # Only ASCII spaces and tabs separate columns: tokens may contain other Unicode
            # whitespace-like characters (U+200B, U+FEFF in WNUT) that are part of the token.
            stripped = line.strip(" \t")
            if not stripped:
                end_sentence()
                continue
            columns = re.split(r"\t+" if "\t" in stripped else r" +", stripped)
            if columns[0] == DOCSTART:
                end_sentence()
                continue
            where = f"{file_path}:{line_number}"
            if len(columns) < 2:
                problem(
                    f"{where}: expected a token and a tag separated by whitespace, "
                    f"found one column: {line!r}"
                )
                continue
            if num_columns == 0:
                num_columns, first_token_line = len(columns), line_number
            elif len(columns) != num_columns:
                problem(
                    f"{where}: found {len(columns)} columns, but line {first_token_line} "
                    f"has {num_columns}: {line!r}"
                )
                continue
            tag = columns[-1]
            tag_problem = check_iob_tag(tag, self.entity_types)
            if tag_problem is not None:
                problem(f"{where}: {tag_problem}")
                continue
            if not tokens:
                first_line = line_number
            tokens.append(columns[0])
            tags.append(tag)
        end_sentence()

        if not sentences:
            problem(f"{file_path}: no sentences found (the file is empty)")
        return sentences

    def _decode(self, raw_line: bytes, file_path: str, line_number: int) -> str:
        try:
            return raw_line.decode(self.encoding)
        except UnicodeDecodeError as error:
            raise ConllFormatError(
                f"{file_path}:{line_number}: bytes that are not valid {self.encoding} at byte "
                f"{error.start} of the line ({raw_line[error.start : error.start + 4]!r}). "
                f'If the file is Latin-1 (ISO-8859-1), set "encoding": "latin-1" in the dataset '
                f"reader."
            ) from None

    def sample(self, sentences: List[ConllSentence], file_path: str) -> List[ConllSentence]:
        """Keeps `max_sentences` or `ratio` of `sentences` (`subset` says which), in file order; all
        if neither is set."""
        total = len(sentences)
        if self.max_sentences is not None:
            keep = self.max_sentences
        elif self.ratio is not None:
            keep = max(1, round(self.ratio * total))
        else:
            return sentences
        if keep > total:
            raise ConfigurationError(
                f"{file_path}: max_sentences is {keep}, but the file has only {total} sentences"
            )

        if self.subset == "first":
            logger.info("%s: kept the first %d of %d sentences", file_path, keep, total)
            return sentences[:keep]

        def rank(index: int) -> bytes:
            return hashlib.sha256(f"{self.sample_seed}:{index}".encode()).digest()

        kept = sorted(sorted(range(total), key=rank)[:keep])
        logger.info(
            "%s: kept %d of %d sentences (sample_seed %d)", file_path, keep, total, self.sample_seed
        )
        return [sentences[index] for index in kept]

    def text_to_instance(  # type: ignore
        self, tokens: Sequence[Union[str, Token]], tags: Optional[Sequence[str]] = None
    ) -> Instance:
        """
        `tokens` are strings or `Token`s (as from a tokenizer, e.g. in allennlp-models'
        `sentence_tagger` predictor). `tags`, if given, are IOB1 or IOB2 tags of `tokens`; they are
        converted to the reader's `coding_scheme`.
        """
        tokens = [token if isinstance(token, str) else token.text for token in tokens]
        if tags is not None:
            if len(tags) != len(tokens):
                raise ValueError(f"{len(tokens)} tokens but {len(tags)} tags")
            for tag in tags:
                problem = check_iob_tag(tag, self.entity_types)
                if problem is not None:
                    raise ValueError(problem)
        return self._make_instance(tokens, tags)

    def _make_instance(self, tokens: Sequence[str], tags: Optional[Sequence[str]]) -> Instance:
        # `tags` were validated by the caller.
        model_tokens = [HASHTAG_MARK.sub("", token) for token in tokens] if self.strip_hashtags else tokens
        text_field = TextField([Token(token) for token in model_tokens])
        metadata = {"words": list(tokens), "resource": self.resource}
        fields = {"tokens": text_field, "metadata": MetadataField(metadata)}
        if tags is not None:
            encoded = spans_to_tags(iob_to_spans(tags), len(tags), self.coding_scheme)
            fields["tags"] = SequenceLabelField(encoded, text_field, self.label_namespace)
        return Instance(fields)

    def apply_token_indexers(self, instance: Instance) -> None:
        instance.fields["tokens"]._token_indexers = self._token_indexers  # type: ignore


def entity_types_in(reader: DatnetConllReader, paths: Union[str, List[str]]) -> set:
    """The entity types of the tags in `paths`, read (and validated) with `reader`'s settings."""
    paths = [paths] if isinstance(paths, str) else list(paths)
    return {
        tag[2:]
        for path in paths
        for sentence in reader.read_sentences(path)
        for tag in sentence.tags
        if tag != "O"
    }
