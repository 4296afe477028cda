from typing import Any, Dict, List, Optional

import torch
from allennlp.common import Lazy
from allennlp.common.checks import ConfigurationError, check_dimensions_match
from allennlp.common.util import is_distributed
from allennlp.data import TextFieldTensors, Vocabulary
from allennlp.models import Model
from allennlp.modules import ConditionalRandomField, Seq2SeqEncoder, TokenEmbedder
from allennlp.modules.token_embedders import TokenCharactersEncoder
from allennlp.modules.conditional_random_field import allowed_transitions
from allennlp.nn import InitializerApplicator
from allennlp.nn.util import get_text_field_mask
from allennlp.training.metrics import BooleanAccuracy

from datnet_allennlp.training.metrics import DistributedSpanF1Measure

from datnet_allennlp.modules.batched_viterbi import batched_viterbi_tags
from datnet_allennlp.modules.grad_discriminator import GradDiscriminator

TRANSFER_MODES = ("full", "partial", "none")
LOSS_REDUCTIONS = ("sum", "mean")
DISCRIMINATOR_INPUTS = ("shared", "private_and_shared")
WORD_INDEXER = "tokens"
CHARACTER_INDEXER = "token_characters"
CASING_INDEXER = "word_casing"


@Model.register("datnet")
class Datnet(Model):
    """
    DATNet (Zhou et al., ACL 2019): a BiLSTM-CRF tagger for a low-resource target corpus that
    learns from a high-resource source corpus at the same time. Both resources share the character
    embedding and character CNN; each has its own word embedding (unless `share_word_embedding`),
    output projection and CRF (their tag sets differ). `transfer` chooses how the BiLSTM is shared:

    * ``"full"`` (DATNet-F): one `shared_encoder` for both resources.
    * ``"partial"`` (DATNet-P): a `shared_encoder` plus a private encoder per resource; each CRF
      reads ``[private; shared]``.
    * ``"none"``: the base model (paper Fig. 1a) on target data alone.

    With transfer, an optional `discriminator` (`GradDiscriminator`) learns to tell the resources
    apart from the shared encoder's output while its reversed gradient pushes the shared encoder to
    make them indistinguishable. The loss is L = L_discriminator + L_source + L_target (Eq. 2),
    each summed over the batch. Every batch must hold sentences of a single resource, which the
    instances' ``metadata["resource"]`` names (see `DatnetConllReader`) and the
    ``resource_batches`` batch sampler guarantees.

    Words are read from the ``"tokens"`` indexer and characters from the ``"token_characters"``
    indexer of the `tokens` text field (and, with a `casing_embedding`, casing classes from the
    ``"word_casing"`` indexer); the tags of resource R are in namespace ``"R_labels"``
    (with `share_labels`, both resources' tags are in ``"labels"``).

    Registered as a `Model` with name "datnet"; its default predictor is ``datnet_tagger``.

    # Parameters

    vocab : `Vocabulary`
    word_embedders : `Dict[str, TokenEmbedder]`
        One word embedding per resource, keyed ``"source"`` and ``"target"`` (only ``"target"``
        without transfer).
    character_encoder : `TokenEmbedder`
        The character encoder (e.g. ``character_encoding`` with a CNN), shared by both resources.
    shared_encoder : `Seq2SeqEncoder`
        The BiLSTM shared by both resources (the only encoder without transfer).
    transfer : `str`, optional (default = `"full"`)
        ``"full"``, ``"partial"`` or ``"none"``.
    private_encoders : `Dict[str, Seq2SeqEncoder]`, optional (default = `None`)
        With ``"partial"`` transfer, one encoder per resource, keyed ``"source"`` and ``"target"``.
    discriminator : `GradDiscriminator`, optional (default = `None`)
        The resource discriminator on the shared encoder's output (its `input_dim` is filled in).
    embedding_dropout : `float`, optional (default = `0.2`)
        Dropout on the concatenated word and character embeddings.
    encoder_dropout : `float`, optional (default = `0.5`)
        Dropout on the features the tag projection reads.
    label_encoding : `str`, optional (default = `"BIOUL"`)
        The tag scheme, used to constrain CRF decoding and to compute span F1.
    shared_projection_dim : `int`, optional (default = `None`)
        If given, the shared encoder's output goes through dropout (`encoder_dropout`) and a
        `Linear(shared_projection_dim)` + tanh layer, which the taggers and the discriminator read
        (the authors' code: BiLSTM, dropout, Dense(400, tanh)). By default the taggers read the
        encoder output after dropout and the discriminator reads it without.
    loss_reduction : `str`, optional (default = `"sum"`)
        ``"sum"``: the CRF and discriminator losses are summed over the batch (paper Eq. 2);
        ``"mean"``: averaged over the batch, as the authors' code does (a smaller gradient, so
        gradient clipping at norm 5 rarely acts). In distributed training each worker scores a
        share of every batch: with ``"sum"`` the step's gradient is exactly that of the whole
        batch; with ``"mean"`` it is the mean of the shares' means, the whole batch's mean when the
        shares are equal in size (they differ by at most one sentence).
    share_labels : `bool`, optional (default = `False`)
        One label set (namespace ``"labels"``, the union of both resources' tags) and one CRF
        transition matrix for both resources, as the authors' code does by default; each resource
        keeps its own tag projection. By default each resource has its own labels and CRF.
    share_word_embedding : `bool`, optional (default = `False`)
        With transfer, the target's word embedder uses the source's parameters, so that a word has
        one vector in front of the shared encoder whichever resource it comes from; both embedders
        must read the same vocabulary namespace. With fixed pretrained vectors only the trained
        unknown vector is affected; with fine-tuned ones the two tables would otherwise drift
        apart. (The paper and the authors' code keep one fixed table per resource.)
    discriminator_input : `str`, optional (default = `"shared"`)
        With ``"partial"`` transfer, ``"private_and_shared"`` lets the discriminator read
        ``[private; shared]`` (the authors' DATNet-P) instead of the shared features alone.
    casing_embedding : `TokenEmbedder`, optional (default = `None`)
        If given, an embedding of each word's casing class (the ``word_casing`` indexer), shared by
        both resources and concatenated to the word and character embeddings. Not in the paper:
        its cased word vectors carry the case that lowercased GloVe loses.
    initializer : `InitializerApplicator`, optional (default = `InitializerApplicator()`)
    """

    default_predictor = "datnet_tagger"

    def __init__(
        self,
        vocab: Vocabulary,
        word_embedders: Dict[str, TokenEmbedder],
        character_encoder: TokenEmbedder,
        shared_encoder: Seq2SeqEncoder,
        transfer: str = "full",
        private_encoders: Optional[Dict[str, Seq2SeqEncoder]] = None,
        discriminator: Optional[Lazy[GradDiscriminator]] = None,
        embedding_dropout: float = 0.2,
        encoder_dropout: float = 0.5,
        label_encoding: str = "BIOUL",
        shared_projection_dim: Optional[int] = None,
        loss_reduction: str = "sum",
        share_labels: bool = False,
        share_word_embedding: bool = False,
        discriminator_input: str = "shared",
        casing_embedding: Optional[TokenEmbedder] = None,
        initializer: InitializerApplicator = InitializerApplicator(),
        **kwargs,
    ) -> None:
        super().__init__(vocab, **kwargs)
        if transfer not in TRANSFER_MODES:
            raise ConfigurationError(f"transfer must be one of {TRANSFER_MODES}, got {transfer!r}")
        if loss_reduction not in LOSS_REDUCTIONS:
            raise ConfigurationError(f"loss_reduction must be one of {LOSS_REDUCTIONS}, got {loss_reduction!r}")
        if discriminator_input not in DISCRIMINATOR_INPUTS:
            raise ConfigurationError(
                f"discriminator_input must be one of {DISCRIMINATOR_INPUTS}, got {discriminator_input!r}"
            )
        if discriminator_input == "private_and_shared" and transfer != "partial":
            raise ConfigurationError('discriminator_input "private_and_shared" needs transfer "partial"')
        self.loss_reduction = loss_reduction
        self.discriminator_input = discriminator_input
        self.transfer = transfer
        self.resources = ("target",) if transfer == "none" else ("source", "target")
        if transfer == "none" and discriminator is not None:
            raise ConfigurationError('a discriminator needs transfer "full" or "partial"')
        if transfer == "partial":
            _check_resource_keys("private_encoders", private_encoders or {}, self.resources)
        elif private_encoders:
            raise ConfigurationError(f'private_encoders need transfer "partial", not {transfer!r}')
        _check_resource_keys("word_embedders", word_embedders, self.resources)
        if share_word_embedding:
            if transfer == "none":
                raise ConfigurationError('share_word_embedding needs transfer "full" or "partial"')
            _tie_parameters(word_embedders["target"], word_embedders["source"])

        self._word_embedders = torch.nn.ModuleDict(word_embedders)
        self._character_encoder = character_encoder
        self._casing_embedding = casing_embedding
        casing_dim = casing_embedding.get_output_dim() if casing_embedding is not None else 0
        self._shared_encoder = shared_encoder
        self._private_encoders = torch.nn.ModuleDict(private_encoders or {})
        for resource in self.resources:
            check_dimensions_match(
                word_embedders[resource].get_output_dim() + character_encoder.get_output_dim() + casing_dim,
                shared_encoder.get_input_dim(),
                f"{resource} word + character (+ casing) embedding dim",
                "shared encoder input dim",
            )
        self._embedding_dropout = torch.nn.Dropout(embedding_dropout)
        self._encoder_dropout = torch.nn.Dropout(encoder_dropout)
        shared_dim = shared_encoder.get_output_dim()
        self._shared_projection: Optional[torch.nn.Module] = None
        if shared_projection_dim is not None:
            self._shared_projection = torch.nn.Sequential(
                torch.nn.Linear(shared_dim, shared_projection_dim), torch.nn.Tanh()
            )
            shared_dim = shared_projection_dim

        self.label_encoding = label_encoding
        self._tag_projections = torch.nn.ModuleDict()
        self._crfs = torch.nn.ModuleDict()
        self._span_metrics: Dict[str, DistributedSpanF1Measure] = {}
        self.label_namespaces = {
            resource: "labels" if share_labels else f"{resource}_labels" for resource in self.resources
        }
        crf: Optional[ConditionalRandomField] = None
        for resource in self.resources:
            namespace = self.label_namespaces[resource]
            labels = vocab.get_index_to_token_vocabulary(namespace)
            feature_dim = shared_dim
            if transfer == "partial":
                feature_dim += self._private_encoders[resource].get_output_dim()
            self._tag_projections[resource] = torch.nn.Linear(feature_dim, len(labels))
            if crf is None or not share_labels:
                crf = ConditionalRandomField(
                    len(labels), constraints=allowed_transitions(label_encoding, labels)
                )
            # With share_labels both keys hold the same module: one transition matrix.
            self._crfs[resource] = crf
            self._span_metrics[resource] = DistributedSpanF1Measure(
                vocab, tag_namespace=namespace, label_encoding=label_encoding
            )
        # Span F1 is computed only where tags are decoded (validation, evaluation): decoding every
        # training batch would cost a Viterbi pass for a number nobody selects on.
        self._decoded_batches = {resource: 0 for resource in self.resources}

        self.discriminator: Optional[GradDiscriminator] = None
        if discriminator is not None:
            input_dim = shared_dim
            if discriminator_input == "private_and_shared":
                input_dim += self._private_encoders["source"].get_output_dim()
            self.discriminator = discriminator.construct(input_dim=input_dim)
            self._discriminator_accuracy = BooleanAccuracy()
        initializer(self)

    def forward(  # type: ignore
        self,
        tokens: TextFieldTensors,
        tags: Optional[torch.LongTensor] = None,
        metadata: Optional[List[Dict[str, Any]]] = None,
        **kwargs,
    ) -> Dict[str, torch.Tensor]:
        resource = self._batch_resource(metadata)
        mask = get_text_field_mask(tokens)
        words = self._word_embedders[resource](**tokens[WORD_INDEXER])
        characters = self._encode_characters(tokens[CHARACTER_INDEXER], mask)
        embeddings = [words, characters]
        if self._casing_embedding is not None:
            if CASING_INDEXER not in tokens:
                raise ConfigurationError(
                    f'casing_embedding needs a "{CASING_INDEXER}" token indexer in the dataset reader'
                )
            embeddings.append(self._casing_embedding(**tokens[CASING_INDEXER]))
        embedded = self._embedding_dropout(torch.cat(embeddings, dim=-1))

        shared = self._shared_encoder(embedded, mask)
        if self._shared_projection is None:
            features = shared
            if self.transfer == "partial":
                features = torch.cat([self._private_encoders[resource](embedded, mask), shared], -1)
            logits = self._tag_projections[resource](self._encoder_dropout(features))
        else:
            # The authors' layout: dropout, then Dense + tanh, read by taggers and discriminator.
            shared = self._shared_projection(self._encoder_dropout(shared))
            features = shared
            if self.transfer == "partial":
                private = self._encoder_dropout(self._private_encoders[resource](embedded, mask))
                features = torch.cat([private, shared], -1)
            logits = self._tag_projections[resource](features)

        # Every entry has one item per sentence, so that AllenNLP can split the batch's output.
        output: Dict[str, Any] = {
            "logits": logits,
            "mask": mask,
            "resource": [resource] * mask.size(0),
        }
        if metadata is not None:
            output["words"] = [entry["words"] for entry in metadata]
        decode = not self.training or tags is None
        if decode:
            output["tags"] = batched_viterbi_tags(self._crfs[resource], logits, mask)

        if tags is not None:
            loss = -self._crfs[resource](logits, tags, mask)
            if self.discriminator is not None:
                is_source = mask.new_full((mask.size(0),), resource == "source")
                discriminated = self.discriminator(
                    features if self.discriminator_input == "private_and_shared" else shared, mask, is_source
                )
                loss = loss + discriminated["loss"]
                self._discriminator_accuracy(discriminated["probability"] > 0.5, is_source)
            if self.loss_reduction == "mean":
                loss = loss / mask.size(0)
            elif is_distributed():
                # Each worker holds a share of one batch (`resource_batches`) and
                # DistributedDataParallel averages their gradients: scaled so, the average is the
                # gradient of the whole batch's summed loss, as in one process.
                loss = loss * torch.distributed.get_world_size()
            output["loss"] = loss
            if decode:
                predicted = torch.zeros_like(logits)
                for row, path in enumerate(output["tags"]):
                    predicted[row, torch.arange(len(path)), path] = 1
                self._span_metrics[resource](predicted, tags, mask)
                self._decoded_batches[resource] += 1
        return output

    def _encode_characters(self, inputs: Dict[str, torch.Tensor], mask: torch.Tensor) -> torch.Tensor:
        if self.training:
            # Adversarial training normalises the character perturbation per sentence, so the
            # encoder sees the batch as (sentences, words, characters).
            return self._character_encoder(**inputs)
        # Elsewhere only real words go through it: padding words are much of a batch of unsorted
        # sentences (prediction), each word is encoded on its own, and the encoder masks them
        # out anyway. The output is the same.
        (name, token_characters), = inputs.items()
        encoded = self._character_encoder(**{name: token_characters[mask].unsqueeze(0)}).squeeze(0)
        characters = encoded.new_zeros(*mask.shape, encoded.size(-1))
        characters[mask] = encoded
        return characters

    def perturbable_embeddings(self) -> Dict[str, torch.nn.Module]:
        """
        The modules whose outputs adversarial training (the ``adversarial_training`` trainer
        callback) perturbs: ``"source_word"`` and ``"target_word"``, the word embedders, and
        ``"character"``, the character embedding in front of the CNN when the character encoder is
        a ``character_encoding`` (as in the authors' code), else the character encoder itself.
        """
        modules: Dict[str, torch.nn.Module] = {
            f"{resource}_word": self._word_embedders[resource] for resource in self.resources
        }
        if isinstance(self._character_encoder, TokenCharactersEncoder):
            modules["character"] = self._character_encoder._embedding
        else:
            modules["character"] = self._character_encoder
        return modules

    def _batch_resource(self, metadata: Optional[List[Dict[str, Any]]]) -> str:
        if not metadata:
            return "target"
        resources = {entry.get("resource", "target") for entry in metadata}
        if len(resources) != 1:
            raise ValueError(
                f"a batch mixes resources {sorted(resources)}; each batch must hold a single "
                'resource (use the "resource_batches" batch sampler)'
            )
        resource = resources.pop()
        if resource not in self.resources:
            raise ValueError(
                f"got a {resource!r} batch, but a model with transfer {self.transfer!r} only "
                f"tags {list(self.resources)}"
            )
        return resource

    def make_output_human_readable(
        self, output_dict: Dict[str, torch.Tensor]
    ) -> Dict[str, torch.Tensor]:
        namespace = self.label_namespaces[output_dict["resource"][0]]
        output_dict["tags"] = [
            [self.vocab.get_token_from_index(tag, namespace=namespace) for tag in path]
            for path in output_dict["tags"]
        ]
        return output_dict

    def get_metrics(self, reset: bool = False) -> Dict[str, float]:
        metrics: Dict[str, float] = {}
        if self._decoded_batches["target"]:
            target = self._span_metrics["target"].get_metric(reset)
            # Per-type scores in the final numbers (end of epoch, `allennlp evaluate`), not in the
            # progress bar.
            for name, value in target.items():
                if reset or name.endswith("-overall"):
                    metrics[name] = value
        if self._decoded_batches.get("source"):
            source = self._span_metrics["source"].get_metric(reset)
            metrics["source-f1"] = source["f1-measure-overall"]
            if reset:
                metrics.update((f"source-{name}", value) for name, value in source.items())
        if self.discriminator is not None:
            metrics["discriminator-accuracy"] = self._discriminator_accuracy.get_metric(reset)
        if reset:
            self._decoded_batches = {resource: 0 for resource in self.resources}
        return metrics


