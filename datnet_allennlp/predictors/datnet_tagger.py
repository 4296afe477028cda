import json
import logging
from typing import Any, Dict, List, NamedTuple, Optional

from allennlp.common.util import JsonDict
from allennlp.data import DatasetReader, Instance
from allennlp.data.dataset_readers.dataset_utils.span_utils import (
    bio_tags_to_spans,
    bioul_tags_to_spans,
)
from allennlp.models import Model
from allennlp.predictors import Predictor

from datnet_allennlp.data.tagging_schemes import Span, spans_to_tags
from datnet_allennlp.data.text_tokenizer import TextTokenizer

logger = logging.getLogger(__name__)

OUTPUT_FORMATS = ("json", "conll")


class _InvalidLine(dict):
    """What `load_line` returns for a line that is not a JSON object: ``{"error", "input"}``."""


class _Request(NamedTuple):
    instance: Optional[Instance]  # None for a sentence without tokens
    resource: str
    tokens: List[str]
    offsets: Optional[List[List[int]]]  # character offsets, for raw text
    text: Optional[str]


@Predictor.register("datnet_tagger")
class DatnetTaggerPredictor(Predictor):
    """
    Tags sentences with a trained `datnet` model (its default predictor), without network access.

    Each input is a JSON object with either ``"sentence"``, raw text that `TextTokenizer` splits
    into tokens, or ``"tokens"``, a list of already tokenized words; ``"resource"`` may pick the
    ``"source"`` tagger (the CoNLL-2003 types) instead of the target one. The output has the
    ``tokens``, their ``tags`` in IOB2 (BIO) whatever scheme the model was trained with, and the
    ``entities``: ``text``, ``type``, token ``start`` and ``end`` (end exclusive) and, for raw
    text, ``char_start`` and ``char_end`` (end exclusive) in the sentence. With
    ``allennlp predict --use-dataset-reader`` on a CoNLL file it adds the ``gold_tags``.

    An input that cannot be tagged (not JSON, neither key, a token that is not a non-empty string
    without whitespace, an unknown resource) gives an output ``{"error": ..., "input": ...}`` in its
    place, logged as a warning, and the other inputs are tagged. A sentence without tokens gets
    empty lists.

    With ``output_format: "conll"`` (``--predictor-args '{"output_format": "conll"}'``) each
    sentence is written as CoNLL lines ``token gold predicted`` (``token predicted`` without gold
    tags) followed by an empty line, which the official conlleval script reads.

    Registered as a `Predictor` with name "datnet_tagger".

    # Parameters

    model : `Model`
    dataset_reader : `DatasetReader`
    resource : `str`, optional (default = `"target"`)
        The tagger used for inputs that do not name one.
    output_format : `str`, optional (default = `"json"`)
        ``"json"`` (JSON lines) or ``"conll"``.
    frozen : `bool`, optional (default = `True`)
    """

    def __init__(
        self,
        model: Model,
        dataset_reader: DatasetReader,
        resource: str = "target",
        output_format: str = "json",
        frozen: bool = True,
    ) -> None:
        super().__init__(model, dataset_reader, frozen)
        if output_format not in OUTPUT_FORMATS:
            raise ValueError(
                f"output_format must be one of {OUTPUT_FORMATS}, got {output_format!r}"
            )
        self._readers: Dict[str, DatasetReader] = getattr(
            dataset_reader, "readers", {"target": dataset_reader}
        )
        self._resources = [
            r for r in getattr(model, "resources", ("target",)) if r in self._readers
        ]
        self._check_resource(resource)
        self._resource = resource
        self._output_format = output_format
        self._tokenizer = TextTokenizer()

    def predict(self, sentence: str, resource: Optional[str] = None) -> JsonDict:
        inputs: Dict[str, Any] = {"sentence": sentence}
        if resource is not None:
            inputs["resource"] = resource
        return self.predict_json(inputs)

    def load_line(self, line: str) -> JsonDict:
        try:
            inputs = json.loads(line)
        except json.JSONDecodeError as error:
            return _InvalidLine(error=f"not a JSON object ({error})", input=line.rstrip("\n"))
        if not isinstance(inputs, dict):
            return _InvalidLine(error="not a JSON object", input=line.rstrip("\n"))
        return inputs

    def dump_line(self, outputs: JsonDict) -> str:
        if self._output_format == "json":
            return json.dumps(outputs, ensure_ascii=False) + "\n"
        if "error" in outputs:
            raise ValueError(f"cannot write CoNLL for an input that failed: {outputs}")
        columns = [outputs["tokens"]]
        if "gold_tags" in outputs:
            columns.append(outputs["gold_tags"])
        columns.append(outputs["tags"])
        return "".join(" ".join(row) + "\n" for row in zip(*columns)) + "\n"

    def predict_json(self, inputs: JsonDict) -> JsonDict:
        return self.predict_batch_json([inputs])[0]

    def predict_batch_json(self, inputs: List[JsonDict]) -> List[JsonDict]:
        requests: List[Optional[_Request]] = []
        results: List[Optional[JsonDict]] = []
        for entry in inputs:
            try:
                requests.append(self._request(entry))
                results.append(None)
            except ValueError as error:
                shown = entry["input"] if isinstance(entry, _InvalidLine) else entry
                logger.warning("input %s: %s", json.dumps(shown, ensure_ascii=False), error)
                requests.append(None)
                results.append({"error": str(error), "input": shown})
        tagged = iter(self._tag([request for request in requests if request is not None]))
        return [
            next(tagged) if request is not None else result
            for request, result in zip(requests, results)
        ]  # type: ignore

    def predict_instance(self, instance: Instance) -> JsonDict:
        return self.predict_batch_instance([instance])[0]

    def predict_batch_instance(self, instances: List[Instance]) -> List[JsonDict]:
        for instance in instances:
            self._check_resource(instance["metadata"]["resource"])
        requests = [
            _Request(i, i["metadata"]["resource"], i["metadata"]["words"], None, None)
            for i in instances
        ]
        return self._tag(requests)

    def _request(self, inputs: JsonDict) -> _Request:
        if isinstance(inputs, _InvalidLine):
            raise ValueError(inputs["error"])
        resource = inputs.get("resource", self._resource)
        self._check_resource(resource)
        offsets = text = None
        if "sentence" in inputs and "tokens" in inputs:
            raise ValueError('give "sentence" (raw text) or "tokens" (a list of words), not both')
        if "sentence" in inputs:
            text = inputs["sentence"]
            if not isinstance(text, str):
                raise ValueError(f'"sentence" must be a string, got {type(text).__name__}')
            words = self._tokenizer.tokenize(text)
            tokens = [word.text for word in words]
            offsets = [[word.idx, word.idx_end] for word in words]
        elif "tokens" in inputs:
            tokens = inputs["tokens"]
            if not isinstance(tokens, list):
                raise ValueError(f'"tokens" must be a list of strings, got {type(tokens).__name__}')
            for position, token in enumerate(tokens):
                if not isinstance(token, str) or not token or any(c.isspace() for c in token):
                    raise ValueError(
                        f"token {position} is {token!r}: tokens must be non-empty strings "
                        f"without whitespace"
                    )
        else:
            raise ValueError('an input needs "sentence" (raw text) or "tokens" (a list of words)')
        instance = self._readers[resource].text_to_instance(tokens) if tokens else None
        return _Request(instance, resource, tokens, offsets, text)

    def _tag(self, requests: List[_Request]) -> List[JsonDict]:
        # A model batch holds one resource: tag each resource's sentences together.
        outputs: Dict[int, Dict[str, Any]] = {}
        for resource in self._resources:
            positions = [
                p
                for p, r in enumerate(requests)
                if r.resource == resource and r.instance is not None
            ]
            instances = [requests[p].instance for p in positions]
            for instance in instances:
                self._dataset_reader.apply_token_indexers(instance)  # type: ignore
            if instances:
                tagged = self._model.forward_on_instances(instances)  # type: ignore
                outputs.update(zip(positions, tagged))
        return [self._result(r, outputs.get(p)) for p, r in enumerate(requests)]

    def _result(self, request: _Request, output: Optional[Dict[str, Any]]) -> JsonDict:
        spans = self._spans(output["tags"]) if output else []
        result: Dict[str, Any] = {
            "tokens": request.tokens,
            "tags": spans_to_tags(spans, len(request.tokens), "BIO"),
            "entities": self._entities(request, spans),
            "resource": request.resource,
        }
        if request.instance is not None and "tags" in request.instance.fields:
            gold = request.instance["tags"].labels  # type: ignore
            result["gold_tags"] = spans_to_tags(self._spans(gold), len(gold), "BIO")
        return result

    def _spans(self, tags: List[str]) -> List[Span]:
        """The entities of tags in the model's scheme, in order, as (type, first, last)."""
        encoding = getattr(self._model, "label_encoding", "BIOUL")
        decode = bioul_tags_to_spans if encoding == "BIOUL" else bio_tags_to_spans
        return sorted(
            ((label, start, end) for label, (start, end) in decode(tags)), key=lambda s: s[1]
        )

    @staticmethod
    def _entities(request: _Request, spans: List[Span]) -> List[JsonDict]:
        entities = []
        for label, start, end in spans:
            entity: Dict[str, Any] = {"type": label, "start": start, "end": end + 1}
            if request.offsets is not None and request.text is not None:
                char_start, char_end = request.offsets[start][0], request.offsets[end][1]
                entity.update(
                    text=request.text[char_start:char_end], char_start=char_start, char_end=char_end
                )
            else:
                entity["text"] = " ".join(request.tokens[start : end + 1])
            entities.append(entity)
        return entities

    def _check_resource(self, resource: Any) -> None:
        if resource not in self._resources:
            raise ValueError(f"resource must be one of {self._resources}, got {resource!r}")
