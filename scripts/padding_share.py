"""
How much of a training sentence's padded length is padding, by resource, with the batches the
`resource_batches` sampler makes from length buckets (the default) and at random
(`DATNET_OPTIONS` `batches: random`, the authors' code). A sentence's share is
1 - its length / the longest sentence in its batch; each batch holds one resource.

GRAD's discriminator with `discriminator_padding: unmasked` weighs padding positions too, so this
share is a cue to the resource that is not in the words (docs/authors-options.md).

    .venv/bin/python scripts/padding_share.py ../shared/data/conll2003_en/train.txt \\
        ../shared/data/wnut2016/train.txt --epochs 5
"""

import argparse
import random
import statistics
from collections import defaultdict
from typing import Dict, List

from allennlp.data import Instance

from datnet_allennlp.data.conll_reader import DatnetConllReader
from datnet_allennlp.data.resource_batch_sampler import ResourceBatchSampler


def padding_shares(instances: List[Instance], sort_by_length: bool, epochs: int) -> Dict[str, float]:
    # Every source batch each epoch, no target-only tail: the share does not depend on which
    # batches an epoch keeps, and this way every sentence counts once an epoch.
    sampler = ResourceBatchSampler(batch_size=32, source_fraction=1.0, sort_by_length=sort_by_length)
    shares: Dict[str, List[float]] = defaultdict(list)
    for epoch in range(epochs):
        random.seed(epoch)
        for batch in sampler.get_batch_indices(instances):
            longest = max(len(instances[index]["tokens"]) for index in batch)
            for index in batch:
                resource = instances[index]["metadata"]["resource"]
                shares[resource].append(1.0 - len(instances[index]["tokens"]) / longest)
    return {resource: 100.0 * statistics.mean(values) for resource, values in shares.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source_file")
    parser.add_argument("target_file")
    parser.add_argument("--epochs", type=int, default=5, help="epochs averaged (default 5)")
    args = parser.parse_args()
    instances = list(DatnetConllReader(resource="source").read(args.source_file))
    instances += list(DatnetConllReader(resource="target").read(args.target_file))
    for sort_by_length, name in ((True, "length buckets (default)"), (False, "random (authors')")):
        shares = padding_shares(instances, sort_by_length, args.epochs)
        print(f"{name:26s} " + ", ".join(f"{r} {s:.1f} % padding" for r, s in sorted(shares.items())))


if __name__ == "__main__":
    main()