def _tie_parameters(module: torch.nn.Module, to: torch.nn.Module) -> None:
    # Distinct modules with one set of parameters: each resource keeps its own embedder (adversarial
    # training hooks each one), and every update reaches both.
    namespaces = {getattr(m, "_vocab_namespace", None) for m in (module, to)}
    if len(namespaces) != 1:
        raise ConfigurationError(
            f"share_word_embedding: the word embedders read different vocabulary namespaces {sorted(map(str, namespaces))}"
        )
    shared = dict(to.named_parameters())
    own = dict(module.named_parameters())
    if {name: p.shape for name, p in own.items()} != {name: p.shape for name, p in shared.items()}:
        raise ConfigurationError(
            "share_word_embedding: the source and target word embedders differ in their parameters "
            f"({sorted((n, tuple(p.shape)) for n, p in own.items())} against "
            f"{sorted((n, tuple(p.shape)) for n, p in shared.items())})"
        )
    for name in own:
        owner_name, _, leaf = name.rpartition(".")
        owner = module.get_submodule(owner_name) if owner_name else module
        setattr(owner, leaf, shared[name])


def _check_resource_keys(name: str, modules: Dict[str, Any], resources: tuple) -> None:
    if set(modules) != set(resources):
        raise ConfigurationError(
            f"{name} must have exactly the keys {list(resources)}, got {sorted(modules)}"
        )
