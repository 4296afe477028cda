from typing import Dict, List, Optional

import torch
import torch.distributed as dist
from allennlp.common.util import is_distributed
from allennlp.data import Vocabulary
from allennlp.training.metrics import Metric, SpanBasedF1Measure


@Metric.register("distributed_span_f1")
class DistributedSpanF1Measure(SpanBasedF1Measure):
    """
    AllenNLP's `SpanBasedF1Measure` (the same counts and scores, conlleval's) that also works in
    distributed training, where AllenNLP's raises: each worker counts true positives, false
    positives and false negatives per entity type on its share of the data, and `get_metric` sums
    the counts of all workers, so validation and evaluation score the whole dataset.

    Every worker reduces one tensor over the entity types of the vocabulary's tag namespace,
    whichever types its own share happened to contain.

    Registered as a `Metric` with name "distributed_span_f1".

    # Parameters

    vocabulary : `Vocabulary`
        The vocabulary with the tag namespace.
    tag_namespace : `str`, optional (default = `"tags"`)
        The namespace of the tags.
    ignore_classes : `List[str]`, optional (default = `None`)
        Span types not scored.
    label_encoding : `str`, optional (default = `"BIO"`)
        The tag scheme: "BIO", "IOB1", "BIOUL" or "BMES".
    """

    def __init__(
        self,
        vocabulary: Vocabulary,
        tag_namespace: str = "tags",
        ignore_classes: Optional[List[str]] = None,
        label_encoding: str = "BIO",
    ) -> None:
        super().__init__(vocabulary, tag_namespace, ignore_classes, label_encoding)
        tags = vocabulary.get_token_to_index_vocabulary(tag_namespace)
        self._types = sorted({tag.split("-", 1)[1] for tag in tags if "-" in tag})

    def get_metric(self, reset: bool = False) -> Dict[str, float]:
        if not is_distributed():
            return super().get_metric(reset)
        counted = set(self._true_positives) | set(self._false_positives) | set(self._false_negatives)
        if not counted <= set(self._types):
            raise RuntimeError(f"span types {sorted(counted - set(self._types))} are not in the tag namespace")
        local = torch.tensor(
            [
                [counts.get(span_type, 0) for span_type in self._types]
                for counts in (self._true_positives, self._false_positives, self._false_negatives)
            ],
            dtype=torch.long,
        )
        # gloo reduces CPU tensors; NCCL only tensors on this worker's GPU.
        if dist.get_backend() == "nccl":
            local = local.to(torch.device("cuda", torch.cuda.current_device()))
        dist.all_reduce(local, op=dist.ReduceOp.SUM)
        true_positives, false_positives, false_negatives = local.cpu().tolist()

        metrics: Dict[str, float] = {}
        for column, span_type in enumerate(self._types):
            counts = true_positives[column], false_positives[column], false_negatives[column]
            if not any(counts):
                continue  # as the parent: only types that occur are reported
            precision, recall, f1_measure = self._compute_metrics(*counts)
            metrics[f"precision-{span_type}"] = precision
            metrics[f"recall-{span_type}"] = recall
            metrics[f"f1-measure-{span_type}"] = f1_measure
        precision, recall, f1_measure = self._compute_metrics(
            sum(true_positives), sum(false_positives), sum(false_negatives)
        )
        metrics.update({"precision-overall": precision, "recall-overall": recall, "f1-measure-overall": f1_measure})
        if reset:
            self.reset()
        return metrics
