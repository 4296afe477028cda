import random
from typing import Any, Dict

import numpy
import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import TensorDict
from allennlp.training import GradientDescentTrainer, Trainer
from allennlp.training.callbacks import TrainerCallback


class NonFiniteLossError(FloatingPointError):
    """A training batch's loss is NaN or infinite."""


@Trainer.register("datnet", constructor="from_partial_objects")
class DatnetTrainer(GradientDescentTrainer):
    """
    AllenNLP's `gradient_descent` trainer, with three things long DATNet runs need:

    * **A NaN or infinite loss** stops training with a `NonFiniteLossError` that names the epoch,
      the batch and its resource, and the last checkpoint, which it leaves in place. (The parent
      says only "nan loss encountered", and goes on after an infinite one.) The perturbed pass of
      adversarial training is checked the same way.
    * **Exact resumption.** Checkpoints also hold the random number generators' states (Python's,
      which the `resource_batches` sampler draws from, NumPy's and PyTorch's, which dropout draws
      from), so ``allennlp train --recover`` after a crash continues as the uninterrupted run
      would have: on CPU with the same seed the final weights and metrics are identical. That
      holds for the checkpoints written at the end of each epoch (the default: a crash during
      epoch k redoes epoch k), not for checkpoints in the middle of an epoch.
    * **Distributed training** of a source and a target: a batch of one resource leaves the
      other's parameters without a gradient, which PyTorch's DistributedDataParallel only accepts with
      ``find_unused_parameters``; without it the trainer stops at the start with a message that
      says what to add to the config, instead of PyTorch's "Expected to have finished reduction
      in the prior iteration" after the first step.

    Registered as a `Trainer` with name "datnet"; it takes the parameters of `gradient_descent`.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Saved and loaded with the checkpoint like any callback's state.
        self._random_states = _RandomStates(self._serialization_dir)
        self._callbacks.append(self._random_states)
        if self._distributed and len(getattr(self.model, "resources", ())) > 1:
            module = self._pytorch_model
            if isinstance(module, torch.nn.parallel.DistributedDataParallel) and not module.find_unused_parameters:
                raise ConfigurationError(
                    "distributed training of a model whose batches hold one resource needs "
                    'DistributedDataParallel\'s find_unused_parameters: add "ddp_accelerator": '
                    '{"type": "torch", "find_unused_parameters": true} to the "distributed" section'
                )

    def _train_epoch(self, epoch: int) -> Dict[str, float]:
        # On --recover the parent replays the finished epochs' data loading, without training, to
        # bring the sampler's random draws up to date; the states take over where the first
        # epoch that really trains starts, as they were when the checkpoint was written.
        if self._epochs_completed >= self._start_after_epochs_completed:
            self._random_states.restore()
        return super()._train_epoch(epoch)

    def batch_outputs(self, batch: TensorDict, for_training: bool) -> Dict[str, torch.Tensor]:
        output_dict = super().batch_outputs(batch, for_training)
        if for_training and not torch.isfinite(output_dict["loss"]).all():
            raise NonFiniteLossError(self._describe_non_finite_loss(batch, output_dict["loss"]))
        return output_dict

    def _describe_non_finite_loss(self, batch: TensorDict, loss: torch.Tensor) -> str:
        metadata = batch.get("metadata") or [{}]
        resource = metadata[0].get("resource", "unknown")
        try:
            batches = f" of {len(self.data_loader)}"
        except TypeError:
            batches = ""
        checkpoint = self._checkpointer.find_latest_checkpoint() if self._checkpointer else None
        kept = (
            f"the last checkpoint, {checkpoint[0]}, is from before it"
            if checkpoint
            else "no checkpoint was written before it"
        )
        return (
            f"the training loss is {loss.item()} in epoch {self._epochs_completed} "
            f"(as the log counts them, from 0), batch {self._batches_in_epoch_completed + 1}{batches}, "
            f"a {resource} batch of {len(metadata)} sentences; training stopped and {kept}. "
            "A smaller learning rate or a look at that batch's data may help; "
            "`allennlp train ... --recover` resumes from the checkpoint."
        )


class _RandomStates(TrainerCallback):
    """The random number generators' states, in and out of the trainer's checkpoints."""

    # Plain types and tensors only: checkpoints are read with torch.load(weights_only=True).
    def state_dict(self) -> Dict[str, Any]:
        name, key, position, has_gauss, gauss = numpy.random.get_state()
        states: Dict[str, Any] = {
            "python": random.getstate(),
            "numpy": [name, torch.from_numpy(key.astype(numpy.int64)), position, has_gauss, gauss],
            "torch": torch.get_rng_state(),
        }
        if torch.cuda.is_available():
            states["cuda"] = torch.cuda.get_rng_state_all()
        return states

    def __init__(self, serialization_dir: str) -> None:
        super().__init__(serialization_dir)
        self._loaded: Dict[str, Any] = {}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        self._loaded = state_dict  # empty from a checkpoint written by another trainer

    def restore(self) -> None:
        """Sets the generators to the loaded states, once."""
        state_dict, self._loaded = self._loaded, {}
        if not state_dict:
            return
        version, internal, gauss = state_dict["python"]
        random.setstate((version, tuple(internal), gauss))
        name, key, position, has_gauss, gauss = state_dict["numpy"]
        numpy.random.set_state((name, key.numpy().astype(numpy.uint32), position, has_gauss, gauss))
        torch.set_rng_state(state_dict["torch"])
        if "cuda" in state_dict and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state_dict["cuda"])
