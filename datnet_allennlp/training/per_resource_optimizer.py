import re
from typing import Any, Dict, List, Optional, Tuple

import torch
from allennlp.common import Lazy
from allennlp.common.checks import ConfigurationError
from allennlp.training.optimizers import Optimizer


@Optimizer.register("per_resource")
class PerResourceOptimizer(Optimizer):
    """
    One inner optimizer per resource over the same parameters, as in the DATNet authors' code
    (a source optimizer and a target optimizer, each with its own Adam moments): a step on a
    source batch updates the source optimizer's state only, a step on a target batch the
    target's. The resource of a step is read from which parameters got gradients: each batch
    holds one resource, so only that resource's tag projection (``_tag_projections.source.*`` or
    ``_tag_projections.target.*`` in the `datnet` model) has gradients. A step with gradients of
    both resources (gradient accumulation over mixed batches) is an error.

    Both inner optimizers share their parameter groups, so a learning-rate scheduler acts on both.

    Registered as an `Optimizer` with name "per_resource".

    # Parameters

    model_parameters : `List[Tuple[str, torch.nn.Parameter]]`
        Filled in by AllenNLP.
    optimizer : `Lazy[Optimizer]`
        The inner optimizer, e.g. ``{"type": "adam", "lr": 0.001}``.
    resource_parameters : `Dict[str, str]`, optional (default = the `datnet` tag projections)
        For each resource, a regular expression matched against parameter names that picks
        parameters only that resource's batches reach.
    """

    def __init__(
        self,
        model_parameters: List[Tuple[str, torch.nn.Parameter]],
        optimizer: Lazy[Optimizer],
        resource_parameters: Optional[Dict[str, str]] = None,
    ) -> None:
        patterns = resource_parameters or {
            # Distributed training names them "_module._tag_projections...".
            "source": r"(^|\.)_tag_projections\.source\.",
            "target": r"(^|\.)_tag_projections\.target\.",
        }
        self._resource_parameters = {
            resource: [parameter for name, parameter in model_parameters if re.search(pattern, name)]
            for resource, pattern in patterns.items()
        }
        self._resource_parameters = {r: ps for r, ps in self._resource_parameters.items() if ps}
        if not self._resource_parameters:
            raise ConfigurationError(
                f"per_resource: no parameter name matches any of {sorted(patterns.values())}"
            )
        self.optimizers = {
            resource: optimizer.construct(model_parameters=model_parameters)
            for resource in self._resource_parameters
        }
        first, *others = self.optimizers.values()
        for other in others:
            other.param_groups = first.param_groups
        super().__init__([parameter for _, parameter in model_parameters], defaults={})
        self.param_groups = first.param_groups

    def step_resource(self) -> str:
        """The resource whose parameters have gradients in this step."""
        active = [
            resource
            for resource, parameters in self._resource_parameters.items()
            if any(parameter.grad is not None for parameter in parameters)
        ]
        if len(active) != 1:
            raise RuntimeError(
                f"per_resource: a step must have gradients of exactly one resource's parameters, "
                f"found {active or 'none'} (do not accumulate gradients over batches of both resources)"
            )
        return active[0]

    @torch.no_grad()
    def step(self, closure=None):  # type: ignore
        return self.optimizers[self.step_resource()].step(closure)

    def state_dict(self) -> Dict[str, Any]:
        return {resource: inner.state_dict() for resource, inner in self.optimizers.items()}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        for resource, inner in self.optimizers.items():
            inner.load_state_dict(state_dict[resource])
        # Loading gives each optimizer new parameter groups: share them again.
        first, *others = self.optimizers.values()
        for other in others:
            other.param_groups = first.param_groups
        self.param_groups = first.param_groups
