import torch
from allennlp.training.learning_rate_schedulers import LearningRateScheduler
from allennlp.training.learning_rate_schedulers.pytorch_lr_schedulers import (
    _PyTorchLearningRateSchedulerWrapper,
)


@LearningRateScheduler.register("inverse_time_decay")
class InverseTimeDecay(_PyTorchLearningRateSchedulerWrapper):
    """
    The paper's learning-rate schedule: in epoch t (counting from 0) the learning rate is
    `lr_0 / (1 + decay_rate * t)`, where lr_0 is the optimizer's initial learning rate.

    Registered as a `LearningRateScheduler` with name "inverse_time_decay".

    # Parameters

    optimizer : `torch.optim.Optimizer`
        Supplied by the trainer.
    decay_rate : `float`, optional (default = `0.05`)
        The paper's rho.
    last_epoch : `int`, optional (default = `-1`)
        The index of the last epoch, for resuming training.
    """

    def __init__(
        self, optimizer: torch.optim.Optimizer, decay_rate: float = 0.05, last_epoch: int = -1
    ) -> None:
        if decay_rate < 0:
            raise ValueError(f"decay_rate must be non-negative, got {decay_rate}")
        lr_scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda epoch: 1.0 / (1.0 + decay_rate * epoch), last_epoch=last_epoch
        )
        super().__init__(lr_scheduler)
