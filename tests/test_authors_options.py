"""The DATNET_OPTIONS that follow the authors' code where the paper is silent (issue: closing the
gap to the paper): the two presets, and each option does what its name says."""

import json
import os

import _jsonnet
import pytest
import torch
from allennlp.common import Params
from allennlp.data import Batch, DatasetReader, Vocabulary
from allennlp.models import Model

from datnet_allennlp.data import ResourceBatchSampler
from datnet_allennlp.training.adversarial_training import normalized_perturbation
from tests.conftest import FIXTURES, REPOSITORY
from tests.test_datnet_model import DatnetTestCase
from tests.test_transfer_data import instances_of

FIXTURE_DATA = os.path.join(FIXTURES, "data")
# The options where the recommended preset departs from the paper's text, at the paper's values.
PAPER_TEXT_OF_RECOMMENDED = {
    "unknown_words": "per_word",
    "lr_schedule": "inverse_time",
    "shared_projection": None,
    "loss_reduction": "sum",
    "at_character_norm": "sentence",
    "target_tail": 0.0,
    "share_labels": False,
    "optimizer_per_resource": False,
    "word_vectors": "fixed",
    "grad_reversal_scale": 0.7,
}
AUTHORS = {
    "unknown_words": "trainable_unk",
    "char_encoder": "authors",
    "lr_schedule": "constant",
    "shared_projection": 400,
    "loss_reduction": "mean",
    "at_character_norm": "sentence_and_dimension",
    "target_tail": 0.2,
    "wnut16_train": "train",
    "word_vectors": "fixed",  # their tune_emb flag is off
}


def evaluated(config, options, monkeypatch):
    monkeypatch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)
    monkeypatch.setenv("DATNET_OPTIONS", json.dumps(options))
    return Params.from_file(os.path.join(REPOSITORY, "training_configs", config + ".jsonnet")).as_dict(quiet=True)


def test_paper_text_preset_is_every_option_at_the_paper_value(monkeypatch):
    paper = evaluated("datnet_f_wnut16", {"preset": "paper_text"}, monkeypatch)
    assert paper == evaluated(
        "datnet_f_wnut16", {"preset": "recommended", **PAPER_TEXT_OF_RECOMMENDED}, monkeypatch
    )
    assert paper["trainer"]["learning_rate_scheduler"]["type"] == "inverse_time_decay"
    assert paper["model"]["character_encoder"]["encoder"]["type"] == "cnn"
    assert "shared_projection_dim" not in paper["model"] and "loss_reduction" not in paper["model"]
    assert "character_norm" not in paper["trainer"]["callbacks"][0]


def test_default_preset_is_the_combination_the_grids_measured(monkeypatch):
    default = evaluated("datnet_f_wnut16", {}, monkeypatch)
    assert default == evaluated("datnet_f_wnut16", {"preset": "recommended"}, monkeypatch)
    assert default["model"]["shared_projection_dim"] == 400 and default["model"]["loss_reduction"] == "mean"
    assert default["trainer"]["callbacks"][0]["character_norm"] == "sentence_and_dimension"
    assert default["model"]["character_encoder"]["encoder"]["type"] == "cnn"  # not the authors' encoder
    # GloVe is fine-tuned, the trained unknown vector with it (the authors' code keeps both fixed).
    assert default["model"]["word_embedders"]["target"]["trainable"] is True
    # GRAD's gradient does not reach the shared layers (the authors' code reverses it at 0.7).
    assert default["model"]["discriminator"]["reversal_scale"] == 0
    # The grids spell the combination out option by option: it must stay the default.
    combinations = _jsonnet.evaluate_file(os.path.join(REPOSITORY, "training_configs", "grids",
                                                       "authors_options.libsonnet"))
    combination = json.loads(combinations)["all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0"]
    for config, model in (("datnet_f_wnut16", "DATNet-F"), ("datnet_p_wnut16", "DATNet-P"), ("datnet_base_wnut16", "Base")):
        options = dict(combination, **({"at_character_norm": "sentence_and_dimension"} if model != "Base" else {}))
        assert evaluated(config, {}, monkeypatch) == evaluated(config, options, monkeypatch)
    assert default != evaluated("datnet_f_wnut16", {"preset": "paper_text"}, monkeypatch)


def test_an_option_replaces_its_presets_value(monkeypatch):
    config = evaluated("datnet_f_wnut16", {"lr_schedule": "inverse_time"}, monkeypatch)
    assert config["trainer"]["learning_rate_scheduler"]["type"] == "inverse_time_decay"
    assert config["model"]["shared_projection_dim"] == 400  # the rest stays the preset's


def test_each_option_changes_its_part_of_the_config(monkeypatch):
    config = evaluated("datnet_f_wnut16", AUTHORS, monkeypatch)
    model, trainer = config["model"], config["trainer"]
    assert "learning_rate_scheduler" not in trainer
    assert trainer["callbacks"][0]["character_norm"] == "sentence_and_dimension"
    assert model["shared_projection_dim"] == 400 and model["loss_reduction"] == "mean"
    assert model["character_encoder"]["encoder"]["type"] == "cnn-highway"
    assert model["character_encoder"]["encoder"]["filters"] == [[1, 10], [2, 20], [3, 30], [4, 40], [5, 50]]
    assert model["shared_encoder"]["input_size"] == 50 + 150
    assert model["word_embedders"]["target"]["type"] == "embedding_with_trainable_unknown"
    assert config["vocabulary"]["only_include_pretrained_words"] is True
    assert config["vocabulary"]["min_count"] == {"token_characters": 5}
    assert config["data_loader"]["batch_sampler"]["target_tail_fraction"] == 0.2
    # WNUT-2016 with the other corpora's protocol: train only, dev selects the epoch.
    assert config["train_data_path"]["target"].endswith("wnut2016/train.txt")
    assert config["validation_data_path"].endswith("wnut2016/dev.txt")
    partial = evaluated("datnet_p_wnut17", {"p_discriminator_input": "private_and_shared", "p_source_fraction": 1.0},
                        monkeypatch)
    assert partial["model"]["discriminator_input"] == "private_and_shared"
    assert partial["data_loader"]["batch_sampler"]["source_fraction"] == 1.0


def test_f_source_fraction_sets_the_training_sampler_of_full_transfer(monkeypatch):
    assert evaluated("datnet_f_wnut16", {}, monkeypatch)["data_loader"]["batch_sampler"]["source_fraction"] == 0.3
    every_batch = evaluated("datnet_f_wnut16", {"f_source_fraction": 1.0}, monkeypatch)
    assert every_batch["data_loader"]["batch_sampler"]["source_fraction"] == 1.0
    # Validation always scores every sentence; DATNet-P keeps its own option.
    assert every_batch["validation_data_loader"]["batch_sampler"]["source_fraction"] == 1.0
    partial = evaluated("datnet_p_wnut17", {"f_source_fraction": 1.0}, monkeypatch)
    assert partial["data_loader"]["batch_sampler"]["source_fraction"] == 0.3


def test_grad_reversal_scale_reaches_the_discriminator(monkeypatch):
    # At the authors' 0.7 the key stays out (the module's default), so older configs are unchanged.
    authors = evaluated("datnet_f_wnut16", {"grad_reversal_scale": 0.7}, monkeypatch)
    assert authors["model"]["discriminator"] == {"loss": "grad", "alpha": 0.25}
    stronger = evaluated("ablation_f_transfer_grad_wnut16", {"grad_reversal_scale": 2.0}, monkeypatch)
    assert stronger["model"]["discriminator"] == {"loss": "grad", "alpha": 0.25, "reversal_scale": 2.0}
    reader = DatasetReader.from_params(Params(stronger["dataset_reader"]))
    vocab = Vocabulary.from_params(Params(stronger["vocabulary"]), instances=reader.read(stronger["train_data_path"]))
    model = Model.from_params(vocab=vocab, params=Params(stronger["model"]))
    assert model.discriminator.reversal_scale == 2.0


