"""Batched Viterbi decoding finds the tags AllenNLP's per-sentence `viterbi_tags` finds."""

import pytest
import torch
from allennlp.modules import ConditionalRandomField
from allennlp.modules.conditional_random_field import allowed_transitions

from datnet_allennlp.modules.batched_viterbi import batched_viterbi_tags

LABELS = dict(enumerate(["O"] + [f"{prefix}-{kind}" for kind in ("PER", "LOC", "ORG") for prefix in "BILU"]))


@pytest.mark.parametrize("constrained", [True, False])
@pytest.mark.parametrize("start_end", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_the_same_paths_as_allennlp(constrained, start_end, seed):
    generator = torch.Generator().manual_seed(seed)
    constraints = allowed_transitions("BIOUL", LABELS) if constrained else None
    crf = ConditionalRandomField(len(LABELS), constraints, include_start_end_transitions=start_end)
    with torch.no_grad():
        for name, parameter in crf.named_parameters():
            if name != "_constraint_mask":  # a parameter too, of 0s and 1s
                parameter.copy_(torch.randn(parameter.shape, generator=generator))
    batch_size, length = 17, 23
    logits = 3 * torch.randn(batch_size, length, len(LABELS), generator=generator)
    lengths = torch.randint(1, length + 1, (batch_size,), generator=generator)
    lengths[0] = length  # one sentence fills the batch, one has a single token
    lengths[1] = 1
    mask = torch.arange(length).unsqueeze(0) < lengths.unsqueeze(1)

    expected = [path for path, _ in crf.viterbi_tags(logits, mask)]
    assert batched_viterbi_tags(crf, logits, mask) == expected
    assert [len(path) for path in expected] == lengths.tolist()


def test_an_empty_batch():
    crf = ConditionalRandomField(len(LABELS))
    assert batched_viterbi_tags(crf, torch.zeros(0, 5, len(LABELS)), torch.zeros(0, 5, dtype=torch.bool)) == []
