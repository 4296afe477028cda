import json
import os

import pytest
from allennlp.commands.evaluate import evaluate_from_archive
from allennlp.common import Params
from allennlp.commands.train import train_model
from allennlp.models.archival import load_archive
from allennlp.predictors import Predictor

from datnet_allennlp.data.text_tokenizer import TextTokenizer
from tests.conftest import FIXTURES, REPOSITORY
from tests.conlleval import conlleval
from tests.test_configs import run_allennlp

FIXTURE_DATA = os.path.join(FIXTURES, "data")

# The same chunks in IOB1 (CoNLL-2003 style) and IOB2, built so that the schemes differ: I- tags
# that start an entity after O, two adjacent entities of one type that IOB1 separates with B-,
# and a type change inside a run of I- tags, which starts a new entity. 10 entities in all.
IOB1 = """\
EU I-ORG
rejects O
German I-MISC
call O
to O
boycott O
British I-MISC
lamb O
. O

Peter I-PER
Blackburn I-PER
Smith B-PER
Jones I-PER
of O
Brussels I-LOC
Commission I-ORG

Shares O
of O
Hapag-Lloyd I-ORG
Deutsche B-ORG
Bank I-ORG
rose O
Germany I-LOC
"""
IOB2 = """\
EU B-ORG
rejects O
German B-MISC
call O
to O
boycott O
British B-MISC
lamb O
. O

Peter B-PER
Blackburn I-PER
Smith B-PER
Jones I-PER
of O
Brussels B-LOC
Commission B-ORG

Shares O
of O
Hapag-Lloyd B-ORG
Deutsche B-ORG
Bank I-ORG
rose O
Germany B-LOC
"""


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory):
    """DATNet-F (with AT) trained on the fixture corpora long enough to tag some entities."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)
        # The paper's text (summed loss) learns the tiny fixture corpora in 20 epochs; the
        # recommended preset's mean loss does not.
        patch.setenv("DATNET_OPTIONS", json.dumps({"preset": "paper_text"}))
        params = Params.from_file(
            os.path.join(REPOSITORY, "training_configs", "datnet_f_wnut17.jsonnet"),
            json.dumps(
                {
                    "trainer.num_epochs": 20,
                    "trainer.optimizer.lr": 0.01,
                    "data_loader.batch_sampler.source_fraction": 1.0,
                }
            ),
        )
    run = tmp_path_factory.mktemp("predictor") / "run"
    train_model(params, str(run))
    return str(run / "model.tar.gz")


@pytest.fixture(scope="module")
def predictor(archive_path):
    return Predictor.from_archive(load_archive(archive_path))


def test_datnet_tagger_is_the_default_predictor(predictor):
    assert type(predictor).__name__ == "DatnetTaggerPredictor"


def test_raw_text_gets_tokens_tags_and_entities_with_character_offsets(predictor):
    text = "  Apple just released the new iPhone 😍 ok"
    output = predictor.predict(text)
    assert output["tokens"] == ["Apple", "just", "released", "the", "new", "iPhone", "😍", "ok"]
    assert len(output["tags"]) == len(output["tokens"]) and output["resource"] == "target"
    assert output["entities"], "the fixture model tags at least one entity here"
    for entity in output["entities"]:
        assert text[entity["char_start"] : entity["char_end"]] == entity["text"]
        tokens = output["tokens"][entity["start"] : entity["end"]]
        assert entity["text"].startswith(tokens[0]) and entity["text"].endswith(tokens[-1])
        assert output["tags"][entity["start"]] == "B-" + entity["type"]
        assert entity["type"] in {
            "corporation",
            "creative-work",
            "group",
            "location",
            "person",
            "product",
        }


def test_tokens_input_and_the_source_tagger(predictor):
    output = predictor.predict_json(
        {"tokens": ["EU", "rejects", "German", "call"], "resource": "source"}
    )
    assert output["tokens"] == ["EU", "rejects", "German", "call"]
    assert output["resource"] == "source"
    assert all(tag == "O" or tag[2:] in {"PER", "LOC", "ORG", "MISC"} for tag in output["tags"])
    assert all("char_start" not in entity for entity in output["entities"])


@pytest.mark.parametrize(
    "inputs, tokens",
    [
        ({"sentence": ""}, 0),
        ({"sentence": "   \u200b "}, 0),
        ({"tokens": []}, 0),
        ({"sentence": "Obama"}, 1),
        ({"sentence": " ".join(["Obama", "visits", "London"] * 167)}, 501),
        ({"sentence": "family 👨\u200d👩\u200d👧 in Москва and 北京市, hi\u200bthere"}, 9),
        ({"tokens": ["\u200d", "🇩🇪", "Müller"]}, 3),
    ],
)
def test_robust_inputs(predictor, inputs, tokens):
    output = predictor.predict_json(inputs)
    assert len(output["tokens"]) == len(output["tags"]) == tokens
    assert "error" not in output


def test_a_bad_input_line_gets_an_error_in_its_place_and_the_others_are_tagged(predictor):
    inputs = [
        {"sentence": "Obama in London"},
        {"input": "neither key"},
        predictor.load_line("{not json\n"),
        {"tokens": ["two words"]},
        {"tokens": "Obama"},
        {"sentence": "Obama", "resource": "both"},
        {"sentence": "Obama", "tokens": ["Obama"]},
        {"tokens": ["Lakers", "fans"]},
    ]
    outputs = predictor.predict_batch_json(inputs)
    assert len(outputs) == len(inputs)
    assert outputs[0]["tokens"] == ["Obama", "in", "London"]
    assert outputs[-1]["tokens"] == ["Lakers", "fans"]
    errors = [output.get("error", "") for output in outputs[1:-1]]
    assert 'needs "sentence" (raw text) or "tokens"' in errors[0]
    assert outputs[1]["input"] == {"input": "neither key"}
    assert "not a JSON object" in errors[1] and outputs[2]["input"] == "{not json"
    assert "token 0 is 'two words'" in errors[2]
    assert '"tokens" must be a list of strings' in errors[3]
    assert "resource must be one of ['source', 'target'], got 'both'" in errors[4]
    assert "not both" in errors[5]


def test_mixed_resources_in_one_batch(predictor):
    outputs = predictor.predict_batch_json(
        [{"sentence": "EU rejects", "resource": "source"}, {"sentence": "Obama"}]
    )
    assert [output["resource"] for output in outputs] == ["source", "target"]


def test_tokenizer_offsets_and_tweet_tokens():
    text = "@jo_bs loves #NewYork!!! see https://t.co/x1 ... don't U.S. 👨\u200d👩 hi\u200bthere"
    tokens = TextTokenizer().tokenize(text)
    assert [t.text for t in tokens] == [
        "@jo_bs", "loves", "#NewYork", "!!!", "see", "https://t.co/x1", "...", "don't", "U.S.",
        "👨\u200d👩", "hi", "there",
    ]  # fmt: skip
    assert all(text[t.idx : t.idx_end] == t.text for t in tokens)


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_allennlp_predict_on_json_lines(archive_path, tmp_path):
    inputs = write(
        tmp_path / "in.jsonl",
        '{"sentence": "Obama in London"}\n\nnot json\n{"tokens": ["Lakers", "fans"]}\n',
    )
    output_file = tmp_path / "out.jsonl"
    # No --predictor: the model's default one; no network: the tokenizer is ours.
    run_allennlp(
        "predict", archive_path, inputs, "--output-file", str(output_file), "--silent",
        "--include-package", "datnet_allennlp", cwd=tmp_path,
    )  # fmt: skip
    outputs = [json.loads(line) for line in output_file.read_text().splitlines()]
    assert [o.get("tokens") for o in outputs] == [
        ["Obama", "in", "London"],
        None,
        ["Lakers", "fans"],
    ]
    assert outputs[1]["input"] == "not json"


def predicted_conll(archive_path, data_path, tmp_path):
    output_file = tmp_path / "predicted.conll"
    run_allennlp(
        "predict", archive_path, data_path, "--use-dataset-reader", "--output-file",
        str(output_file), "--silent", "--predictor-args", '{"output_format": "conll"}',
        "--include-package", "datnet_allennlp", cwd=tmp_path,
    )  # fmt: skip
    return output_file.read_text(encoding="utf-8")


def sentences(lines):
    sentence = []
    for line in lines + [""]:
        columns = line.split()
        if columns and columns[0] == "-DOCSTART-":
            columns = []
        if columns:
            sentence.append(columns)
        elif sentence:
            yield sentence
            sentence = []


def gold_and_predicted(gold_file, predicted):
    """CoNLL lines `token gold predicted` with the gold tags straight from the original file."""
    with open(gold_file, encoding="utf-8") as file:
        gold = file.read().splitlines()
    lines = []
    for gold_sentence, predicted_sentence in zip(
        sentences(gold), sentences(predicted.splitlines()), strict=True
    ):
        for (token, *_, gold_tag), (predicted_token, _, tag) in zip(
            gold_sentence, predicted_sentence, strict=True
        ):
            assert token == predicted_token
            lines.append(f"{token} {gold_tag} {tag}")
        lines.append("")
    return lines


def assert_same_scores(allennlp_metrics, conlleval_scores, prefix=""):
    for entity_type, scores in conlleval_scores.items():
        for name, key in [("precision", "precision"), ("recall", "recall"), ("f1", "f1-measure")]:
            ours = allennlp_metrics[f"{prefix}{key}-{entity_type}"] * 100
            assert ours == pytest.approx(scores[name], abs=1e-6), (entity_type, name)


def test_evaluate_equals_conlleval_on_iob1_and_iob2_files(archive_path, tmp_path):
    metrics = {}
    for scheme, text in [("IOB1", IOB1), ("IOB2", IOB2)]:
        gold_file = write(tmp_path / f"{scheme}.txt", text)
        source = json.dumps({"source": gold_file})  # the source tagger reads CoNLL-2003 types
        scores = conlleval(
            gold_and_predicted(gold_file, predicted_conll(archive_path, source, tmp_path))
        )
        assert scores["overall"]["f1"] > 0, "a test where nothing is right would prove little"
        metrics[scheme] = evaluate_from_archive(archive_path, source)
        assert_same_scores(metrics[scheme], scores, prefix="source-")
    # Both files hold the same 10 entities for conlleval, and evaluate agrees on both.
    assert sum(1 for line in IOB2.splitlines() if " B-" in line) == 10
    assert metrics["IOB1"] == metrics["IOB2"]


def test_evaluate_equals_conlleval_on_the_target_tagger(archive_path, tmp_path):
    test_file = os.path.join(FIXTURE_DATA, "wnut2017", "train.txt")
    predicted = predicted_conll(archive_path, test_file, tmp_path)
    scores = conlleval(gold_and_predicted(test_file, predicted))
    assert_same_scores(evaluate_from_archive(archive_path, test_file), scores)
    assert scores["overall"]["f1"] > 0


def test_independent_scorer_on_a_hand_counted_case():
    lines = [
        "a B-PER B-PER", "b I-PER I-PER", "c O B-LOC", "",
        "d I-LOC I-LOC", "e I-LOC B-LOC", "f I-ORG I-ORG",
    ]  # fmt: skip
    # gold: PER(a-b), LOC(d-e), ORG(f) = 3; predicted: PER(a-b), LOC(c), LOC(d), LOC(e), ORG(f) = 5
    scores = conlleval(lines)
    assert scores["overall"]["precision"] == pytest.approx(40.0)
    assert scores["overall"]["recall"] == pytest.approx(200 / 3)
    assert scores["LOC"]["recall"] == 0.0 and scores["ORG"]["f1"] == 100.0


@pytest.mark.skipif(
    "DATNET_EVALUATE_ARCHIVE" not in os.environ,
    reason="set DATNET_EVALUATE_ARCHIVE (and DATNET_EVALUATE_FILE) to check a trained archive",
)
def test_evaluate_equals_conlleval_on_a_trained_archive(tmp_path):
    """E.g. DATNET_EVALUATE_ARCHIVE=runs/datnet_f_wnut/model.tar.gz on WNUT-2016 test."""
    archive = os.path.abspath(os.environ["DATNET_EVALUATE_ARCHIVE"])
    default = os.path.join(REPOSITORY, "..", "shared", "data", "wnut2016", "test.txt")
    test_file = os.path.abspath(os.environ.get("DATNET_EVALUATE_FILE", default))
    scores = conlleval(gold_and_predicted(test_file, predicted_conll(archive, test_file, tmp_path)))
    metrics = evaluate_from_archive(archive, test_file)
    assert_same_scores(metrics, scores)
    print(json.dumps(scores["overall"]))


def test_datnet_tagger_also_tags_with_a_crf_tagger_archive(tmp_path, monkeypatch):
    # allennlp-models' own sentence_tagger would download a spaCy model.
    monkeypatch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)
    params = Params.from_file(
        os.path.join(REPOSITORY, "training_configs", "base_wnut17.jsonnet"),
        json.dumps({"trainer.num_epochs": 1}),
    )
    train_model(params, str(tmp_path / "run"))
    archive = load_archive(str(tmp_path / "run" / "model.tar.gz"))
    predictor = Predictor.from_archive(archive, "datnet_tagger")
    output = predictor.predict("Apple just released the new iPhone")
    assert output["tokens"] == ["Apple", "just", "released", "the", "new", "iPhone"]
    assert len(output["tags"]) == 6 and output["resource"] == "target"
    assert "error" in predictor.predict_json({"sentence": "EU", "resource": "source"})
