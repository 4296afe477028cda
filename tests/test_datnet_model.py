import json
import os

import pytest
import torch
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.data import Batch, DatasetReader, Vocabulary
from allennlp.models import Model

from tests.conftest import FIXTURES, REPOSITORY, FixtureDataModelTestCase

FIXTURE_DATA = os.path.join(FIXTURES, "data")
TARGET_TRAIN = os.path.join(FIXTURE_DATA, "wnut2017", "train.txt")
TARGET_TYPES = {"corporation", "creative-work", "group", "location", "person", "product"}
ONE_EPOCH = json.dumps({"trainer.num_epochs": 1})


def config(name):
    return os.path.join(REPOSITORY, "training_configs", f"{name}.jsonnet")


class DatnetTestCase(FixtureDataModelTestCase):
    CONFIG = ""
    # The structure these tests check is the paper's (a label set and a CRF per resource, no
    # shared projection); TestDatnetRecommended trains the configs' default.
    SETTINGS = {"DATNET_OPTIONS": json.dumps({"preset": "paper_text"})}

    def setup_method(self):
        super().setup_method()
        # ModelTestCase.set_up_model reads a single path; transfer configs read a dictionary.
        self.param_file = config(self.CONFIG)
        params = Params.from_file(self.param_file)
        reader = DatasetReader.from_params(params["dataset_reader"])
        self.instances = list(reader.read(params["train_data_path"]))
        self.vocab = Vocabulary.from_params(params["vocabulary"], instances=self.instances)
        self.model = Model.from_params(vocab=self.vocab, params=params["model"])
        # Batches hold one resource: ModelTestCase's own checks get the target sentences.
        self.dataset = Batch([i for i in self.instances if i["metadata"]["resource"] == "target"])
        self.dataset.index_instances(self.vocab)

    def test_can_train_save_and_load(self):
        # The check computes gradients on a target batch, which cannot reach the source tagger
        # (its projection, CRF and, in DATNet-P, its private encoder).
        source_only = {name for name, _ in self.model.named_parameters() if ".source." in name}
        self.ensure_model_can_train_save_and_load(
            self.param_file, overrides=ONE_EPOCH, gradients_to_ignore=source_only
        )


class TestDatnetFull(DatnetTestCase):
    CONFIG = "datnet_f_wnut17"

    def test_source_batches_use_the_source_tagger(self):
        source = [i for i in self.instances if i["metadata"]["resource"] == "source"]
        batch = Batch(source)
        batch.index_instances(self.vocab)
        self.model.eval()
        output = self.model.make_output_human_readable(self.model(**batch.as_tensor_dict()))
        assert output["resource"] == ["source"] * len(source)
        assert all(
            tag == "O" or tag[2:] in {"PER", "LOC", "ORG", "MISC"}
            for tags in output["tags"]
            for tag in tags
        )
        metrics = self.model.get_metrics(reset=True)
        assert "source-f1" in metrics and "discriminator-accuracy" in metrics

    def test_forward_on_instances_splits_the_output_per_sentence(self):
        self.model.eval()
        outputs = self.model.forward_on_instances(self.dataset.instances[:6])
        assert [output["resource"] for output in outputs] == ["target"] * 6
        for output, instance in zip(outputs, self.dataset.instances):
            assert len(output["tags"]) == len(output["words"]) == len(instance["tokens"])
            assert all(tag == "O" or tag[2:] in TARGET_TYPES for tag in output["tags"])

    def test_outside_training_only_real_words_are_character_encoded_with_the_same_result(self):
        self.model.eval()
        tokens = self.dataset.as_tensor_dict()["tokens"]
        mask = tokens["tokens"]["tokens"] != 0
        assert not mask.all(), "the batch has padding words"
        packed = self.model._encode_characters(tokens["token_characters"], mask)
        whole = self.model._character_encoder(**tokens["token_characters"])
        assert torch.allclose(packed[mask], whole[mask], atol=1e-6)
        assert (packed[~mask] == 0).all()

    def test_a_batch_mixing_resources_is_refused(self):
        batch = Batch(self.instances[:2] + self.instances[-2:])
        batch.index_instances(self.vocab)
        with pytest.raises(ValueError, match="a batch mixes resources"):
            self.model(**batch.as_tensor_dict())


class TestDatnetPartial(DatnetTestCase):
    CONFIG = "datnet_p_wnut17"

    def test_private_and_shared_features_feed_the_tagger(self):
        assert self.model._tag_projections["target"].in_features == 2 * 200  # [private; shared]


class TestDatnetRecommendedFull(DatnetTestCase):
    """The configs' default, the recommended preset: one label set and CRF, the shared Dense(400),
    the trained unknown word, the per-resource optimizer, trains, saves and loads."""

    CONFIG = "datnet_f_wnut17"
    SETTINGS = {"DATNET_OPTIONS": "{}"}

    def test_is_the_recommended_preset(self):
        assert self.model._shared_projection is not None
        assert self.model._crfs["source"] is self.model._crfs["target"]


class TestDatnetRecommendedPartial(TestDatnetRecommendedFull):
    CONFIG = "datnet_p_wnut17"


class TestDatnetWithoutTransfer(DatnetTestCase):
    CONFIG = "datnet_base_wnut17"

    def test_has_no_source_tagger_and_refuses_source_batches(self):
        assert self.model.resources == ("target",) and self.model.discriminator is None
        reader = DatasetReader.from_params(Params({"type": "datnet_conll", "resource": "source"}))
        instance = reader.text_to_instance(["Paris"])
        reader.apply_token_indexers(instance)
        batch = Batch([instance])
        batch.index_instances(self.vocab)
        with pytest.raises(ValueError, match="only tags \\['target'\\]"):
            self.model(**batch.as_tensor_dict())

    def test_training_skips_decoding_and_validation_reports_span_f1(self):
        batch = Batch(self.instances)
        batch.index_instances(self.vocab)
        self.model.train()
        output = self.model(**batch.as_tensor_dict())
        assert "tags" not in output
        assert "f1-measure-overall" not in self.model.get_metrics(reset=True)
        self.model.eval()
        self.model(**batch.as_tensor_dict())
        # the progress bar shows the overall scores, the final metrics add each entity type
        assert "f1-measure-person" not in self.model.get_metrics()
        final = self.model.get_metrics(reset=True)
        assert {"f1-measure-overall", "f1-measure-person", "precision-location"} <= set(final)


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"transfer": "half"}, "transfer must be one of"),
        ({"transfer": "none", "discriminator": {"loss": "grad"}}, "a discriminator needs transfer"),
        ({"transfer": "partial"}, "private_encoders must have exactly the keys"),
        (
            {"word_embedders": {"target": {"type": "embedding", "embedding_dim": 50}}},
            "word_embedders must have exactly the keys",
        ),
    ],
)
def test_inconsistent_model_configs_are_refused(changes, message, monkeypatch):
    monkeypatch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)
    params = Params.from_file(config("datnet_f_wnut17")).as_dict()
    model_params = {**params["model"], **changes}
    model_params["word_embedders"] = {
        name: {"type": "embedding", "embedding_dim": 50, "vocab_namespace": f"{name}_tokens"}
        for name in model_params["word_embedders"]
    }
    vocab = Vocabulary(
        {
            "source_labels": {"O": 1},
            "target_labels": {"O": 1},
            "source_tokens": {"a": 1},
            "target_tokens": {"a": 1},
        }
    )
    with pytest.raises(ConfigurationError, match=message):
        Model.from_params(Params(model_params), vocab=vocab)