def test_discriminator_padding_reaches_the_discriminator(monkeypatch):
    # Masked, the default, leaves the key out, so earlier configs and run digests stay the same.
    masked = evaluated("datnet_f_wnut16", {"discriminator_padding": "masked"}, monkeypatch)
    assert "mask_padding" not in masked["model"]["discriminator"]
    unmasked = evaluated(
        "ablation_f_transfer_grad_wnut16", {"discriminator_padding": "unmasked", "grad_reversal_scale": 0.7}, monkeypatch
    )
    assert unmasked["model"]["discriminator"] == {"loss": "grad", "alpha": 0.25, "mask_padding": False}
    reader = DatasetReader.from_params(Params(unmasked["dataset_reader"]))
    vocab = Vocabulary.from_params(Params(unmasked["vocabulary"]), instances=reader.read(unmasked["train_data_path"]))
    model = Model.from_params(vocab=vocab, params=Params(unmasked["model"]))
    assert model.discriminator.mask_padding is False
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: discriminator_padding must be "masked" or "unmasked", got "none"'):
        evaluated("datnet_f_wnut16", {"discriminator_padding": "none"}, monkeypatch)


def test_at_epsilon_sets_the_word_and_character_epsilons(monkeypatch):
    epsilons = ("source_word_epsilon", "target_word_epsilon", "character_epsilon")
    default = evaluated("datnet_f_wnut16", {}, monkeypatch)["trainer"]["callbacks"][0]
    swept = evaluated("datnet_f_wnut16", {"at_epsilon": 2.0}, monkeypatch)["trainer"]["callbacks"][0]
    assert [default[key] for key in epsilons] == [5.0] * 3
    assert [swept[key] for key in epsilons] == [2.0] * 3


def test_hashtags_option_sets_every_datnet_reader(monkeypatch):
    for config in ("datnet_f_wnut16", "datnet_base_wnut16"):
        assert "strip_hashtags" not in json.dumps(evaluated(config, {}, monkeypatch))
        stripped = evaluated(config, {"hashtags": "strip"}, monkeypatch)
        readers = [stripped[key] for key in ("dataset_reader", "validation_dataset_reader")]
        readers = [part for reader in readers for part in ([reader["source"], reader["target"]] if "target" in reader else [reader])]
        assert len(readers) == (4 if config == "datnet_f_wnut16" else 2)
        assert all(reader["strip_hashtags"] is True for reader in readers)


def test_target_subset_first_reaches_the_sampled_target_reader_only(monkeypatch):
    monkeypatch.setenv("DATNET_TARGET_SENTENCES", "100")
    for config in ("datnet_f_wnut16", "datnet_base_wnut16"):
        assert "subset" not in json.dumps(evaluated(config, {}, monkeypatch))
        first = evaluated(config, {"target_subset": "first"}, monkeypatch)
        training = first["dataset_reader"]
        target = training["target"] if "target" in training else training
        assert (target["max_sentences"], target["subset"]) == (100, "first")
        # The source corpus and the readers of dev and test are never subsets.
        assert json.dumps(first).count('"subset"') == 1


def test_target_sample_seed_run_seed_draws_other_sentences_for_each_seed(monkeypatch):
    monkeypatch.setenv("DATNET_TARGET_SENTENCES", "2")

    def drawn(options, seed):
        monkeypatch.setenv("DATNET_SEED", str(seed))
        config = evaluated("datnet_base_wnut16", options, monkeypatch)
        reader = DatasetReader.from_params(Params(config["dataset_reader"]))
        return tuple(
            " ".join(token.text for token in instance["tokens"])
            for instance in reader.read(config["train_data_path"])
        )

    # The default: every seed trains on the same sentences (the reader's sample_seed 1).
    assert len({drawn({}, seed) for seed in range(1, 6)}) == 1
    # run_seed: the reader draws with DATNET_SEED, the same sentences for the same seed.
    per_seed = {drawn({"target_sample_seed": "run_seed"}, seed) for seed in range(1, 6)}
    assert len(per_seed) > 1
    assert drawn({"target_sample_seed": "run_seed"}, 3) == drawn({"target_sample_seed": 3}, 7)
    monkeypatch.setenv("DATNET_SEED", "7")
    config = evaluated("datnet_f_wnut16", {"target_sample_seed": "run_seed"}, monkeypatch)
    assert config["dataset_reader"]["target"]["sample_seed"] == 7
    # Only the sampled target reader draws; the source and the dev and test readers read all.
    assert json.dumps(config).count('"sample_seed"') == 1
    # Without a sample there is nothing to draw.
    monkeypatch.setenv("DATNET_TARGET_SENTENCES", "")
    assert "sample_seed" not in json.dumps(evaluated("datnet_f_wnut16", {"target_sample_seed": "run_seed"}, monkeypatch))


def test_char_vocabulary_all_files_counts_the_characters_of_every_file_of_both_corpora(monkeypatch):
    assert "character_files" not in json.dumps(evaluated("datnet_f_wnut16", {}, monkeypatch))
    transfer = evaluated("datnet_f_wnut16", {"char_vocabulary": "all_files"}, monkeypatch)["vocabulary"]
    files = [os.path.relpath(path, FIXTURE_DATA) for path in transfer["character_files"]["token_characters"]]
    assert files == [f"{corpus}/{split}.txt" for corpus in ("conll2003_en", "wnut2016") for split in ("train", "dev", "test")]
    assert (transfer["type"], transfer["character_min_count"]) == ("from_instances_and_corpus_files", 5)
    base = evaluated("datnet_base_wnut17", {"char_vocabulary": "all_files", "char_min_count": 2}, monkeypatch)["vocabulary"]
    assert [os.path.basename(os.path.dirname(path)) for path in base["character_files"]["token_characters"]] == ["wnut2017"] * 3
    assert base["character_min_count"] == 2
    # A user's corpus has no test file in the config: its train and dev files are counted.
    monkeypatch.setenv("DATNET_TARGET_TRAIN", os.path.join(FIXTURE_DATA, "wnut2017", "train.txt"))
    monkeypatch.setenv("DATNET_TARGET_DEV", "")
    custom = evaluated("datnet_f_custom", {"char_vocabulary": "all_files"}, monkeypatch)["vocabulary"]
    assert [os.path.relpath(path, FIXTURE_DATA) for path in custom["character_files"]["token_characters"]][-1] == "wnut2017/train.txt"
    assert custom["tag_files"]  # the label set of a corpus without written types still comes along


def test_batches_option_sets_the_training_sampler_only(monkeypatch):
    for config in ("datnet_f_wnut16", "datnet_base_wnut16"):
        assert "sort_by_length" not in json.dumps(evaluated(config, {}, monkeypatch))
        random_batches = evaluated(config, {"batches": "random"}, monkeypatch)
        assert random_batches["data_loader"]["batch_sampler"]["sort_by_length"] is False
        assert "sort_by_length" not in random_batches["validation_data_loader"]["batch_sampler"]


