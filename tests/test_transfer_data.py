import os
from collections import Counter

import pytest
from allennlp.common.checks import ConfigurationError

from datnet_allennlp.data import DatnetConllReader, ResourceBatchSampler, TransferDatasetReader
from tests.conftest import FIXTURES

DATA = os.path.join(FIXTURES, "data")
SOURCE = os.path.join(DATA, "conll2003_en", "train.txt")  # 3 sentences
TARGET = os.path.join(DATA, "wnut2017", "train.txt")  # 8 sentences


def transfer_reader(**target_kwargs):
    return TransferDatasetReader(
        source=DatnetConllReader(resource="source"),
        target=DatnetConllReader(resource="target", **target_kwargs),
    )


def test_transfer_reader_reads_both_corpora_with_their_resources():
    instances = list(transfer_reader().read({"source": SOURCE, "target": TARGET}))
    assert Counter(i["metadata"]["resource"] for i in instances) == {"source": 3, "target": 8}
    namespaces = {i["metadata"]["resource"]: i["tags"]._label_namespace for i in instances}
    assert namespaces == {"source": "source_labels", "target": "target_labels"}


def test_transfer_reader_samples_only_the_target():
    instances = list(transfer_reader(max_sentences=2).read({"source": SOURCE, "target": TARGET}))
    assert Counter(i["metadata"]["resource"] for i in instances) == {"source": 3, "target": 2}


def test_a_plain_path_is_target_data_as_evaluate_passes_it():
    instances = list(transfer_reader().read(TARGET))
    assert len(instances) == 8 and {i["metadata"]["resource"] for i in instances} == {"target"}


def test_a_list_of_paths_is_read_as_one_corpus():
    dev = os.path.join(DATA, "wnut2017", "dev.txt")
    assert len(list(DatnetConllReader().read([TARGET, dev]))) == 8 + 3


def test_a_dictionary_with_one_resource_reads_that_resource():
    instances = list(transfer_reader().read({"source": SOURCE}))
    assert len(instances) == 3 and {i["metadata"]["resource"] for i in instances} == {"source"}


def test_transfer_reader_refuses_bad_paths_and_mismatched_readers():
    with pytest.raises(ConfigurationError, match='reads {"source": path, "target": path}'):
        list(transfer_reader().read({"test": TARGET}))
    with pytest.raises(ConfigurationError, match='reads {"source": path, "target": path}'):
        list(transfer_reader().read({}))
    with pytest.raises(ConfigurationError, match="the source reader has resource .target."):
        TransferDatasetReader(source=DatnetConllReader(), target=DatnetConllReader())


def instances_of(num_source, num_target):
    reader = DatnetConllReader(resource="source")
    target_reader = DatnetConllReader(resource="target")
    return [reader.text_to_instance(["w"] * (1 + i % 7)) for i in range(num_source)] + [
        target_reader.text_to_instance(["w"] * (1 + i % 5)) for i in range(num_target)
    ]


def test_each_batch_holds_one_resource_and_each_epoch_a_fraction_of_the_source():
    instances = instances_of(num_source=100, num_target=45)
    sampler = ResourceBatchSampler(batch_size=10, source_fraction=0.3)
    for _ in range(3):
        batches = list(sampler.get_batch_indices(instances))
        resources = [{instances[i]["metadata"]["resource"] for i in batch} for batch in batches]
        assert all(len(r) == 1 for r in resources)
        assert sum(r == {"source"} for r in resources) == 3  # int(0.3 * 10 source batches)
        target_indices = sorted(i for b, r in zip(batches, resources) if r == {"target"} for i in b)
        assert target_indices == list(range(100, 145))  # every target sentence, once
        assert len(batches) == sampler.get_num_batches(instances) == 3 + 5
        assert all(len(batch) <= 10 for batch in batches)


def test_source_batches_change_between_epochs_and_cover_the_source():
    instances = instances_of(num_source=100, num_target=10)
    sampler = ResourceBatchSampler(batch_size=10, source_fraction=0.3)
    seen = set()
    for _ in range(30):
        seen.update(i for batch in sampler.get_batch_indices(instances) for i in batch if i < 100)
    assert seen == set(range(100))


def test_batches_group_similar_lengths_and_target_only_data_works():
    instances = instances_of(num_source=0, num_target=40)
    sampler = ResourceBatchSampler(batch_size=8, shuffle=False)
    batches = list(sampler.get_batch_indices(instances))
    lengths = [[len(instances[i]["tokens"]) for i in batch] for batch in batches]
    assert lengths == [sorted(lengths_) for lengths_ in lengths]
    assert max(lengths[0]) <= min(lengths[-1])
    assert sampler.get_num_batches(instances) == 5


def test_bad_sampler_settings_are_refused():
    with pytest.raises(ConfigurationError, match="source_fraction"):
        ResourceBatchSampler(batch_size=8, source_fraction=1.5)
    with pytest.raises(ConfigurationError, match="batch_size"):
        ResourceBatchSampler(batch_size=0)
