from typing import Dict, Iterable, List, Optional, Union

from allennlp.data import Instance, Vocabulary

from datnet_allennlp.data.conll_reader import DatnetConllReader, entity_types_in


@Vocabulary.register("from_instances_and_tag_files", constructor="from_instances_and_tag_files")
class TagFileVocabulary(Vocabulary):
    """
    AllenNLP's ``from_instances`` vocabulary, plus, for each label namespace in `tag_files`, every
    tag of the entity types found in those files (``O`` and ``B-``, ``I-``, ``L-``, ``U-`` for each
    type, types sorted): the full label set of a corpus whose types are not written in the config
    (a user's own corpus), so that a small training sample that lacks a tag can still be evaluated.

    Registered as a `Vocabulary` with name "from_instances_and_tag_files".

    # Parameters

    tag_files : `Dict[str, Union[str, List[str]]]`
        For each label namespace, the CoNLL file (or files) whose entity types it holds.
    coding_scheme : `str`, optional (default = `"BIOUL"`)
        The tag scheme of the labels, as the dataset reader's: ``"BIOUL"`` or ``"BIO"``.

    Every parameter of ``from_instances`` may be given too.
    """

    @classmethod
    def from_instances_and_tag_files(
        cls,
        instances: Iterable[Instance],
        tag_files: Dict[str, Union[str, List[str]]],
        coding_scheme: str = "BIOUL",
        tokens_to_add: Optional[Dict[str, List[str]]] = None,
        **kwargs,
    ) -> Vocabulary:
        prefixes = ["B", "I", "L", "U"] if coding_scheme == "BIOUL" else ["B", "I"]
        tokens_to_add = {namespace: list(tokens) for namespace, tokens in (tokens_to_add or {}).items()}
        reader = DatnetConllReader()
        for namespace, paths in tag_files.items():
            types = sorted(entity_types_in(reader, paths))
            tags = ["O"] + [f"{prefix}-{name}" for name in types for prefix in prefixes]
            known = tokens_to_add.setdefault(namespace, [])
            known.extend(tag for tag in tags if tag not in known)
        return cls.from_instances(instances, tokens_to_add=tokens_to_add, **kwargs)
