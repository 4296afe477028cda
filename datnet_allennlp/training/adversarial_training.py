from typing import TYPE_CHECKING, Any, Dict, List, Optional

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.training.callbacks import TrainerCallback

if TYPE_CHECKING:
    from allennlp.training import GradientDescentTrainer

CHARACTER_NORMS = ("sentence", "sentence_and_dimension")


@TrainerCallback.register("adversarial_training")
class AdversarialTrainingCallback(TrainerCallback):
    """
    Adversarial training (AT, DATNet paper section 3.5, Eq. 3-4): every training batch is learned
    twice, as it is and with its embeddings moved a distance epsilon along the gradient of the loss,
    so that each step optimises L(x) + L(x + eta) with eta = epsilon * g / ||g||_2.

    On each training batch the callback runs the backward pass itself: it backpropagates the clean
    loss, which also yields g, the gradient with respect to the outputs of the model's
    `perturbable_embeddings()` (for `datnet`: each resource's word embedding and the character
    embedding in front of the character CNN); it normalises g per sentence over all its other
    dimensions, as the authors' code does, runs the model again on the same batch with eta added to
    those outputs, and backpropagates that loss too. Validation and prediction never see a
    perturbation: the callback only acts on training batches, and it is not part of an archive.

    An embedding whose epsilon is 0 is not perturbed; with every epsilon 0 there is no second pass
    and training is exactly as without the callback. The trainer's progress bar and `loss` metric
    show the clean loss; the perturbed loss is added to each batch's outputs as
    ``"adversarial_loss"`` for other callbacks. The model's training metrics (the discriminator's
    accuracy) count the perturbed pass too.

    The callback keeps no state of its own, so ``allennlp train --recover`` resumes as usual. It
    supports gradient accumulation and distributed training: there each worker perturbs its own
    share of the batch, and DistributedDataParallel averages the gradients of each of the two
    backward passes across the workers (two all-reduces per step; their sum is the gradient of
    L(x) + L(x + eta) over the whole batch). It refuses, when training starts, mixed precision
    (``use_amp``), another callback that runs the backward pass, and models without
    `perturbable_embeddings()`.

    Registered as a `TrainerCallback` with name "adversarial_training".

    # Parameters

    source_word_epsilon : `float`, optional (default = `5.0`)
        The norm of the perturbation of the source word embedding (the paper's epsilon_wS).
    target_word_epsilon : `float`, optional (default = `5.0`)
        The norm of the perturbation of the target word embedding (epsilon_wT).
    character_epsilon : `float`, optional (default = `5.0`)
        The norm of the perturbation of the character embedding, shared by both resources
        (epsilon_c).
    character_norm : `str`, optional (default = `"sentence"`)
        How the character gradient (batch, words, characters, dimensions) is normalised:
        ``"sentence"``, over each sentence's whole tensor (the perturbation has norm epsilon per
        sentence), or ``"sentence_and_dimension"``, separately for each sentence and character
        dimension, as the authors' code does (norm epsilon per sentence and dimension, so
        epsilon * sqrt(D) per sentence).
    """

    def __init__(
        self,
        serialization_dir: str,
        source_word_epsilon: float = 5.0,
        target_word_epsilon: float = 5.0,
        character_epsilon: float = 5.0,
        character_norm: str = "sentence",
    ) -> None:
        super().__init__(serialization_dir)
        if character_norm not in CHARACTER_NORMS:
            raise ConfigurationError(f"character_norm must be one of {CHARACTER_NORMS}, got {character_norm!r}")
        self.character_norm = character_norm
        self.epsilons = {
            "source_word": source_word_epsilon,
            "target_word": target_word_epsilon,
            "character": character_epsilon,
        }
        for name, epsilon in self.epsilons.items():
            if epsilon < 0:
                raise ConfigurationError(f"{name}_epsilon must be >= 0, got {epsilon}")
        self._hooks: List[torch.utils.hooks.RemovableHandle] = []
        self._batches_per_epoch: Optional[int] = None
        # Filled during the clean pass of a batch, used by its perturbed pass.
        self._batch: Optional[Dict[str, Any]] = None
        self._gradients: Dict[str, torch.Tensor] = {}
        self._perturbations: Optional[Dict[str, torch.Tensor]] = None

    def on_start(
        self, trainer: "GradientDescentTrainer", is_primary: bool = True, **kwargs
    ) -> None:
        super().on_start(trainer, is_primary=is_primary, **kwargs)
        model = trainer.model
        if not hasattr(model, "perturbable_embeddings"):
            raise ConfigurationError(
                f"adversarial_training perturbs the embeddings named by a model's "
                f"perturbable_embeddings(); {type(model).__name__} has none (use the datnet model, "
                f'with transfer "none" for the base model)'
            )
        if trainer._use_amp:
            # The trainer runs only its own forward pass under autocast.
            raise ConfigurationError("adversarial_training does not support use_amp")
        for callback in trainer._callbacks:
            if (
                callback is not self
                and type(callback).on_backward is not TrainerCallback.on_backward
            ):
                raise ConfigurationError(
                    f"adversarial_training runs the backward pass itself and cannot be combined "
                    f"with {type(callback).__name__}, which does too"
                )
        if trainer._num_gradient_accumulation_steps > 1:
            # The trainer divides each loss by the size of its accumulation group, which the
            # callback is not told; it recomputes that size from the epoch's length.
            try:
                self._batches_per_epoch = len(trainer.data_loader)
            except TypeError:
                raise ConfigurationError(
                    "adversarial_training with num_gradient_accumulation_steps > 1 needs a data "
                    "loader that knows its length"
                )

        self._remove_hooks()
        self._hooks.append(
            model.register_forward_pre_hook(self._keep_batch, with_kwargs=True)  # type: ignore
        )
        modules = model.perturbable_embeddings()  # type: ignore
        unknown = set(modules) - set(self.epsilons)
        if unknown:
            raise ConfigurationError(
                f"adversarial_training has no epsilon for the embeddings {sorted(unknown)}"
            )
        for name, module in modules.items():
            if self.epsilons[name] > 0:
                self._hooks.append(module.register_forward_hook(self._embedding_hook(name)))

    def on_backward(
        self,
        trainer: "GradientDescentTrainer",
        batch_outputs: Dict[str, torch.Tensor],
        backward_called: bool,
        **kwargs,
    ) -> bool:
        if backward_called:
            raise RuntimeError("adversarial_training must run the backward pass of each batch")
        # Divided as the trainer divides the loss it would backpropagate.
        group_size = self._accumulation_group_size(trainer)
        self._gradients = {}
        (batch_outputs["loss"] / group_size).backward()
        batch, self._batch = self._batch, None
        if not self._gradients:
            return True  # nothing to perturb: every epsilon is 0 or every gradient was blocked

        self._perturbations = {
            name: normalized_perturbation(
                gradient,
                self.epsilons[name],
                per_dimension=name == "character" and self.character_norm == "sentence_and_dimension",
            )
            for name, gradient in self._gradients.items()
        }
        self._gradients = {}
        try:
            adversarial_outputs = trainer.batch_outputs(batch, for_training=True)  # type: ignore
        finally:
            self._perturbations = None
        adversarial_loss = adversarial_outputs["loss"]
        if torch.isnan(adversarial_loss):
            raise ValueError("nan loss encountered on the adversarially perturbed batch")
        (adversarial_loss / group_size).backward()
        batch_outputs["adversarial_loss"] = adversarial_loss.detach()
        return True

    def on_end(self, trainer: "GradientDescentTrainer", **kwargs) -> None:
        self._remove_hooks()

    def _keep_batch(self, module: torch.nn.Module, args: tuple, kwargs: Dict[str, Any]) -> None:
        # The trainer calls the model with the batch as keyword arguments; on_backward is not
        # given the batch, so keep it for the perturbed pass.
        if module.training and self._perturbations is None:
            if args:
                raise RuntimeError(
                    "adversarial_training expects the model to be called with keywords"
                )
            self._batch = kwargs

    def _embedding_hook(self, name: str):
        def hook(module: torch.nn.Module, inputs: Any, output: torch.Tensor):
            if not module.training:
                return None
            if self._perturbations is not None:
                eta = self._perturbations.get(name)
                return None if eta is None else output + eta
            if not output.requires_grad:
                # A fixed (pretrained, not trainable) embedding's output is a leaf: ask for its
                # gradient anyway, it is what AT perturbs.
                output.requires_grad_()
            output.register_hook(lambda gradient: self._gradients.__setitem__(name, gradient))
            return output

        return hook

    def _accumulation_group_size(self, trainer: "GradientDescentTrainer") -> int:
        steps = trainer._num_gradient_accumulation_steps
        if steps == 1:
            return 1
        # `_batches_in_epoch_completed` counts finished accumulation groups; the last group of an
        # epoch may be short.
        assert self._batches_per_epoch is not None
        remaining = self._batches_per_epoch - trainer._batches_in_epoch_completed * steps
        return max(1, min(steps, remaining))

    def _remove_hooks(self) -> None:
        for handle in self._hooks:
            handle.remove()
        self._hooks = []


def normalized_perturbation(gradient: torch.Tensor, epsilon: float, per_dimension: bool = False) -> torch.Tensor:
    """
    eta = epsilon * g / ||g||_2 with the norm taken per sentence (over every dimension but the
    first); with `per_dimension`, per sentence and last (embedding) dimension.
    """
    if per_dimension:
        norms = torch.linalg.vector_norm(gradient, dim=tuple(range(1, gradient.dim() - 1)), keepdim=True)
    else:
        norms = gradient.flatten(1).norm(dim=1).view(-1, *([1] * (gradient.dim() - 1)))
    return epsilon * gradient / norms.clamp_min(1e-12)
