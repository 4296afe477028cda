import re
from typing import List

from allennlp.data import Token
from allennlp.data.tokenizers import Tokenizer

# Invisible characters that separate words like a space does (zero-width space, word joiner,
# byte-order mark). The zero-width joiner and variation selectors are not among them: they glue
# emoji sequences together and stay inside their token.
_SEPARATORS = "\u200b\u2060\ufeff"
_GLUE = "\u200d\ufe0e\ufe0f\u20e3\U0001f3fb-\U0001f3ff"
_TOKEN = re.compile(
    rf"""
    (?:https?://|www\.)[^\s{_SEPARATORS}]+  # URLs
    | [@#]\w+  # @mentions, #hashtags
    | (?:[^\W\d_]\.){{2,}}  # abbreviations: U.S.
    | \w+(?:['’.\-]\w+)*  # words: don't, e-mail, 3.5
    | ([^\w\s{_SEPARATORS}])\1*(?:[{_GLUE}]+[^\w\s{_SEPARATORS}]?)*  # a run of one symbol, emoji
    """,
    re.VERBOSE,
)


@Tokenizer.register("datnet_text")
class TextTokenizer(Tokenizer):
    """
    Splits raw text, tweets included, into tokens the way the NER corpora are tokenized, offline
    (spaCy's English model would need a download). Each `Token` has `idx` and `idx_end`, its
    character offsets in the text. URLs, ``@mentions`` and ``#hashtags`` stay whole as in WNUT;
    abbreviations keep their dots (``U.S.``) and words their inner apostrophes, hyphens and dots
    (``don't``, ``e-mail``, ``3.5``); any other symbol is a token of its own, a run of the same
    symbol (``!!!``, ``...``) one token, and an emoji keeps its modifiers and zero-width joiners.
    Whitespace and the invisible zero-width space, word joiner and byte-order mark separate
    tokens. Text in any script works: letters are what Python's regular expressions call word
    characters.

    Registered as a `Tokenizer` with name "datnet_text".
    """

    def tokenize(self, text: str) -> List[Token]:
        return [
            Token(match.group(0), idx=match.start(), idx_end=match.end())
            for match in _TOKEN.finditer(text)
        ]
