from typing import Dict, List

from allennlp.data import Token, Vocabulary
from allennlp.data.token_indexers import TokenIndexer

# Index 0 is padding. The classes need no vocabulary: they are the same for every corpus.
WORD_CASINGS = ("padding", "lowercase", "capitalized", "uppercase", "mixed_case", "digits", "no_letters_or_digits")


def word_casing(word: str) -> str:
    """
    The casing class of a word: ``lowercase`` (``apple``, ``3pm``), ``capitalized`` (``Apple``,
    ``A``), ``uppercase`` (``NASA``, ``I'M``), ``mixed_case`` (``iPhone``, ``McDonald``),
    ``digits`` (digits and no letters: ``2016``, ``#1``) or ``no_letters_or_digits`` (``!!``, ``:)``).
    """
    letters = [character for character in word if character.isalpha()]
    if not letters:
        return "digits" if any(character.isdigit() for character in word) else "no_letters_or_digits"
    if all(letter.islower() for letter in letters):
        return "lowercase"
    if len(letters) > 1 and all(letter.isupper() for letter in letters):
        return "uppercase"
    if letters[0].isupper() and all(letter.islower() for letter in letters[1:]):
        return "capitalized"
    return "mixed_case"


@TokenIndexer.register("word_casing")
class WordCasingIndexer(TokenIndexer):
    """
    Indexes each word by its casing class (`word_casing`), so that a tagger can read the case that
    lowercased word vectors (GloVe 6B) lose and that few training sentences cannot teach the
    character encoder. Not in the paper, whose cased word2vec vectors carry case; the
    `DATNET_OPTIONS` option `word_casing: "embedding"` adds it to the `datnet` configs. The indices
    are fixed (`WORD_CASINGS`, padding 0) and need no vocabulary; an ``embedding`` token embedder
    with ``num_embeddings: 7`` reads them.

    Registered as a `TokenIndexer` with name "word_casing".

    # Parameters

    token_min_padding_length : `int`, optional (default = `0`)
        As for every `TokenIndexer`.
    """

    def __init__(self, token_min_padding_length: int = 0) -> None:
        super().__init__(token_min_padding_length)

    def count_vocab_items(self, token: Token, counter: Dict[str, Dict[str, int]]) -> None:
        # The classes are fixed: nothing enters the vocabulary.
        pass

    def tokens_to_indices(self, tokens: List[Token], vocabulary: Vocabulary) -> Dict[str, List[int]]:
        return {"tokens": [WORD_CASINGS.index(word_casing(token.text)) for token in tokens]}

    def get_empty_token_list(self) -> Dict[str, List[int]]:
        return {"tokens": []}
