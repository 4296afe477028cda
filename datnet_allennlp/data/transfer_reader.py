import json
from typing import Any, Dict, Iterable, List, Mapping, Union

from allennlp.common.checks import ConfigurationError
from allennlp.data import DatasetReader, Instance

RESOURCES = ("source", "target")


@DatasetReader.register("datnet_transfer")
class TransferDatasetReader(DatasetReader):
    """
    Reads a source and a target corpus for transfer learning, each with its own reader (normally
    `datnet_conll` with the matching `resource`, so each corpus keeps its format, entity types,
    sampling and label namespace). The data path is a dictionary, e.g. in a config
    ``"train_data_path": {"source": ".../conll2003_en/train.txt", "target": ".../wnut2016/train.txt"}``.
    A dictionary with one of the keys reads that resource alone (``allennlp evaluate archive
    '{"source": ".../conll2003_en/test.txt"}'`` scores the source tagger; a path that is such a
    dictionary written as JSON is read the same way, which is how ``allennlp predict
    --use-dataset-reader`` passes it). Any other path (a file
    name, a list of them) is read as target data: that is what `allennlp evaluate` and
    `allennlp predict` usually pass.

    The reader leaves distributed sharding to its two readers (``distributed_sharding``).

    Registered as a `DatasetReader` with name "datnet_transfer".

    # Parameters

    source : `DatasetReader`
        Reads the ``"source"`` path.
    target : `DatasetReader`
        Reads the ``"target"`` path.
    """

    def __init__(self, source: DatasetReader, target: DatasetReader, **kwargs) -> None:
        # Data-loader worker processes are set up on this reader only, so it shares their work
        # out itself (AllenNLP's default); distributed sharding is its readers' choice.
        super().__init__(manual_distributed_sharding=True, **kwargs)
        self.readers: Dict[str, DatasetReader] = {"source": source, "target": target}
        for resource, reader in self.readers.items():
            if getattr(reader, "resource", resource) != resource:
                raise ConfigurationError(
                    f'the {resource} reader has resource {reader.resource!r}; set "resource": '  # type: ignore
                    f'"{resource}" in it'
                )

    def _read(self, file_path: Union[Mapping[str, Any], str, List[str]]) -> Iterable[Instance]:
        if isinstance(file_path, str) and file_path.lstrip().startswith("{"):
            file_path = json.loads(file_path)
        if not isinstance(file_path, Mapping):
            yield from self.readers["target"].read(file_path)
            return
        if not file_path or not set(file_path) <= set(RESOURCES):
            raise ConfigurationError(
                'the datnet_transfer reader reads {"source": path, "target": path} (or one of '
                f"them), got {dict(file_path)!r}"
            )
        for resource in RESOURCES:
            if resource in file_path:
                yield from self.readers[resource].read(file_path[resource])

    def text_to_instance(self, *args, **kwargs) -> Instance:  # type: ignore
        """A target instance: what a trained model is asked to tag."""
        return self.readers["target"].text_to_instance(*args, **kwargs)

    def apply_token_indexers(self, instance: Instance) -> None:
        self.readers[instance["metadata"]["resource"]].apply_token_indexers(instance)
