import itertools
from typing import Dict, List

from allennlp.data import Token, Vocabulary
from allennlp.data.token_indexers import SingleIdTokenIndexer, TokenIndexer


@TokenIndexer.register("single_id_cased_with_lowercase_fallback")
class CasedTokenIndexerWithLowercaseFallback(SingleIdTokenIndexer):
    """
    AllenNLP's ``single_id`` indexer for words that keep their case (``Apple`` and ``apple`` are two
    entries), with a fallback for lowercased vectors: a word form not in the vocabulary is looked up
    lowercased before it becomes the unknown word. With a lowercased vector file (GloVe 6B), a cased
    form that training never saw still gets its lowercase vector (the `DATNET_OPTIONS` option
    `word_case: "cased"`).

    Registered as a `TokenIndexer` with name "single_id_cased_with_lowercase_fallback".

    # Parameters

    namespace : `str`, optional (default = `"tokens"`)
        The vocabulary namespace of the words.

    Every other parameter of ``single_id`` but `lowercase_tokens` may be given too.
    """

    def __init__(self, namespace: str = "tokens", **kwargs) -> None:
        if "lowercase_tokens" in kwargs:
            raise TypeError("single_id_cased_with_lowercase_fallback keeps the case: it takes no lowercase_tokens")
        super().__init__(namespace=namespace, lowercase_tokens=False, **kwargs)

    def tokens_to_indices(self, tokens: List[Token], vocabulary: Vocabulary) -> Dict[str, List[int]]:
        known = vocabulary.get_token_to_index_vocabulary(self.namespace)
        indices = []
        for token in itertools.chain(self._start_tokens, tokens, self._end_tokens):
            text = self._get_feature_value(token)
            index = known.get(text)
            if index is None:
                index = vocabulary.get_token_index(text.lower(), self.namespace)
            indices.append(index)
        return {"tokens": indices}

    def _to_params(self) -> Dict:
        params = super()._to_params()
        del params["lowercase_tokens"]
        return params
