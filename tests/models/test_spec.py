"""Every family declares its kind, its generators and their inputs once (`GANModel.spec`); the declaration round-
trips through JSON and the batch domains follow the kind."""

from __future__ import annotations

import pytest

from avatargan.models import family_names, model_class
from avatargan.models.spec import DIRECTIONS, NOISE_GENERATOR, PHOTO_TO_ANIME, FamilySpec


def test_each_family_declares_what_it_is() -> None:
    dcgan, cyclegan, cartoongan = (model_class(n) for n in ("dcgan", "cyclegan", "cartoongan"))
    spec = dcgan.spec(dcgan.Config(latent_dim=12))
    assert (spec.kind, spec.generators, spec.latent_dim, spec.derived) == ("noise", (NOISE_GENERATOR,), 12, ())
    spec = cyclegan.spec(cyclegan.Config(g_down=3))
    assert (spec.kind, spec.generators, spec.side_multiple) == ("transfer", DIRECTIONS, 8)
    spec = cartoongan.spec(cartoongan.Config(g_down=2, landmark_gain=1.0))
    assert (spec.generators, spec.side_multiple, spec.derived) == ((PHOTO_TO_ANIME,), 4, ("edges", "keypoints"))
    assert cyclegan.spec(cyclegan.Config()).derived == ()  # face losses off: nothing derived


@pytest.mark.parametrize("name", ["dcgan", "cyclegan", "cartoongan"])
def test_declared_generators_are_the_built_ones(name: str) -> None:
    cls = model_class(name)
    cfg = cls.Config(**({"content_weights": "random"} if name == "cartoongan" else {}))
    spec = cls.spec(cfg)
    assert set(cls.build_generators(cfg, 32)) == set(spec.generators)
    assert cls.domains == spec.domains == (("image",) if spec.kind == "noise" else ("a", "b"))
    assert spec.main_generator in spec.generators


def test_every_registered_family_declares_a_kind() -> None:
    for name in family_names():
        assert model_class(name).kind in ("noise", "transfer")


def test_json_round_trip_and_input_shapes() -> None:
    noise = FamilySpec.noise(100)
    assert FamilySpec.from_json(noise.to_json()) == noise
    assert noise.input_shape(64) == ["batch", 100]
    transfer = FamilySpec.transfer(DIRECTIONS, side_multiple=4, derived=("keypoints",))
    back = FamilySpec.from_json(transfer.to_json())
    assert (back.kind, back.generators, back.side_multiple, back.derived) == ("transfer", DIRECTIONS, 4, ())
    assert transfer.input_shape(32) == ["batch", 3, 32, 32]


def test_unknown_kinds_and_directions_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown model kind 'video'"):
        FamilySpec.from_json({"kind": "video", "generators": ["x"]})
    with pytest.raises(ValueError, match="a2b or b2a"):
        FamilySpec.transfer(("a2c",), side_multiple=1)
