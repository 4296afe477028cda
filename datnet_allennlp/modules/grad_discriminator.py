from typing import Dict, Optional

import torch
from allennlp.common import FromParams
from allennlp.common.checks import ConfigurationError
from allennlp.nn.util import masked_softmax

from datnet_allennlp.modules.gradient_reversal import reverse_gradient

LOSS_MODES = ("none", "ad", "grad")


class GradDiscriminator(torch.nn.Module, FromParams):
    """
    The resource discriminator of DATNet (paper section 3.4). It pools the shared encoder's output
    sequence with self-attention, maps it to r = P(sentence is from the source resource), and
    sends its gradient reversed into the shared layers, which thereby learn resource-invariant
    features.

    `loss` chooses the objective, summed over the batch like the CRF losses:

    * ``"grad"``, the Generalized Resource-Adversarial Discriminator (Eq. 1):
      ``-alpha (1 - r)^gamma log r`` for a source sentence and
      ``-(1 - alpha) r^gamma log(1 - r)`` for a target sentence. alpha balances the resources,
      gamma (as in the focal loss) down-weights sentences that are already easy to classify.
    * ``"ad"``, the plain adversarial discriminator: cross-entropy ``-log r`` or ``-log(1 - r)``.
    * ``"none"``: the discriminator is not trained and adds no loss (its accuracy is still reported).

    # Parameters

    input_dim : `int`
        Size of the shared encoder's output vectors.
    attention_dim : `int`, optional (default = `100`)
        Size of the tanh projection that scores each position for the attention pooling.
    loss : `str`, optional (default = `"grad"`)
        ``"grad"``, ``"ad"`` or ``"none"``.
    alpha : `float`, optional (default = `0.25`)
        GRAD's weight of the source resource (the target gets `1 - alpha`); the authors' default.
    gamma : `float`, optional (default = `2.0`)
        GRAD's focusing exponent.
    reversal_scale : `float`, optional (default = `0.7`)
        The gradient that reaches the shared layers is `-reversal_scale` times the
        discriminator's; the authors' default.
    mask_padding : `bool`, optional (default = `True`)
        Whether the attention pooling leaves padding positions out. `False` is the authors' code:
        padding gets attention weight too, so the pooled vector also carries how much of the
        batch's length a sentence leaves empty, a cue to its resource that is not in its words.
    """

    def __init__(
        self,
        input_dim: int,
        attention_dim: int = 100,
        loss: str = "grad",
        alpha: float = 0.25,
        gamma: float = 2.0,
        reversal_scale: float = 0.7,
        mask_padding: bool = True,
    ) -> None:
        super().__init__()
        if loss not in LOSS_MODES:
            raise ConfigurationError(
                f"discriminator loss must be one of {LOSS_MODES}, got {loss!r}"
            )
        if not 0.0 <= alpha <= 1.0:
            raise ConfigurationError(f"alpha must be in [0, 1], got {alpha}")
        if gamma < 0:
            raise ConfigurationError(f"gamma must be non-negative, got {gamma}")
        self.loss_mode = loss
        self.alpha = alpha
        self.gamma = gamma
        self.reversal_scale = reversal_scale
        self.mask_padding = mask_padding
        self._attention_projection = torch.nn.Linear(input_dim, attention_dim)
        self._attention_vector = torch.nn.Linear(attention_dim, 1, bias=False)
        self._output = torch.nn.Linear(input_dim, 1)

    def forward(
        self,
        shared_features: torch.Tensor,
        mask: torch.Tensor,
        is_source: Optional[torch.Tensor] = None,
    ) -> Dict[str, torch.Tensor]:
        """
        `shared_features`: (batch, time, input_dim); `mask`: (batch, time); `is_source`: (batch,)
        booleans. Returns the logit of r, r itself and, given `is_source`, the loss.
        """
        features = reverse_gradient(shared_features, self.reversal_scale)
        scores = self._attention_vector(torch.tanh(self._attention_projection(features)))
        if self.mask_padding:
            attention = masked_softmax(scores.squeeze(-1), mask)
        else:
            attention = torch.softmax(scores.squeeze(-1), dim=-1)
        pooled = torch.bmm(attention.unsqueeze(1), features).squeeze(1)
        logit = self._output(pooled).squeeze(-1)
        output = {"logit": logit, "probability": torch.sigmoid(logit)}
        if is_source is not None:
            output["loss"] = self.loss(logit, is_source)
        return output

    def loss(self, logit: torch.Tensor, is_source: torch.Tensor) -> torch.Tensor:
        """The loss for logits of r, summed over the batch."""
        if self.loss_mode == "none":
            return logit.new_zeros(())
        log_r = torch.nn.functional.logsigmoid(logit)  # log r, stable for large |logit|
        log_not_r = torch.nn.functional.logsigmoid(-logit)  # log (1 - r)
        if self.loss_mode == "ad":
            return -torch.where(is_source, log_r, log_not_r).sum()
        r = torch.sigmoid(logit)
        source_term = self.alpha * (1 - r) ** self.gamma * log_r
        target_term = (1 - self.alpha) * r**self.gamma * log_not_r
        return -torch.where(is_source, source_term, target_term).sum()
