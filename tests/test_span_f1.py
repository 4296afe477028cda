"""AllenNLP's SpanBasedF1Measure on our BIOUL tags agrees with seqeval (conlleval rules) on BIO."""

import random

import pytest
import torch
from allennlp.data import Vocabulary
from allennlp.training.metrics import SpanBasedF1Measure
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

from datnet_allennlp.data.tagging_schemes import spans_to_tags

TYPES = ["PER", "LOC", "ORG"]


def random_spans(rng, length):
    spans, position = [], 0
    while position < length:
        position += rng.randint(0, 3)
        end = position + rng.randint(0, 2)
        if end < length:
            spans.append((rng.choice(TYPES), position, end))
        position = end + 1
    return spans


def test_span_based_f1_agrees_with_seqeval():
    rng = random.Random(0)
    labels = ["O"] + [f"{p}-{t}" for t in TYPES for p in "BILU"]
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(labels, "labels")
    metric = SpanBasedF1Measure(vocab, tag_namespace="labels", label_encoding="BIOUL")

    gold_bio, predicted_bio = [], []
    for _ in range(50):
        length = rng.randint(1, 12)
        gold_spans = random_spans(rng, length)
        # predictions: some gold spans kept, some dropped, some retyped, plus random extra ones
        predicted_spans = [
            (rng.choice(TYPES) if rng.random() < 0.2 else t, s, e)
            for t, s, e in gold_spans
            if rng.random() < 0.7
        ]
        taken = {i for _, s, e in predicted_spans for i in range(s, e + 1)}
        predicted_spans += [
            span
            for span in random_spans(rng, length)
            if not taken & set(range(span[1], span[2] + 1)) and rng.random() < 0.3
        ]
        gold = spans_to_tags(gold_spans, length, "BIOUL")
        predicted = spans_to_tags(sorted(predicted_spans, key=lambda s: s[1]), length, "BIOUL")
        one_hot = torch.zeros(1, length, len(labels))
        for position, tag in enumerate(predicted):
            one_hot[0, position, vocab.get_token_index(tag, "labels")] = 1
        gold_ids = torch.tensor([[vocab.get_token_index(tag, "labels") for tag in gold]])
        metric(one_hot, gold_ids, torch.ones(1, length, dtype=torch.bool))
        gold_bio.append(spans_to_tags(gold_spans, length, "BIO"))
        predicted_bio.append(
            spans_to_tags(sorted(predicted_spans, key=lambda s: s[1]), length, "BIO")
        )

    ours = metric.get_metric()
    assert 0.2 < ours["f1-measure-overall"] < 0.95  # a case where the numbers mean something
    assert ours["precision-overall"] == pytest.approx(
        precision_score(gold_bio, predicted_bio), abs=1e-4
    )
    assert ours["recall-overall"] == pytest.approx(recall_score(gold_bio, predicted_bio), abs=1e-4)
    assert ours["f1-measure-overall"] == pytest.approx(f1_score(gold_bio, predicted_bio), abs=1e-4)
    report = classification_report(gold_bio, predicted_bio, output_dict=True)
    for entity_type in TYPES:
        assert ours[f"f1-measure-{entity_type}"] == pytest.approx(
            report[entity_type]["f1-score"], abs=1e-4
        )
