from typing import Optional

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import Vocabulary
from allennlp.modules.token_embedders import Embedding, TokenEmbedder


@TokenEmbedder.register("embedding_with_trainable_unknown")
class EmbeddingWithTrainableUnknown(Embedding):
    """
    A fixed (usually pretrained) word embedding whose unknown-word row alone is trained, as in the
    DATNet authors' code: every word that maps to the vocabulary's unknown token (words without a
    pretrained vector, with the vocabulary's ``only_include_pretrained_words``) shares one vector
    that training sees often, so a test word without a vector gets a learned vector rather than one
    training never touched.

    Registered as a `TokenEmbedder` with name "embedding_with_trainable_unknown".

    # Parameters

    embedding_dim : `int`
        The size of each vector.
    vocab_namespace : `str`, optional (default = `"tokens"`)
        The vocabulary namespace of the words (its unknown token is the trained row).
    pretrained_file : `str`, optional (default = `None`)
        The vector file (GloVe text format) the other rows are read from.
    vocab : `Vocabulary`, optional (default = `None`)
        Filled in by AllenNLP.

    Every other parameter of AllenNLP's ``embedding`` except `trainable` and `projection_dim` may
    be given too.
    """

    def __init__(
        self,
        embedding_dim: int,
        vocab_namespace: str = "tokens",
        pretrained_file: Optional[str] = None,
        vocab: Optional[Vocabulary] = None,
        **kwargs,
    ) -> None:
        if vocab is None:
            raise ConfigurationError("embedding_with_trainable_unknown needs the vocabulary")
        for fixed in ("trainable", "projection_dim"):
            if kwargs.get(fixed) is not None:
                raise ConfigurationError(f"embedding_with_trainable_unknown takes no {fixed!r}")
        super().__init__(
            embedding_dim=embedding_dim,
            vocab_namespace=vocab_namespace,
            pretrained_file=pretrained_file,
            vocab=vocab,
            trainable=False,
            **kwargs,
        )
        self._unknown_index = vocab.get_token_index(vocab._oov_token, vocab_namespace)
        # It starts where the fixed table has it (random, scaled like the pretrained vectors).
        self.unknown_vector = torch.nn.Parameter(self.weight.data[self._unknown_index].clone())

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        embedded = super().forward(tokens)
        is_unknown = (tokens == self._unknown_index).unsqueeze(-1)
        return torch.where(is_unknown, self.unknown_vector.to(embedded.dtype), embedded)
