import pytest
import torch
from allennlp.common import Params
from allennlp.training.learning_rate_schedulers import LearningRateScheduler

import datnet_allennlp  # noqa: F401 (registers the scheduler)


def test_learning_rate_follows_the_papers_schedule():
    optimizer = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.001)
    scheduler = LearningRateScheduler.from_params(
        Params({"type": "inverse_time_decay", "decay_rate": 0.05}), optimizer=optimizer
    )
    rates = []
    for epoch in range(4):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()  # the trainer calls this at the end of each epoch
    assert rates == pytest.approx([0.001 / (1 + 0.05 * t) for t in range(4)])


def test_negative_decay_rate_is_refused():
    optimizer = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.001)
    with pytest.raises(ValueError, match="decay_rate must be non-negative"):
        LearningRateScheduler.from_params(
            Params({"type": "inverse_time_decay", "decay_rate": -1}), optimizer=optimizer
        )
