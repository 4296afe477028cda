from typing import Optional

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import Vocabulary
from allennlp.data.vocabulary import _read_pretrained_tokens
from allennlp.modules.token_embedders import Embedding, TokenEmbedder


@TokenEmbedder.register("embedding_with_trainable_unknown")
class EmbeddingWithTrainableUnknown(Embedding):
    """
    A (usually pretrained) word embedding whose unknown-word row is trained, as in the DATNet
    authors' code (the other rows stay fixed unless `trainable`): every word that maps to the
    vocabulary's unknown token (words without a pretrained vector, with the vocabulary's
    ``only_include_pretrained_words``) shares one vector that training sees often, so a test word
    without a vector gets a learned vector rather than one training never touched.

    Registered as a `TokenEmbedder` with name "embedding_with_trainable_unknown".

    # Parameters

    embedding_dim : `int`
        The size of each vector.
    vocab_namespace : `str`, optional (default = `"tokens"`)
        The vocabulary namespace of the words (its unknown token is the trained row).
    pretrained_file : `str`, optional (default = `None`)
        The vector file (GloVe text format) the other rows are read from.
    trainable : `bool`, optional (default = `False`)
        Whether the other rows are trained too (fine-tuned pretrained vectors, the `DATNET_OPTIONS`
        option `word_vectors: "fine_tuned"`); the unknown row is trained either way.
    cased_from_lowercase : `bool`, optional (default = `False`)
        For words that keep their case (the `DATNET_OPTIONS` option `word_case: "cased"`) and a
        lowercased vector file: a cased form without a vector of its own (``Apple``) starts from
        the vector of its lowercased form (``apple``), so that fine-tuning can set them apart; a
        form that has a vector of its own keeps it.
    projection_dim : `int`, optional (default = `None`)
        If given, a trained linear layer projects every vector, the unknown one included, to this
        size (e.g. a user's vectors to the size the shared encoder reads).
    vocab : `Vocabulary`, optional (default = `None`)
        Filled in by AllenNLP.

    Every other parameter of AllenNLP's ``embedding`` may be given too.
    """

    def __init__(
        self,
        embedding_dim: int,
        vocab_namespace: str = "tokens",
        pretrained_file: Optional[str] = None,
        trainable: bool = False,
        cased_from_lowercase: bool = False,
        projection_dim: Optional[int] = None,
        vocab: Optional[Vocabulary] = None,
        **kwargs,
    ) -> None:
        if vocab is None:
            raise ConfigurationError("embedding_with_trainable_unknown needs the vocabulary")
        super().__init__(
            embedding_dim=embedding_dim,
            vocab_namespace=vocab_namespace,
            pretrained_file=pretrained_file,
            vocab=vocab,
            trainable=trainable,
            **kwargs,
        )
        self._unknown_index = vocab.get_token_index(vocab._oov_token, vocab_namespace)
        # An archive being loaded has no pretrained file: its weights come from the saved state.
        if cased_from_lowercase and pretrained_file is not None:
            with_vectors = set(_read_pretrained_tokens(pretrained_file))
            words = vocab.get_token_to_index_vocabulary(vocab_namespace)
            with torch.no_grad():
                for word, index in words.items():
                    lowercase_index = words.get(word.lower())
                    if word not in with_vectors and lowercase_index is not None and word.lower() in with_vectors:
                        self.weight[index] = self.weight[lowercase_index]
        # It starts where the fixed table has it (random, scaled like the pretrained vectors).
        self.unknown_vector = torch.nn.Parameter(self.weight.data[self._unknown_index].clone())
        # Applied after the unknown row is swapped in (AllenNLP's own projection comes before).
        self._output_projection = torch.nn.Linear(embedding_dim, projection_dim) if projection_dim else None

    def get_output_dim(self) -> int:
        return self._output_projection.out_features if self._output_projection else self.output_dim

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        embedded = super().forward(tokens)
        is_unknown = (tokens == self._unknown_index).unsqueeze(-1)
        embedded = torch.where(is_unknown, self.unknown_vector.to(embedded.dtype), embedded)
        return self._output_projection(embedded) if self._output_projection else embedded