def test_random_batches_mix_lengths_and_cover_every_sentence_once():
    instances = instances_of(num_source=100, num_target=100)
    lengths = [len(instance["tokens"]) for instance in instances]
    bucketed = ResourceBatchSampler(batch_size=10, source_fraction=1.0)
    shuffled = ResourceBatchSampler(batch_size=10, source_fraction=1.0, sort_by_length=False)

    def length_spread(sampler):
        batches = list(sampler.get_batch_indices(instances))
        assert sorted(i for batch in batches for i in batch) == list(range(200))
        assert all(len({instances[i]["metadata"]["resource"] for i in batch}) == 1 for batch in batches)
        return sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches)

    # Lengths cycle 1..7 (source) and 1..5 (target): bucketed batches hold one or two lengths,
    # random ones nearly all of them, and a new draw each epoch.
    assert length_spread(bucketed) <= 20 < 60 <= length_spread(shuffled)
    assert list(shuffled.get_batch_indices(instances)) != list(shuffled.get_batch_indices(instances))
    in_order = ResourceBatchSampler(batch_size=10, source_fraction=1.0, sort_by_length=False, shuffle=False)
    assert list(in_order.get_batch_indices(instances))[0] == list(range(10))


def test_tensorflow_initialization_follows_tensorflow_defaults(monkeypatch):
    config = evaluated("datnet_f_wnut17", {"initialization": "tensorflow"}, monkeypatch)
    reader = DatasetReader.from_params(Params(config["dataset_reader"]))
    instances = list(reader.read(config["train_data_path"]))
    vocab = Vocabulary.from_params(Params(config["vocabulary"]), instances=instances)
    torch.manual_seed(0)
    model = Model.from_params(vocab=vocab, params=Params(config["model"]))
    lstm = model._shared_encoder._module
    hidden = lstm.hidden_size
    forget = slice(hidden, 2 * hidden)  # PyTorch's gates: input, forget, cell, output
    assert torch.all(lstm.bias_ih_l0 == 0) and torch.all(lstm.bias_hh_l0[forget] == 1)
    assert lstm.bias_hh_l0.sum().item() == hidden
    for weight in (lstm.weight_ih_l0, model._shared_projection[0].weight, model._tag_projections["target"].weight,
                   model.discriminator._output.weight):
        limit = (6 / sum(weight.shape[:2])) ** 0.5  # Glorot-uniform: every entry within the limit
        assert weight.abs().max().item() <= limit and weight.abs().max().item() > 0.9 * limit
    assert torch.all(model._shared_projection[0].bias == 0) and torch.all(model._tag_projections["source"].bias == 0)
    # The word vectors are untouched (the same seed draws the same rows where a word has none).
    torch.manual_seed(0)
    default = Model.from_params(
        vocab=vocab, params=Params(evaluated("datnet_f_wnut17", {}, monkeypatch)["model"])
    )
    assert torch.equal(model._word_embedders["target"].weight, default._word_embedders["target"].weight)
    assert torch.any(default._shared_encoder._module.bias_ih_l0 != 0)


def test_unknown_options_are_refused(monkeypatch):
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: preset must be one of \["paper_text", "recommended"\], got "authors"'):
        evaluated("datnet_f_wnut16", {"preset": "authors"}, monkeypatch)
    with pytest.raises(Exception, match=r"DATNET_OPTIONS: unknown options \[\"wordvecs\"\]"):
        evaluated("datnet_f_wnut16", {"wordvecs": "x"}, monkeypatch)
    with pytest.raises(Exception, match="lr_schedule must be"):
        evaluated("datnet_f_wnut16", {"lr_schedule": "cosine"}, monkeypatch)
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: at_epsilon must be a number, got "x"'):
        evaluated("datnet_f_wnut16", {"at_epsilon": "x"}, monkeypatch)
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: hashtags must be "keep" or "strip", got true'):
        evaluated("datnet_f_wnut16", {"hashtags": True}, monkeypatch)
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: batches must be "length_buckets" or "random", got "sorted"'):
        evaluated("datnet_f_wnut16", {"batches": "sorted"}, monkeypatch)
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: initialization must be "pytorch" or "tensorflow", got "keras"'):
        evaluated("datnet_f_wnut16", {"initialization": "keras"}, monkeypatch)
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: wnut16_train must be "train\+dev", "train" or "train\+dev_dev_selects", got "dev"'):
        evaluated("datnet_f_wnut16", {"wnut16_train": "dev"}, monkeypatch)
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: target_subset must be "random" or "first", got "last"'):
        evaluated("datnet_f_wnut16", {"target_subset": "last"}, monkeypatch)
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: target_sample_seed must be an integer or "run_seed", got "each"'):
        evaluated("datnet_f_wnut16", {"target_sample_seed": "each"}, monkeypatch)
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: target_sample_seed must be an integer or "run_seed", got 1.5'):
        evaluated("datnet_f_wnut16", {"target_sample_seed": 1.5}, monkeypatch)
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: char_vocabulary must be "training" or "all_files", got "test"'):
        evaluated("datnet_f_wnut16", {"char_vocabulary": "test"}, monkeypatch)
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: f_source_fraction must be a number in \[0, 1\], got 1.5'):
        evaluated("datnet_f_wnut16", {"f_source_fraction": 1.5}, monkeypatch)
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: p_source_fraction must be a number in \[0, 1\], got "all"'):
        evaluated("datnet_p_wnut17", {"p_source_fraction": "all"}, monkeypatch)
    with pytest.raises(Exception, match=r"DATNET_OPTIONS: grad_reversal_scale must be a number at least 0, got -1"):
        evaluated("datnet_f_wnut16", {"grad_reversal_scale": -1}, monkeypatch)
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: share_words must be true or false, got "yes"'):
        evaluated("datnet_f_wnut16", {"share_words": "yes"}, monkeypatch)


def test_wnut16_train_chooses_the_training_files_and_whether_dev_selects(monkeypatch):
    merged, train_only, authors = (
        evaluated("datnet_f_wnut16", {"wnut16_train": value}, monkeypatch)
        for value in ("train+dev", "train", "train+dev_dev_selects")
    )
    assert [os.path.basename(path) for path in merged["train_data_path"]["target"]] == ["train.txt", "dev.txt"]
    assert "validation_data_path" not in merged  # the paper's protocol: the last epoch
    assert os.path.basename(train_only["train_data_path"]["target"]) == "train.txt"
    assert train_only["validation_data_path"].endswith("wnut2016/dev.txt")
    # The authors' code with use_dev: dev is trained on and still selects the epoch.
    assert authors["train_data_path"] == merged["train_data_path"]
    assert authors["validation_data_path"] == train_only["validation_data_path"]
    # The other corpora keep their protocol whatever the option says.
    assert evaluated("datnet_f_wnut17", {"wnut16_train": "train+dev"}, monkeypatch)["validation_data_path"].endswith("wnut2017/dev.txt")


def test_low_resource_sampling_draws_from_train_only(monkeypatch):
    # The fixture WNUT-2016 has 2 training sentences and more in dev: 3 can only come from train + dev.
    monkeypatch.setenv("DATNET_TARGET_SENTENCES", "3")
    merged = evaluated("datnet_base_wnut16", {}, monkeypatch)
    reader = DatasetReader.from_params(Params(merged["dataset_reader"]))
    assert len(list(reader.read(merged["train_data_path"]))) == 3
    train_only = evaluated("datnet_base_wnut16", {"wnut16_train": "train"}, monkeypatch)
    reader = DatasetReader.from_params(Params(train_only["dataset_reader"]))
    with pytest.raises(Exception, match=r"wnut2016/train.txt: max_sentences is 3, but the file has only 2"):
        list(reader.read(train_only["train_data_path"]))


