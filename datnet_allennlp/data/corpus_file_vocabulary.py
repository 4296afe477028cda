from collections import Counter, defaultdict
from typing import Dict, Iterable, List, Optional, Union

from allennlp.common.checks import ConfigurationError
from allennlp.data import Instance, Vocabulary

from datnet_allennlp.data.conll_reader import DatnetConllReader, entity_types_in

Paths = Union[str, List[str]]


@Vocabulary.register("from_instances_and_corpus_files", constructor="from_instances_and_corpus_files")
class CorpusFileVocabulary(Vocabulary):
    """
    AllenNLP's ``from_instances`` vocabulary, plus what whole CoNLL files say beyond the training
    instances read (a small sample of a corpus, say):

    * for each label namespace in `tag_files`, every tag of the entity types found in those files
      (``O`` and ``B-``, ``I-``, ``L-``, ``U-`` for each type, types sorted): the full label set of
      a corpus whose types are not written in the config (a user's own corpus), so that a small
      training sample that lacks a tag can still be evaluated;
    * for each character namespace in `character_files`, every character seen at least
      `character_min_count` times in those files, as the authors' DATNet code builds its character
      vocabulary (from the train, dev and test files of both corpora), so that a character rare in
      the training sentences gets its own embedding instead of the unknown character's.

    Registered as a `Vocabulary` with name "from_instances_and_corpus_files".

    # Parameters

    tag_files : `Dict[str, Union[str, List[str]]]`, optional (default = `None`)
        For each label namespace, the CoNLL file (or files) whose entity types it holds.
    character_files : `Dict[str, Union[str, List[str]]]`, optional (default = `None`)
        For each character namespace, the CoNLL files whose characters it holds.
    character_min_count : `int`, optional (default = `1`)
        How often a character must occur in `character_files` to enter its namespace.
    cased_word_namespaces : `List[str]`, optional (default = `None`)
        The word namespaces whose cased forms are added as above.
    coding_scheme : `str`, optional (default = `"BIOUL"`)
        The tag scheme of the labels, as the dataset reader's: ``"BIOUL"`` or ``"BIO"``.

    Every parameter of ``from_instances`` may be given too.
    """

    @classmethod
    def from_instances_and_corpus_files(
        cls,
        instances: Iterable[Instance],
        tag_files: Optional[Dict[str, Paths]] = None,
        character_files: Optional[Dict[str, Paths]] = None,
        character_min_count: int = 1,
        cased_word_namespaces: Optional[List[str]] = None,
        coding_scheme: str = "BIOUL",
        tokens_to_add: Optional[Dict[str, List[str]]] = None,
        **kwargs,
    ) -> Vocabulary:
        if character_min_count < 1:
            raise ConfigurationError(f"character_min_count must be at least 1, got {character_min_count}")
        prefixes = ["B", "I", "L", "U"] if coding_scheme == "BIOUL" else ["B", "I"]
        tokens_to_add = {namespace: list(tokens) for namespace, tokens in (tokens_to_add or {}).items()}
        reader = DatnetConllReader()
        for namespace, paths in (tag_files or {}).items():
            types = sorted(entity_types_in(reader, paths))
            tags = ["O"] + [f"{prefix}-{name}" for name in types for prefix in prefixes]
            known = tokens_to_add.setdefault(namespace, [])
            known.extend(tag for tag in tags if tag not in known)
        if cased_word_namespaces:
            instances = list(instances)  # read twice: by from_instances, then for the cased forms
        vocabulary = cls.from_instances(instances, tokens_to_add=tokens_to_add, **kwargs)
        if cased_word_namespaces:
            counts: Dict[str, Dict[str, int]] = defaultdict(lambda: defaultdict(int))
            for instance in instances:
                instance.count_vocab_items(counts)
            for namespace in cased_word_namespaces:
                known = vocabulary.get_token_to_index_vocabulary(namespace)
                if len(known) <= 2:  # the padding and unknown tokens only
                    raise ConfigurationError(
                        f"cased_word_namespaces: the namespace {namespace!r} holds no words to find cased forms of"
                    )
                vocabulary.add_tokens_to_namespace(
                    sorted(word for word in counts[namespace] if word not in known and word.lower() in known),
                    namespace,
                )
        # Added after from_instances so that its min_count for the namespace, which counts the
        # training instances only, cannot drop a character the files have often enough.
        for namespace, paths in (character_files or {}).items():
            counts = characters_in(reader, paths)
            vocabulary.add_tokens_to_namespace(
                sorted(char for char, count in counts.items() if count >= character_min_count), namespace
            )
        return vocabulary


def characters_in(reader: DatnetConllReader, paths: Paths) -> Counter:
    """How often each character occurs in the tokens of `paths`, read (and validated) with `reader`."""
    paths = [paths] if isinstance(paths, str) else list(paths)
    return Counter(
        char for path in paths for sentence in reader.read_sentences(path) for token in sentence.tokens for char in token
    )
