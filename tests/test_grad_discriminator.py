import math

import pytest
import torch
from allennlp.common.checks import ConfigurationError

from datnet_allennlp.modules import GradDiscriminator, reverse_gradient


def logit(probability):
    return math.log(probability / (1 - probability))


R = [0.9, 0.3, 0.6, 0.2]
IS_SOURCE = torch.tensor([True, True, False, False])
LOGITS = torch.tensor([logit(r) for r in R])


def test_grad_loss_equals_equation_1_by_hand():
    discriminator = GradDiscriminator(input_dim=4, loss="grad", alpha=0.25, gamma=2.0)
    expected = -(
        0.25 * (1 - 0.9) ** 2 * math.log(0.9)
        + 0.25 * (1 - 0.3) ** 2 * math.log(0.3)
        + 0.75 * 0.6**2 * math.log(1 - 0.6)
        + 0.75 * 0.2**2 * math.log(1 - 0.2)
    )
    assert discriminator.loss(LOGITS, IS_SOURCE).item() == pytest.approx(expected, rel=1e-5)


def source_and_target_losses(**kwargs):
    discriminator = GradDiscriminator(input_dim=4, **kwargs)
    return (
        discriminator.loss(LOGITS[:2], IS_SOURCE[:2]).item(),
        discriminator.loss(LOGITS[2:], IS_SOURCE[2:]).item(),
    )


def test_alpha_weights_source_by_alpha_and_target_by_one_minus_alpha():
    source_25, target_25 = source_and_target_losses(alpha=0.25)
    source_80, target_80 = source_and_target_losses(alpha=0.8)
    assert source_80 == pytest.approx(source_25 * 0.8 / 0.25, rel=1e-5)
    assert target_80 == pytest.approx(target_25 * 0.2 / 0.75, rel=1e-5)


def test_gamma_scales_each_sentence_by_its_focal_factor():
    # gamma = 0 is alpha-weighted cross-entropy; each larger gamma multiplies a source sentence's
    # term by (1 - r) and a target sentence's term by r once more.
    for index, (r, is_source) in enumerate(zip(R, IS_SOURCE.tolist())):
        losses = [
            GradDiscriminator(input_dim=4, alpha=0.25, gamma=gamma)
            .loss(LOGITS[index : index + 1], IS_SOURCE[index : index + 1])
            .item()
            for gamma in (0.0, 1.0, 2.0)
        ]
        weight = 0.25 if is_source else 0.75
        cross_entropy = -math.log(r) if is_source else -math.log(1 - r)
        factor = (1 - r) if is_source else r
        assert losses[0] == pytest.approx(weight * cross_entropy, rel=1e-5)
        assert losses[1] == pytest.approx(losses[0] * factor, rel=1e-5)
        assert losses[2] == pytest.approx(losses[0] * factor**2, rel=1e-5)


def test_ad_loss_is_plain_cross_entropy_and_none_is_zero():
    expected = torch.nn.functional.binary_cross_entropy_with_logits(
        LOGITS, IS_SOURCE.float(), reduction="sum"
    )
    ad = GradDiscriminator(input_dim=4, loss="ad")
    assert ad.loss(LOGITS, IS_SOURCE).item() == pytest.approx(expected.item(), rel=1e-5)
    assert GradDiscriminator(input_dim=4, loss="none").loss(LOGITS, IS_SOURCE).item() == 0.0


def test_shared_layers_receive_the_reversed_gradient():
    torch.manual_seed(0)
    discriminator = GradDiscriminator(input_dim=6, attention_dim=5, reversal_scale=0.7)
    features = torch.randn(4, 7, 6)
    mask = torch.ones(4, 7, dtype=torch.bool)
    mask[2, 5:] = False

    reaching_encoder = features.clone().requires_grad_()
    discriminator(reaching_encoder, mask, IS_SOURCE)["loss"].backward()

    # The discriminator's own gradient: the same loss with the reversal made the identity
    # (scale -1 multiplies the gradient by +1).
    discriminator.reversal_scale = -1.0
    own = features.clone().requires_grad_()
    discriminator(own, mask, IS_SOURCE)["loss"].backward()

    assert own.grad.abs().sum() > 0
    torch.testing.assert_close(reaching_encoder.grad, -0.7 * own.grad)
    assert (reaching_encoder.grad * own.grad <= 0).all()


def test_reverse_gradient_is_the_identity_forward():
    inputs = torch.randn(3, requires_grad=True)
    outputs = reverse_gradient(inputs, 2.0)
    assert torch.equal(outputs, inputs)
    outputs.sum().backward()
    assert torch.equal(inputs.grad, torch.full((3,), -2.0))


def test_padding_does_not_change_the_prediction():
    torch.manual_seed(0)
    discriminator = GradDiscriminator(input_dim=6)
    features = torch.randn(1, 4, 6)
    padded = torch.cat([features, torch.randn(1, 3, 6) * 100], dim=1)
    mask = torch.tensor([[True] * 4 + [False] * 3])
    short = discriminator(features, torch.ones(1, 4, dtype=torch.bool))["probability"]
    torch.testing.assert_close(discriminator(padded, mask)["probability"], short)


def test_unmasked_padding_gets_attention_as_in_the_authors_code():
    torch.manual_seed(0)
    discriminator = GradDiscriminator(input_dim=6, mask_padding=False)
    features = torch.randn(1, 4, 6)
    # Padding after the shared Dense + tanh layer: the same vector at every padded position.
    padding = torch.tanh(torch.randn(6)).expand(1, 3, 6)
    padded = torch.cat([features, padding], dim=1)
    mask = torch.tensor([[True] * 4 + [False] * 3])
    scores = discriminator._attention_vector(torch.tanh(discriminator._attention_projection(padded)))
    attention = torch.softmax(scores.squeeze(-1), dim=-1)
    expected = torch.sigmoid(discriminator._output(torch.bmm(attention.unsqueeze(1), padded).squeeze(1)))
    unmasked = discriminator(padded, mask)["probability"]
    torch.testing.assert_close(unmasked, expected.squeeze(-1))
    discriminator.mask_padding = True
    assert not torch.allclose(unmasked, discriminator(padded, mask)["probability"])
    # Without padding both poolings are the same.
    full = torch.ones(1, 4, dtype=torch.bool)
    masked_short = discriminator(features, full)["probability"]
    discriminator.mask_padding = False
    torch.testing.assert_close(discriminator(features, full)["probability"], masked_short)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"loss": "focal"}, "loss must be one of"),
        ({"alpha": 1.5}, "alpha must be in"),
        ({"gamma": -1}, "gamma must be non-negative"),
    ],
)
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(ConfigurationError, match=message):
        GradDiscriminator(input_dim=4, **kwargs)
