import torch


class _GradientReversal(torch.autograd.Function):
    @staticmethod
    def forward(ctx, inputs: torch.Tensor, scale: float) -> torch.Tensor:  # type: ignore
        ctx.scale = scale
        return inputs.view_as(inputs)

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor):  # type: ignore
        return -ctx.scale * grad_output, None


def reverse_gradient(inputs: torch.Tensor, scale: float = 1.0) -> torch.Tensor:
    """
    The identity in the forward pass; multiplies the gradient by `-scale` in the backward pass
    (Ganin & Lempitsky, 2015), so the layers below learn to fool whatever is trained above.
    """
    return _GradientReversal.apply(inputs, scale)
