import math
import random
from collections import defaultdict
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.common.util import is_distributed
from allennlp.data import BatchSampler, Instance
from allennlp.data.samplers.bucket_batch_sampler import add_noise_to_value


@BatchSampler.register("resource_batches")
class ResourceBatchSampler(BatchSampler):
    """
    Batches for transfer learning, following the DATNet authors' schedule: every batch holds
    sentences of one resource (``metadata["resource"]``), grouped with sentences of similar
    length (or at random, as in the authors' code: `sort_by_length`); each epoch uses all
    target batches and a random `source_fraction` of the source
    batches (a new draw each epoch, so the whole source corpus is seen over the epochs), in random
    order. With only target data it is a plain bucketing sampler.

    In distributed training (AllenNLP's ``distributed`` section) every worker reads all instances
    (our readers do not shard them) and draws the same batches, since AllenNLP seeds every worker
    alike; each worker then takes its share of every batch (sentences rank, rank + workers, ...).
    So the workers step through the epoch's batches together, each step on one resource, every
    sentence once per epoch. A last batch of a resource with fewer sentences than workers joins
    the batch before it.

    Registered as a `BatchSampler` with name "resource_batches".

    # Parameters

    batch_size : `int`
        Sentences per batch.
    source_fraction : `float`, optional (default = `0.3`)
        The fraction of the source batches used per epoch (rounded down, as the authors' code
        does).
    padding_noise : `float`, optional (default = `0.1`)
        Relative noise added to the lengths before sorting, so that batches vary between epochs.
    shuffle : `bool`, optional (default = `True`)
        If `False`, batches come in a fixed order and the first source batches are used.
    target_tail_fraction : `float`, optional (default = `0.0`)
        This fraction of the target batches (a random choice each epoch) ends the epoch, after the
        mixed source and target batches, as in the authors' code (0.2 there): each epoch closes
        with target-only steps.
    sort_by_length : `bool`, optional (default = `True`)
        Group sentences of similar length (with `padding_noise`), as AllenNLP's bucket sampler
        does: less padding, so faster. `False` puts sentences together at random, a new draw each
        epoch (in file order without `shuffle`), as the authors' code does.
    """

    def __init__(
        self,
        batch_size: int,
        source_fraction: float = 0.3,
        padding_noise: float = 0.1,
        shuffle: bool = True,
        target_tail_fraction: float = 0.0,
        sort_by_length: bool = True,
    ) -> None:
        if batch_size < 1:
            raise ConfigurationError(f"batch_size must be at least 1, got {batch_size}")
        if not 0.0 <= source_fraction <= 1.0:
            raise ConfigurationError(f"source_fraction must be in [0, 1], got {source_fraction}")
        if not 0.0 <= target_tail_fraction < 1.0:
            raise ConfigurationError(f"target_tail_fraction must be in [0, 1), got {target_tail_fraction}")
        self.target_tail_fraction = target_tail_fraction
        self.batch_size = batch_size
        self.source_fraction = source_fraction
        self.padding_noise = padding_noise if shuffle else 0.0
        self.shuffle = shuffle
        self.sort_by_length = sort_by_length

    def get_batch_indices(self, instances: Sequence[Instance]) -> Iterable[List[int]]:
        batches: List[List[int]] = []
        tail: List[List[int]] = []
        for resource, indices in self._indices_by_resource(instances).items():
            resource_batches = self._bucket(instances, indices)
            if resource == "source":
                if self.shuffle:
                    random.shuffle(resource_batches)
                resource_batches = resource_batches[: self._num_source_batches(len(indices))]
            elif self.target_tail_fraction > 0:
                if self.shuffle:
                    random.shuffle(resource_batches)
                mixed = int((1.0 - self.target_tail_fraction) * len(resource_batches))
                resource_batches, tail = resource_batches[:mixed], resource_batches[mixed:]
            batches.extend(resource_batches)
        if self.shuffle:
            random.shuffle(batches)
        batches += tail
        rank, workers = _worker_rank_and_count()
        if workers == 1:
            return batches
        # Every worker draws the same batches (the same seed, the same instances: our readers do
        # not shard) and takes its share of each, so the workers step through one batch together.
        return [batch[rank::workers] for batch in batches]

    def get_num_batches(self, instances: Sequence[Instance]) -> int:
        return sum(
            self._num_source_batches(len(indices))
            if resource == "source"
            else self._num_batches(len(indices))
            for resource, indices in self._indices_by_resource(instances).items()
        )

    def get_batch_size(self) -> Optional[int]:
        return self.batch_size

    def _num_source_batches(self, num_instances: int) -> int:
        return int(self.source_fraction * self._num_batches(num_instances))

    def _num_batches(self, num_instances: int) -> int:
        num_batches = math.ceil(num_instances / self.batch_size)
        last = num_instances - (num_batches - 1) * self.batch_size
        if num_batches > 1 and last < _worker_rank_and_count()[1]:
            return num_batches - 1  # that last batch joins the one before it (`_bucket`)
        return num_batches

    @staticmethod
    def _indices_by_resource(instances: Sequence[Instance]) -> Dict[str, List[int]]:
        by_resource: Dict[str, List[int]] = defaultdict(list)
        for index, instance in enumerate(instances):
            by_resource[instance["metadata"]["resource"]].append(index)
        return by_resource

    def _bucket(self, instances: Sequence[Instance], indices: List[int]) -> List[List[int]]:
        if self.sort_by_length:
            ordered = sorted(
                indices,
                key=lambda index: add_noise_to_value(
                    len(instances[index]["tokens"]), self.padding_noise
                ),
            )
        else:
            ordered = list(indices)
            if self.shuffle:
                random.shuffle(ordered)
        batches = [
            ordered[start : start + self.batch_size]
            for start in range(0, len(ordered), self.batch_size)
        ]
        workers = _worker_rank_and_count()[1]
        if len(batches[-1]) < workers:
            if len(batches) == 1:
                raise ConfigurationError(
                    f"{len(ordered)} {instances[ordered[0]]['metadata']['resource']} sentences "
                    f"cannot be shared by {workers} workers"
                )
            batches[-2:] = [batches[-2] + batches[-1]]
        return batches


def _worker_rank_and_count() -> Tuple[int, int]:
    if is_distributed():
        return torch.distributed.get_rank(), torch.distributed.get_world_size()
    return 0, 1
