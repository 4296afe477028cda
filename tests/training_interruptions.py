"""Trainer callbacks that interrupt training the way real failures do, for the resume and NaN tests
(`allennlp train ... --include-package tests.training_interruptions`)."""

import os
import signal

import torch
from allennlp.training.callbacks import TrainerCallback


@TrainerCallback.register("kill_once")
class KillOnce(TrainerCallback):
    """SIGKILLs the training process during batch `batch` of epoch `epoch` (both from 0), once:
    the `marker` file records that it happened, so the recovered run goes on."""

    def __init__(self, serialization_dir: str, epoch: int, batch: int, marker: str) -> None:
        super().__init__(serialization_dir)
        self.epoch, self.batch, self.marker = epoch, batch, marker

    def on_batch(self, trainer, batch_inputs, batch_outputs, batch_metrics, epoch, batch_number,
                 is_training, is_primary=True, batch_grad_norm=None, **kwargs) -> None:
        if is_training and (epoch, batch_number) == (self.epoch, self.batch) and not os.path.exists(self.marker):
            open(self.marker, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)


@TrainerCallback.register("poison_weights")
class PoisonWeights(TrainerCallback):
    """After training batch `batch` of epoch `epoch`, sets the target tag projection's weights to
    NaN, so that the next target batch's loss is NaN."""

    def __init__(self, serialization_dir: str, epoch: int, batch: int) -> None:
        super().__init__(serialization_dir)
        self.epoch, self.batch = epoch, batch

    def on_batch(self, trainer, batch_inputs, batch_outputs, batch_metrics, epoch, batch_number,
                 is_training, is_primary=True, batch_grad_norm=None, **kwargs) -> None:
        if is_training and (epoch, batch_number) == (self.epoch, self.batch):
            with torch.no_grad():
                for parameter in trainer.model._tag_projections["target"].parameters():
                    parameter.fill_(float("nan"))
