"""
The paper's figure 3: a t-SNE of the shared encoder's features for source and target sentences.
If the discriminator made the resources indistinguishable, the two colours mix.
"""

import json
import os
from typing import List, Optional

import numpy
import torch
from allennlp.data import Batch, Instance
from allennlp.models.archival import load_archive
from allennlp.nn.util import get_text_field_mask

from datnet_allennlp.reproduce.experiments import GridError


def _first_path(data_path) -> str:
    while isinstance(data_path, list):
        data_path = data_path[0]
    return data_path


def pooled_shared_features(model, instances: List[Instance], batch_size: int = 64) -> numpy.ndarray:
    """
    The shared features (what the discriminator reads: the shared encoder's output, or its
    projection where the model has `shared_projection_dim`), averaged over each sentence's
    tokens: one vector per instance. Instances of one call must be of one resource.
    """
    captured = []
    shared = model._shared_projection if model._shared_projection is not None else model._shared_encoder
    hook = shared.register_forward_hook(lambda module, inputs, output: captured.append(output))
    pooled = []
    model.eval()
    try:
        with torch.no_grad():
            for start in range(0, len(instances), batch_size):
                batch = Batch(instances[start:start + batch_size])
                batch.index_instances(model.vocab)
                tensors = batch.as_tensor_dict()
                captured.clear()
                model(tokens=tensors["tokens"], metadata=tensors["metadata"])
                mask = get_text_field_mask(tensors["tokens"]).unsqueeze(-1).float()
                pooled.append(((captured[0] * mask).sum(1) / mask.sum(1)).numpy())
    finally:
        hook.remove()
    return numpy.concatenate(pooled)


def plot_tsne(
    archive_path: str,
    sentences: int = 500,
    source_file: Optional[str] = None,
    target_file: Optional[str] = None,
    output: Optional[str] = None,
) -> str:
    """
    Embeds `sentences` source and `sentences` target sentences (the first ones of each file; by
    default the archive's training files) with t-SNE and writes a PNG coloured by resource.
    The title gives how well a logistic-regression probe tells the resources apart (5-fold
    cross-validated accuracy; 50 % means indistinguishable).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.linear_model import LogisticRegression
    from sklearn.manifold import TSNE
    from sklearn.model_selection import cross_val_score

    if not os.path.isfile(archive_path):
        raise GridError(f"--tsne: {archive_path} does not exist")
    archive = load_archive(archive_path)
    model = archive.model
    if getattr(model, "transfer", "none") == "none":
        raise GridError(f"--tsne: {archive_path} is not a transfer model (DATNet-F or DATNet-P): it has no source")
    train_path = archive.config.as_dict(quiet=True)["train_data_path"]
    source_file = source_file or _first_path(train_path["source"])
    target_file = target_file or _first_path(train_path["target"])
    reader = archive.validation_dataset_reader
    source = list(reader.read(json.dumps({"source": source_file})))[:sentences]
    target = list(reader.read(target_file))[:sentences]
    for instance in source + target:
        reader.apply_token_indexers(instance)
    features = numpy.concatenate([pooled_shared_features(model, source), pooled_shared_features(model, target)])
    labels = numpy.array([1] * len(source) + [0] * len(target))

    # Small inputs (the test fixtures) need fewer folds and a smaller perplexity.
    folds = max(2, min(5, len(source), len(target)))
    probe = cross_val_score(LogisticRegression(max_iter=2000), features, labels, cv=folds).mean()
    perplexity = min(30.0, (len(labels) - 1) / 3)
    points = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=0).fit_transform(features)

    discriminator = model.discriminator
    kind = "no discriminator" if discriminator is None else discriminator.loss_mode.upper()
    figure, axes = plt.subplots(figsize=(6.5, 6))
    axes.scatter(*points[labels == 1].T, s=6, c="tab:red", alpha=0.6, label=f"source ({len(source)} sentences)")
    axes.scatter(*points[labels == 0].T, s=6, c="tab:blue", alpha=0.6, label=f"target ({len(target)} sentences)")
    axes.set_xticks([])
    axes.set_yticks([])
    axes.legend(loc="upper right", fontsize=8)
    folder = os.path.dirname(os.path.abspath(archive_path))
    if os.path.basename(folder) == "model":  # a run folder of `allennlp reproduce`
        folder = os.path.dirname(folder)
    axes.set_title(
        f"{os.path.basename(folder)} ({kind})\n"
        f"shared features, t-SNE; a linear probe tells the resources apart: {100 * probe:.1f} %",
        fontsize=9,
    )
    output = output or os.path.join(os.path.dirname(os.path.abspath(archive_path)), "tsne.png")
    figure.tight_layout()
    figure.savefig(output, dpi=110)
    plt.close(figure)
    return output