def one_sgd_step(model, dataset):
    """One plain SGD step on `dataset`'s loss, so that a test sees which parameters training moves."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    model.train()
    optimizer.zero_grad()
    model(**dataset.as_tensor_dict())["loss"].backward()
    optimizer.step()


class TestTrainableUnknownWord(DatnetTestCase):
    CONFIG = "datnet_f_wnut17"
    SETTINGS = {"DATNET_OPTIONS": json.dumps(AUTHORS)}

    def test_words_without_vectors_share_one_trained_unknown_vector(self):
        unknown = self.vocab.get_token_index("@@UNKNOWN@@", "target_tokens")
        # "lakers" is a training word without a GloVe vector: it is not in the vocabulary.
        assert self.vocab.get_token_index("lakers", "target_tokens") == unknown
        assert self.vocab.get_token_index("unseenword", "target_tokens") != unknown  # a vector, no training
        embedder = self.model._word_embedders["target"]
        fixed_before = embedder.weight.detach().clone()
        unknown_before = embedder.unknown_vector.detach().clone()
        one_sgd_step(self.model, self.dataset)
        assert embedder.unknown_vector.grad is not None and embedder.unknown_vector.grad.abs().sum() > 0
        assert not torch.equal(embedder.unknown_vector.detach(), unknown_before)
        assert torch.equal(embedder.weight.detach(), fixed_before)  # the pretrained rows stay fixed
        # A test word without a vector ("people") gets the trained vector.
        ids = torch.tensor([[self.vocab.get_token_index("people", "target_tokens"),
                             self.vocab.get_token_index("london", "target_tokens")]])
        embedded = embedder(ids)
        assert ids[0, 0] == unknown
        assert torch.equal(embedded[0, 0], embedder.unknown_vector.detach())
        assert torch.equal(embedded[0, 1], embedder.weight[ids[0, 1]])

    def test_rare_characters_map_to_the_unknown_character(self):
        counts = {}
        for instance in self.instances:
            for token in instance["tokens"]:
                for character in token.text:
                    counts[character] = counts.get(character, 0) + 1
        rare = [c for c, n in counts.items() if n < 5]
        unknown = self.vocab.get_token_index("@@UNKNOWN@@", "token_characters")
        assert rare and all(self.vocab.get_token_index(c, "token_characters") == unknown for c in rare)

    def test_shared_projection_feeds_taggers_and_discriminator(self):
        assert self.model._shared_projection[0].out_features == 400
        assert self.model.discriminator._output.in_features == 400
        assert self.model._tag_projections["target"].in_features == 400

    def test_mean_loss_is_the_summed_loss_over_the_batch_size(self):
        self.model.eval()  # no dropout: the two passes see the same network
        mean = self.model(**self.dataset.as_tensor_dict())["loss"]
        self.model.loss_reduction = "sum"
        total = self.model(**self.dataset.as_tensor_dict())["loss"]
        assert torch.allclose(mean * len(self.dataset.instances), total)

    def test_can_train_save_and_load(self):
        source_only = {name for name, _ in self.model.named_parameters() if ".source." in name}
        # With trainable_unk the fixed tables never get a gradient, by design.
        fixed = {name for name, _ in self.model.named_parameters() if name.endswith("_word_embedders.target.weight")}
        self.ensure_model_can_train_save_and_load(
            self.param_file, overrides=json.dumps({"trainer.num_epochs": 1}), gradients_to_ignore=source_only | fixed
        )


def test_word_vectors_option_sets_every_word_embedding_and_the_vocabulary(monkeypatch):
    def embedders(options):
        return evaluated("datnet_f_wnut16", options, monkeypatch)["model"]["word_embedders"]

    fixed = embedders({"word_vectors": "fixed"})
    assert {fixed[r]["type"] for r in fixed} == {"embedding_with_trainable_unknown"}
    assert all("trainable" not in fixed[r] for r in fixed)  # the fixed table: the module's default
    assert embedders({}) == embedders({"word_vectors": "fine_tuned"})  # the default
    assert all(e["trainable"] is True for e in embedders({"word_vectors": "fine_tuned"}).values())
    per_word = embedders({"word_vectors": "fine_tuned", "unknown_words": "per_word"})
    assert all(e["type"] == "embedding" and e["trainable"] is True and "pretrained_file" in e for e in per_word.values())
    assert all(e["trainable"] is False for e in embedders({"word_vectors": "fixed", "unknown_words": "per_word"}).values())
    no_vectors = evaluated("datnet_f_wnut16", {"word_vectors": "none"}, monkeypatch)
    for resource, embedder in no_vectors["model"]["word_embedders"].items():
        assert embedder == {"type": "embedding", "embedding_dim": 50, "trainable": True,
                            "vocab_namespace": resource + "_tokens"}
    # Without vectors, words seen fewer than word_min_count times share the trained unknown vector.
    assert no_vectors["vocabulary"]["pretrained_files"] == {}
    assert no_vectors["vocabulary"]["min_count"] == {"token_characters": 5, "source_tokens": 5, "target_tokens": 5}
    with pytest.raises(Exception, match=r"word_vectors must be \"fixed\", \"fine_tuned\" or \"none\", got \"glove\""):
        evaluated("datnet_base_wnut16", {"word_vectors": "glove"}, monkeypatch)


class TestFineTunedWordVectors(DatnetTestCase):
    CONFIG = "datnet_f_wnut17"
    SETTINGS = {"DATNET_OPTIONS": json.dumps(dict(AUTHORS, word_vectors="fine_tuned"))}

    def test_pretrained_rows_and_the_unknown_vector_are_trained(self):
        embedder = self.model._word_embedders["target"]
        weight_before = embedder.weight.detach().clone()
        unknown_before = embedder.unknown_vector.detach().clone()
        one_sgd_step(self.model, self.dataset)
        seen = {self.vocab.get_token_index(token.text.lower(), "target_tokens")
                for instance in self.dataset.instances for token in instance["tokens"]}
        unknown = self.vocab.get_token_index("@@UNKNOWN@@", "target_tokens")
        changed = (embedder.weight.detach() != weight_before).any(dim=1).nonzero().flatten().tolist()
        # Exactly the rows of the batch's words with a vector move; the unknown vector moves too.
        assert set(changed) == seen - {unknown}
        assert not torch.equal(embedder.unknown_vector.detach(), unknown_before)


class TestNoWordVectors(DatnetTestCase):
    CONFIG = "datnet_f_wnut17"
    SETTINGS = {"DATNET_OPTIONS": json.dumps(dict(AUTHORS, word_vectors="none", word_min_count=2))}

    def test_frequent_training_words_get_their_own_trained_vectors(self):
        counts = {}
        for instance in self.instances:
            if instance["metadata"]["resource"] == "target":
                for token in instance["tokens"]:
                    counts[token.text.lower()] = counts.get(token.text.lower(), 0) + 1
        unknown = self.vocab.get_token_index("@@UNKNOWN@@", "target_tokens")
        frequent = [word for word, n in counts.items() if n >= 2]
        rare = [word for word, n in counts.items() if n < 2]
        assert frequent and rare
        assert all(self.vocab.get_token_index(word, "target_tokens") != unknown for word in frequent)
        assert all(self.vocab.get_token_index(word, "target_tokens") == unknown for word in rare)
        # No vector file: a word of the GloVe file that training never saw is unknown.
        assert self.vocab.get_token_index("unseenword", "target_tokens") == unknown
        assert self.model._word_embedders["target"].weight.requires_grad


def test_private_and_shared_discriminator_input(monkeypatch):
    config = evaluated("datnet_p_wnut17", {"preset": "paper_text", "p_discriminator_input": "private_and_shared"},
                       monkeypatch)
    reader = DatasetReader.from_params(Params(config["dataset_reader"]))
    instances = list(reader.read(config["train_data_path"]))
    vocab = Vocabulary.from_params(Params(config["vocabulary"]), instances=instances)
    model = Model.from_params(vocab=vocab, params=Params(config["model"]))
    assert model.discriminator._output.in_features == 200 + 200  # [private (2 x 100); shared (2 x 100)]
    batch = Batch([i for i in instances if i["metadata"]["resource"] == "source"])
    batch.index_instances(vocab)
    assert model(**batch.as_tensor_dict())["loss"] > 0


def test_character_perturbation_per_sentence_and_dimension():
    gradient = torch.randn(3, 4, 6, 5)  # sentences, words, characters, dimensions
    eta = normalized_perturbation(gradient, 2.0, per_dimension=True)
    per_dimension = eta.pow(2).sum(dim=(1, 2)).sqrt()
    assert torch.allclose(per_dimension, torch.full((3, 5), 2.0))
    assert torch.allclose(eta.flatten(1).norm(dim=1), torch.full((3,), 2.0 * 5 ** 0.5))
    per_sentence = normalized_perturbation(gradient, 2.0)
    assert torch.allclose(per_sentence.flatten(1).norm(dim=1), torch.full((3,), 2.0))


def test_each_epoch_ends_with_the_target_only_tail():
    instances = instances_of(num_source=100, num_target=100)
    sampler = ResourceBatchSampler(batch_size=10, source_fraction=0.3, target_tail_fraction=0.2)
    for _ in range(3):
        batches = list(sampler.get_batch_indices(instances))
        resources = [instances[batch[0]]["metadata"]["resource"] for batch in batches]
        assert resources[-2:] == ["target", "target"]  # 10 target batches: 8 mixed, 2 at the end
        assert sorted(i for batch in batches for i in batch if i >= 100) == list(range(100, 200))
        assert resources.count("source") == 3 and len(batches) == sampler.get_num_batches(instances)
    # Without the tail, target batches are mixed all through: some epoch ends with a source batch.
    plain = ResourceBatchSampler(batch_size=10, source_fraction=0.3)
    assert any(instances[list(plain.get_batch_indices(instances))[-1][0]]["metadata"]["resource"] == "source"
               for _ in range(30))


def test_each_resource_optimizer_steps_only_on_its_own_batches(monkeypatch, tmp_path):
    from allennlp.common import Lazy
    from allennlp.training.optimizers import Optimizer

    from datnet_allennlp.training.per_resource_optimizer import PerResourceOptimizer

    config = evaluated("datnet_f_wnut17", {"optimizer_per_resource": True}, monkeypatch)
    assert config["trainer"]["optimizer"] == {"type": "per_resource", "optimizer": {"type": "adam", "lr": 0.001}}
    reader = DatasetReader.from_params(Params(config["dataset_reader"]))
    instances = list(reader.read(config["train_data_path"]))
    vocab = Vocabulary.from_params(Params(config["vocabulary"]), instances=instances)
    model = Model.from_params(vocab=vocab, params=Params(config["model"]))
    parameters = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    optimizer = PerResourceOptimizer(parameters, Lazy(Optimizer, Params({"type": "adam", "lr": 0.001})))
    shared = model._shared_encoder._module.weight_ih_l0

    def step(resource):
        batch = Batch([i for i in instances if i["metadata"]["resource"] == resource])
        batch.index_instances(vocab)
        optimizer.zero_grad()
        model(**batch.as_tensor_dict())["loss"].backward()
        optimizer.step()

    def steps(resource):
        state = optimizer.optimizers[resource].state.get(shared, {})
        return int(state["step"]) if "step" in state else 0

    step("source")
    step("source")
    step("target")
    assert (steps("source"), steps("target")) == (2, 1)
    source_moment = optimizer.optimizers["source"].state[shared]["exp_avg"].clone()
    step("target")
    assert torch.equal(optimizer.optimizers["source"].state[shared]["exp_avg"], source_moment)
    assert (steps("source"), steps("target")) == (2, 2)
    # A scheduler's learning rate reaches both; a checkpoint round trip keeps both states.
    optimizer.param_groups[0]["lr"] = 0.5
    assert optimizer.optimizers["source"].param_groups[0]["lr"] == optimizer.optimizers["target"].param_groups[0]["lr"] == 0.5
    restored = PerResourceOptimizer(parameters, Lazy(Optimizer, Params({"type": "adam", "lr": 0.001})))
    restored.load_state_dict(optimizer.state_dict())
    assert int(restored.optimizers["source"].state[shared]["step"]) == 2
    restored.param_groups[0]["lr"] = 0.25
    assert restored.optimizers["target"].param_groups[0]["lr"] == 0.25
    # Gradients of both resources in one step are refused.
    for resource in ("source", "target"):
        batch = Batch([i for i in instances if i["metadata"]["resource"] == resource])
        batch.index_instances(vocab)
        model(**batch.as_tensor_dict())["loss"].backward()
    with pytest.raises(RuntimeError, match="exactly one resource"):
        optimizer.step()


def test_per_resource_optimizer_trains_from_a_config(monkeypatch, tmp_path):
    from allennlp.commands.train import train_model_from_file

    monkeypatch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)
    monkeypatch.setenv("DATNET_OPTIONS", json.dumps({"optimizer_per_resource": True}))
    config = os.path.join(REPOSITORY, "training_configs", "datnet_f_wnut17.jsonnet")
    train_model_from_file(config, str(tmp_path / "run"), overrides=json.dumps({"trainer.num_epochs": 2}))
    assert os.path.isfile(tmp_path / "run" / "model.tar.gz")


def test_shared_labels_use_one_label_set_and_one_crf(monkeypatch, tmp_path):
    from allennlp.commands.train import train_model_from_file
    from allennlp.models.archival import load_archive
    from allennlp.predictors import Predictor

    config = evaluated("datnet_f_wnut17", {"share_labels": True}, monkeypatch)
    labels = config["vocabulary"]["tokens_to_add"]["labels"]
    assert labels[0] == "O" and len(labels) == len(set(labels)) == 1 + 4 * 4 + 4 * 6
    assert config["dataset_reader"]["source"]["label_namespace"] == "labels"
    train_model_from_file(os.path.join(REPOSITORY, "training_configs", "datnet_f_wnut17.jsonnet"),
                          str(tmp_path / "run"), overrides=json.dumps({"trainer.num_epochs": 1}))
    archive = load_archive(str(tmp_path / "run" / "model.tar.gz"))
    model = archive.model
    assert model._crfs["source"] is model._crfs["target"]
    # One CRF: its transitions, start and end transitions, once.
    assert [name for name, p in model.named_parameters() if name.startswith("_crfs.") and p.requires_grad] == [
        "_crfs.source.transitions", "_crfs.source.start_transitions", "_crfs.source.end_transitions"]
    assert model._tag_projections["source"] is not model._tag_projections["target"]
    predictor = Predictor.from_archive(archive)
    for resource in ("source", "target"):
        tagged = predictor.predict_json({"tokens": ["Obama", "in", "London"], "resource": resource})
        assert len(tagged["tags"]) == 3 and all(tag == "O" or tag[:2] in ("B-", "I-") for tag in tagged["tags"])


def test_shared_words_use_one_vocabulary_and_one_word_table(monkeypatch, tmp_path):
    from allennlp.commands.train import train_model_from_file
    from allennlp.models.archival import load_archive
    from allennlp.predictors import Predictor

    # The default (fine-tuned vectors, the trained unknown vector) with AT, which hooks each
    # resource's word embedder.
    config = evaluated("datnet_f_wnut17", {"share_words": True}, monkeypatch)
    assert config["model"]["share_word_embedding"] is True
    assert {r: e["vocab_namespace"] for r, e in config["model"]["word_embedders"].items()} == {"source": "tokens", "target": "tokens"}
    assert {r: reader["token_indexers"]["tokens"]["namespace"] for r, reader in config["dataset_reader"].items()
            if r in ("source", "target")} == {"source": "tokens", "target": "tokens"}
    assert list(config["vocabulary"]["pretrained_files"]) == list(config["vocabulary"]["min_pretrained_embeddings"]) == ["tokens"]
    assert "share_word_embedding" not in evaluated("datnet_base_wnut17", {"share_words": True}, monkeypatch)["model"]
    assert "share_word_embedding" not in evaluated("datnet_f_wnut17", {}, monkeypatch)["model"]

    monkeypatch.setenv("DATNET_OPTIONS", json.dumps({"share_words": True}))
    train_model_from_file(os.path.join(REPOSITORY, "training_configs", "datnet_f_wnut17.jsonnet"),
                          str(tmp_path / "run"), overrides=json.dumps({"trainer.num_epochs": 1}))
    archive = load_archive(str(tmp_path / "run" / "model.tar.gz"))
    model = archive.model
    source, target = model._word_embedders["source"], model._word_embedders["target"]
    assert source is not target
    assert target.weight is source.weight and target.unknown_vector is source.unknown_vector
    assert source.weight.requires_grad
    assert not [name for name, _ in model.named_parameters() if name.startswith("_word_embedders.target")]
    predictor = Predictor.from_archive(archive)
    assert len(predictor.predict_json({"tokens": ["Obama", "in", "London"], "resource": "target"})["tags"]) == 3


def test_shared_words_need_the_same_vectors_for_both_corpora(monkeypatch):
    # A user's corpus without vectors beside CoNLL-2003's GloVe: one table cannot hold both.
    monkeypatch.setenv("DATNET_TARGET_TRAIN", os.path.join(FIXTURE_DATA, "wnut2017", "train.txt"))
    monkeypatch.setenv("DATNET_TARGET_VECTORS", "none")
    with pytest.raises(Exception, match=r"DATNET_OPTIONS: share_words needs the same word vectors for both corpora, got .*source.*glove.*target.*null"):
        evaluated("datnet_f_custom", {"share_words": True}, monkeypatch)


def test_tied_word_embedders_need_one_namespace_and_the_same_parameters():
    from allennlp.common.checks import ConfigurationError
    from allennlp.modules.token_embedders import Embedding
    from datnet_allennlp.models.datnet import _tie_parameters

    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(["a", "b"], "source_tokens")
    vocab.add_tokens_to_namespace(["a", "b"], "target_tokens")
    source = Embedding(embedding_dim=4, vocab_namespace="source_tokens", vocab=vocab)
    with pytest.raises(ConfigurationError, match="different vocabulary namespaces"):
        _tie_parameters(Embedding(embedding_dim=4, vocab_namespace="target_tokens", vocab=vocab), source)
    with pytest.raises(ConfigurationError, match="differ in their parameters"):
        _tie_parameters(Embedding(embedding_dim=5, vocab_namespace="source_tokens", vocab=vocab), source)
    target = Embedding(embedding_dim=4, vocab_namespace="source_tokens", vocab=vocab)
    _tie_parameters(target, source)
    assert target.weight is source.weight


def test_screening_grid_leaves_each_transfer_option_out_of_the_combination_on_f_transfer(monkeypatch):
    from datnet_allennlp.reproduce.experiments import load_grid_file

    monkeypatch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)
    cells = load_grid_file(os.path.join(REPOSITORY, "training_configs", "grids", "authors_options_wnut16.jsonnet"))
    options = {(cell.model, cell.setting): json.loads(cell.env["DATNET_OPTIONS"]) for cell in cells}
    combination = options[("F-Transfer (GRAD)", "all_but_char_encoder")]
    left_out = {setting: value for (model, setting), value in options.items()
                if setting.startswith("all_but_char_encoder_and_")}
    assert {model for model, setting in options if setting in left_out} == {"F-Transfer (GRAD)"}
    assert set(left_out) == {"all_but_char_encoder_and_" + name
                             for name in ("optimizer_per_resource", "share_labels", "target_tail")}
    for setting, value in left_out.items():
        name = setting[len("all_but_char_encoder_and_"):]
        assert value == dict(combination, **{name: PAPER_TEXT_OF_RECOMMENDED[name]}) != combination


def test_screening_grid_runs_the_grad_and_source_batch_settings_on_the_models_with_a_discriminator_only(monkeypatch):
    from datnet_allennlp.reproduce.experiments import load_grid_file

    monkeypatch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)
    cells = load_grid_file(os.path.join(REPOSITORY, "training_configs", "grids", "authors_options_wnut16.jsonnet"))
    by_cell = {(cell.model, cell.setting): cell for cell in cells}
    combination = json.loads(by_cell[("F-Transfer (GRAD)", "all_but_char_encoder")].env["DATNET_OPTIONS"])
    for setting in ("all_but_char_encoder_plus_equal_grad_weights", "all_but_char_encoder_plus_all_source_batches"):
        assert {model for model, name in by_cell if name == setting} == {"F-Transfer (GRAD)"}
    equal_weights = by_cell[("F-Transfer (GRAD)", "all_but_char_encoder_plus_equal_grad_weights")]
    assert equal_weights.env["DATNET_ALPHA"] == "0.5"
    assert json.loads(equal_weights.env["DATNET_OPTIONS"]) == combination
    every_source_batch = by_cell[("F-Transfer (GRAD)", "all_but_char_encoder_plus_all_source_batches")]
    assert json.loads(every_source_batch.env["DATNET_OPTIONS"]) == dict(combination, f_source_fraction=1)
    assert "DATNET_ALPHA" not in every_source_batch.env
    # No reversal is confirmed with AT too (DATNet-F); the stronger and weaker ones only screened without it.
    for scale, models in ((2, {"F-Transfer (GRAD)"}), (0.1, {"F-Transfer (GRAD)"}), (0.3, {"F-Transfer (GRAD)"}),
                          (0, {"F-Transfer (GRAD)", "DATNet-F"})):
        reversal = f"all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_{scale}"
        assert {model for model, name in by_cell if name == reversal} == models
        for model in models:
            fine_tuned = json.loads(by_cell[(model, "all_but_char_encoder_plus_fine_tuned_word_vectors")].env["DATNET_OPTIONS"])
            assert json.loads(by_cell[(model, reversal)].env["DATNET_OPTIONS"]) == dict(fine_tuned, grad_reversal_scale=scale)
    # The discriminator's padding: random batches at 0.7, padding masked (the control) and not, F-Transfer only.
    fine_tuned = json.loads(by_cell[("F-Transfer (GRAD)", "all_but_char_encoder_plus_fine_tuned_word_vectors")].env["DATNET_OPTIONS"])
    random_batches = "all_but_char_encoder_plus_fine_tuned_word_vectors_plus_random_batches"
    for setting, padding in ((random_batches, {}), (random_batches + "_plus_unmasked_discriminator_padding",
                                                    {"discriminator_padding": "unmasked"})):
        assert {model for model, name in by_cell if name == setting} == {"F-Transfer (GRAD)"}
        assert json.loads(by_cell[("F-Transfer (GRAD)", setting)].env["DATNET_OPTIONS"]) == dict(
            fine_tuned, batches="random", **padding)


def _paper_protocol_rows(cells, setting):
    # One row of the results table per model, target and target size.
    return {(cell.model, cell.target, cell.target_sentences): cell for cell in cells if cell.setting == setting}


@pytest.fixture(scope="module")
def paper_protocol_grid():
    # The paper-protocol grid's cells, loaded once for the tests that only read them (a load takes about 10 s).
    from datnet_allennlp.reproduce.experiments import load_grid_file

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)
        return load_grid_file(os.path.join(REPOSITORY, "training_configs", "grids", "authors_options_paper_protocol.jsonnet"))


@pytest.fixture(scope="module")
def default_paper_protocol_rows(paper_protocol_grid):
    # The paper-protocol grid's rows of the default's two settings: fine-tuned GloVe with reversal 0.7, and without reversal.
    return (_paper_protocol_rows(paper_protocol_grid, "all_but_char_encoder_plus_fine_tuned_word_vectors"),
            _paper_protocol_rows(paper_protocol_grid, "all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0"))


def test_grids_run_the_word_vector_settings_as_the_combination_plus_word_vectors(monkeypatch):
    from datnet_allennlp.reproduce.experiments import load_grid_file

    monkeypatch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)
    grids = os.path.join(REPOSITORY, "training_configs", "grids")
    screening = {(cell.model, cell.setting): json.loads(cell.env["DATNET_OPTIONS"])
                 for cell in load_grid_file(os.path.join(grids, "authors_options_wnut16.jsonnet"))}
    for value, setting, models in (
        # Fine-tuned vectors are confirmed with AT too; no vectors only screened without it.
        ("fine_tuned", "all_but_char_encoder_plus_fine_tuned_word_vectors", {"Base", "F-Transfer (GRAD)", "+AT", "DATNet-F"}),
        ("none", "all_but_char_encoder_plus_no_word_vectors", {"Base", "F-Transfer (GRAD)"}),
    ):
        assert {model for model, name in screening if name == setting} == models
        for model in models:
            assert screening[(model, setting)] == dict(screening[(model, "all_but_char_encoder")], word_vectors=value)
    # One word table for both resources needs a source corpus: F-Transfer only.
    shared_words = "all_but_char_encoder_plus_fine_tuned_word_vectors_plus_shared_words"
    assert {model for model, name in screening if name == shared_words} == {"F-Transfer (GRAD)"}
    assert screening[("F-Transfer (GRAD)", shared_words)] == dict(
        screening[("F-Transfer (GRAD)", "all_but_char_encoder_plus_fine_tuned_word_vectors")], share_words=True)
    # Cased words: the default (no reversal) plus the option, on Base and F-Transfer.
    cased_words = "all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0_plus_cased_words"
    assert {model for model, name in screening if name == cased_words} == {"Base", "F-Transfer (GRAD)"}
    for model in ("Base", "F-Transfer (GRAD)"):
        assert screening[(model, cased_words)] == dict(
            screening[(model, "all_but_char_encoder_plus_fine_tuned_word_vectors")], grad_reversal_scale=0, word_case="cased")
    # Word casing: the default plus the option, on every model (with AT too: it could change the default).
    word_casing = "all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0_plus_word_casing"
    casing_models = {"Base", "F-Transfer (GRAD)", "+AT", "DATNet-F"}
    assert {model for model, name in screening if name == word_casing} == casing_models
    for model in casing_models:
        assert screening[(model, word_casing)] == dict(
            screening[(model, "all_but_char_encoder_plus_fine_tuned_word_vectors")], grad_reversal_scale=0, word_casing="embedding")
    protocol = load_grid_file(os.path.join(grids, "authors_options_paper_protocol.jsonnet"))
    # Table 4, Table 3 at 500 sentences and WNUT-2017: each fine-tuned row is its fixed-vector row plus the option.
    fixed = _paper_protocol_rows(protocol, "all_but_char_encoder")
    fine_tuned = _paper_protocol_rows(protocol, "all_but_char_encoder_plus_fine_tuned_word_vectors")
    assert set(fine_tuned) == {(model, "wnut16", None) for model in ("Base", "+AT", "+F-T (GRAD)", "DATNet-F")} | {
        (model, target, sentences) for model in ("Base", "DATNet-F") for target, sentences in (("wnut16", 500), ("wnut17", None))} | {
        ("+AT", "wnut16", 500), ("+F-Transfer", "wnut16", 500),
        ("+P-Transfer", "wnut16", 500), ("DATNet-P", "wnut16", 500)} | {
        (model, "wnut16", sentences) for model in ("Base", "+AT") for sentences in (10, 50, 100, 200, 1000)}  # no fixed-GloVe rows (the next tests)
    for key, cell in fine_tuned.items():
        if key[0] in ("+AT", "+F-Transfer", "+P-Transfer", "DATNet-P") or key[2] not in (None, 500):
            continue
        assert json.loads(cell.env["DATNET_OPTIONS"]) == dict(json.loads(fixed[key].env["DATNET_OPTIONS"]), word_vectors="fine_tuned")
        assert (cell.config, cell.test_file, cell.paper) == (fixed[key].config, fixed[key].test_file, fixed[key].paper)


def test_paper_protocol_grid_runs_the_fine_tuned_rows_without_gradient_reversal_on_the_models_with_a_discriminator(default_paper_protocol_rows):
    fine_tuned, no_reversal = default_paper_protocol_rows
    default_only_rows = {("+P-T (GRAD)", "wnut16", None), ("DATNet-P", "wnut16", None),
                         ("+F-Transfer", "wnut16", 1000), ("DATNet-F", "wnut16", 1000)}
    assert not default_only_rows & set(fine_tuned)
    # Base and +AT have no discriminator: the option would change nothing there.
    assert set(no_reversal) == {("+F-T (GRAD)", "wnut16", None), ("DATNet-F", "wnut16", None),
                                ("DATNet-F", "wnut16", 500), ("DATNet-F", "wnut17", None),
                                ("+F-Transfer", "wnut16", 500), ("+P-Transfer", "wnut16", 500),
                                ("DATNet-P", "wnut16", 500), ("+P-T (GRAD)", "wnut16", None), ("DATNet-P", "wnut16", None),
                                ("+F-Transfer", "wnut16", 1000), ("DATNet-F", "wnut16", 1000)}
    for key, cell in no_reversal.items():
        if key in default_only_rows:
            continue  # rows run with the default only (the tests below)
        assert json.loads(cell.env["DATNET_OPTIONS"]) == dict(json.loads(fine_tuned[key].env["DATNET_OPTIONS"]), grad_reversal_scale=0)
        assert (cell.config, cell.test_file, cell.paper) == (fine_tuned[key].config, fine_tuned[key].test_file, fine_tuned[key].paper)


def test_paper_protocol_grid_runs_the_defaults_table_4_rows_with_the_authors_selection_too(paper_protocol_grid, default_paper_protocol_rows):
    fine_tuned, no_reversal = default_paper_protocol_rows
    # Each is the default preset's last-epoch row (no reversal where there is a discriminator) with
    # dev, trained on, selecting the epoch, as the combination's _dev_selects rows are.
    for default, rows, models in (
        ("all_but_char_encoder_plus_fine_tuned_word_vectors", fine_tuned, {"Base", "+AT"}),
        ("all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0", no_reversal,
         {"+F-T (GRAD)", "DATNet-F"}),
    ):
        dev_selects = _paper_protocol_rows(paper_protocol_grid, default + "_dev_selects")
        assert set(dev_selects) == {(model, "wnut16", None) for model in models}
        for key, cell in dev_selects.items():
            assert json.loads(cell.env["DATNET_OPTIONS"]) == dict(
                json.loads(rows[key].env["DATNET_OPTIONS"]), wnut16_train="train+dev_dev_selects")
            assert (cell.config, cell.test_file, cell.paper) == (rows[key].config, rows[key].test_file, rows[key].paper)


def test_paper_protocol_grid_runs_table_3s_at_and_transfer_rows_at_500_sentences_with_the_default(default_paper_protocol_rows):
    fine_tuned, no_reversal = default_paper_protocol_rows
    # Each is its Table 4 row of the default preset, on 500 sentences drawn from train (dev selects);
    # + F-Transfer runs with the authors' reversal 0.7 too (the test before checks that row).
    for rows, model, table4_model, paper_f1 in ((fine_tuned, "+AT", "+AT", 35.68),
                                                 (no_reversal, "+F-Transfer", "+F-T (GRAD)", 38.35)):
        cell, full_data = rows[(model, "wnut16", 500)], rows[(table4_model, "wnut16", None)]
        assert json.loads(cell.env["DATNET_OPTIONS"]) == dict(json.loads(full_data.env["DATNET_OPTIONS"]), wnut16_train="train")
        assert (cell.config, cell.test_file, cell.paper.f1) == (full_data.config, full_data.test_file, paper_f1)


def test_paper_protocol_grid_runs_table_3s_base_and_at_rows_at_every_size_as_at_500_sentences_with_the_default(default_paper_protocol_rows):
    fine_tuned, _ = default_paper_protocol_rows
    for model, paper_f1 in (("Base", (3.80, 14.07, 17.99, 26.20, 36.99)), ("+AT", (4.34, 16.87, 18.43, 26.32, 41.69))):
        at_500 = fine_tuned[(model, "wnut16", 500)]
        for sentences, f1 in zip((10, 50, 100, 200, 1000), paper_f1):
            cell = fine_tuned[(model, "wnut16", sentences)]
            assert (cell.env, cell.config, cell.test_file) == (at_500.env, at_500.config, at_500.test_file)
            assert cell.paper.f1 == f1


def test_paper_protocol_grid_runs_table_3s_base_and_at_rows_for_150_epochs_only_as_a_labelled_diagnostic(paper_protocol_grid, default_paper_protocol_rows):
    # The 150-epoch rows are the default's Base and + AT rows at 10 to 100 sentences with only the
    # number of epochs overridden, under their own setting, so that no 50-epoch row mixes with them.
    fine_tuned, _ = default_paper_protocol_rows
    longer = _paper_protocol_rows(paper_protocol_grid, "all_but_char_encoder_plus_fine_tuned_word_vectors_150_epochs")
    assert sorted(longer, key=str) == sorted(((model, "wnut16", sentences) for model in ("Base", "+AT") for sentences in (10, 50, 100)), key=str)
    for key, cell in longer.items():
        default = fine_tuned[key]
        assert (cell.env, cell.config, cell.test_file, cell.paper.f1) == (default.env, default.config, default.test_file, default.paper.f1)
        assert (cell.overrides, default.overrides) == ({"trainer.num_epochs": 150}, {})


def test_paper_protocol_grid_runs_table_3s_rows_with_word_casing_as_the_default_plus_the_option(paper_protocol_grid, default_paper_protocol_rows):
    fine_tuned, no_reversal = default_paper_protocol_rows
    cased = _paper_protocol_rows(paper_protocol_grid, "all_but_char_encoder_plus_fine_tuned_word_vectors_plus_word_casing")
    assert sorted(cased, key=str) == sorted([("Base", "wnut16", sentences) for sentences in (50, 100, 200, 500, 1000)]
                                            + [("+AT", "wnut16", 500), ("Base", "wnut17", None)], key=str)
    for key, cell in cased.items():
        default = fine_tuned[key]
        assert json.loads(cell.env["DATNET_OPTIONS"]) == dict(json.loads(default.env["DATNET_OPTIONS"]), word_casing="embedding")
        assert (cell.config, cell.test_file, cell.paper.f1, cell.overrides) == (default.config, default.test_file, default.paper.f1, {})
    # + F-Transfer at 500 sentences: the default without reversal plus the option.
    transfer = _paper_protocol_rows(paper_protocol_grid, "all_but_char_encoder_plus_fine_tuned_word_vectors_plus_grad_reversal_0_plus_word_casing")
    assert list(transfer) == [("+F-Transfer", "wnut16", 500)]
    default = no_reversal[("+F-Transfer", "wnut16", 500)]
    cell = transfer[("+F-Transfer", "wnut16", 500)]
    assert json.loads(cell.env["DATNET_OPTIONS"]) == dict(json.loads(default.env["DATNET_OPTIONS"]), word_casing="embedding")
    assert (cell.config, cell.test_file, cell.paper.f1) == (default.config, default.test_file, default.paper.f1)


def test_paper_protocol_grid_runs_table_3s_transfer_rows_at_1000_sentences_as_at_500_with_the_default(default_paper_protocol_rows):
    _, no_reversal = default_paper_protocol_rows
    for model, paper_f1 in (("+F-Transfer", 44.81), ("DATNet-F", 45.25)):
        cell, at_500 = no_reversal[(model, "wnut16", 1000)], no_reversal[(model, "wnut16", 500)]
        assert (cell.env, cell.config, cell.test_file) == (at_500.env, at_500.config, at_500.test_file)
        assert cell.paper.f1 == paper_f1


def test_paper_protocol_grid_runs_table_3s_part_share_rows_at_500_sentences_as_their_full_share_rows(default_paper_protocol_rows):
    # + P-Transfer and DATNet-P take the options of + F-Transfer and DATNet-F at 500 sentences (the
    # DATNet-P options stay the paper's), in both settings; only the config and the paper's F1 differ.
    for rows in default_paper_protocol_rows:
        for model, full_share, config, paper_f1 in (("+P-Transfer", "+F-Transfer", "ablation_p_transfer_grad_wnut16", 34.90),
                                                    ("DATNet-P", "DATNet-F", "datnet_p_wnut16", 36.05)):
            cell, full_share_cell = rows[(model, "wnut16", 500)], rows[(full_share, "wnut16", 500)]
            assert cell.env == full_share_cell.env
            assert os.path.basename(cell.config) == config + ".jsonnet"
            assert (cell.test_file, cell.paper.f1) == (full_share_cell.test_file, paper_f1)


def test_paper_protocol_grid_runs_table_4s_part_share_rows_as_their_full_share_rows_with_the_default(default_paper_protocol_rows):
    # Full data, the default preset only: + P-Transfer (GRAD) and DATNet-P take the options of
    # + F-Transfer (GRAD) and DATNet-F (the DATNet-P options stay the paper's); only the config and
    # the paper's F1 (Table 4's) differ.
    _, no_reversal = default_paper_protocol_rows
    for model, full_share, config, paper_f1 in (("+P-T (GRAD)", "+F-T (GRAD)", "ablation_p_transfer_grad_wnut16", 48.91),
                                                ("DATNet-P", "DATNet-F", "datnet_p_wnut16", 50.85)):
        cell, full_share_cell = no_reversal[(model, "wnut16", None)], no_reversal[(full_share, "wnut16", None)]
        assert cell.env == full_share_cell.env
        assert os.path.basename(cell.config) == config + ".jsonnet"
        assert (cell.test_file, cell.paper.f1) == (full_share_cell.test_file, paper_f1)
