"""CycleGAN and CartoonGAN resume exactly: the image pools and the initialisation phase position come back with
the checkpoint, so a run stopped and resumed ends with the weights of an uninterrupted one — also with the modern
recipes' options on (spectral norm's power-iteration vectors, DiffAugment's random draws, TTUR)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from conftest import tiny_config

from avatargan import config as config_mod
from avatargan.models.cartoongan import CartoonGANConfig
from avatargan.models.cyclegan import CycleGANConfig
from avatargan.training.checkpoint import latest_checkpoint
from avatargan.training.loop import train

TINY = {"g_channels": 4, "g_blocks": 1, "d_channels": 4}


def _recipe_model(name: str, **tiny):
    """The model section of a packaged recipe at a tiny width (every other option as the recipe has it)."""
    values = config_mod.merge(config_mod.load_recipe(name), {"model": tiny})
    values["data"] = {"image_size": 16}
    return config_mod.from_dict(values).model


MODELS = {
    # a pool of 3 fills in the first step, so later steps draw from it: resuming must restore its images
    "cyclegan": lambda: CycleGANConfig(g_channels=4, g_blocks=1, d_channels=4, d_down=2, pool_size=3),
    # 32 images / batch 8 = 4 steps per epoch: the content-only phase is steps 1-4, adversarial from step 5 on
    "cartoongan": lambda: CartoonGANConfig(
        g_channels=4, g_blocks=1, d_channels=4, content_backbone="efficientnet-lite0", init_epochs=1
    ),
    "cyclegan_modern": lambda: _recipe_model("cyclegan_modern", **TINY, d_down=2, pool_size=3),
    # the options the CycleGAN recipe measured without (spectral norm, TTUR, translation) must resume exactly too
    "cyclegan_sn_ttur": lambda: CycleGANConfig(
        **TINY, d_down=2, pool_size=3, d_norm="spectral", lr_d=4e-4, augment="translation,cutout"
    ),
    "cartoongan_modern": lambda: _recipe_model("cartoongan_modern", **TINY, content_size=32, init_steps=4),
    # the eye discriminator and the eye cycle: key points of both domains travel with the batches, their weights
    # (D_eye with D's optimizer, the cycle's decoder with G's) with the checkpoint
    "cartoongan_eye_d": lambda: CartoonGANConfig(
        **TINY,
        content_backbone="efficientnet-lite0",
        init_steps=4,
        lambda_eye_gan=1.0,
        lambda_eye_cycle=5.0,
        eye_crop=0.5,
        lambda_nce=1.0,  # and PatchNCE: its heads learn with G, its places come from the saved generator state
        nce_patches=16,
    ),
}


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("cache"))  # one built-in data cache for the module's runs


def _config(root: Path, family: str, cache_dir: str, steps: int):
    cfg = tiny_config(
        root,
        data={
            "source_a": "builtin:photo-faces",
            "source_b": "builtin:anime-faces",
            "builtin_count": 32,
            "cache_dir": cache_dir,
        },
        train={"steps": steps, "checkpoint_every": 3, "sample_every": 100, "log_every": 3, "threads": 1},
    )
    cfg.model = MODELS[family]()
    return cfg


@pytest.mark.parametrize("family", list(MODELS))
def test_resume_matches_an_uninterrupted_run(tmp_path: Path, family: str, cache_dir: str) -> None:
    # stopped at step 3: inside CartoonGAN's initialisation epoch; resumed across it into adversarial training
    straight = train(_config(tmp_path / "a", family, cache_dir, steps=7))
    run_dir = train(_config(tmp_path / "b", family, cache_dir, steps=3))
    resumed = train(_config(tmp_path / "b", family, cache_dir, steps=7), run_dir=run_dir, resume=True)

    a = latest_checkpoint(straight / "checkpoints")[1]
    b = latest_checkpoint(resumed / "checkpoints")[1]
    assert a["step"] == b["step"] == 7
    for k in a["model"]:
        assert torch.equal(a["model"][k], b["model"][k]), k
    if family.startswith("cyclegan"):
        assert torch.equal(a["extra"]["pool_a"]["images"], b["extra"]["pool_a"]["images"])
        assert a["extra"]["pool_a"]["images"].shape[0] == 3
    else:
        assert not any(k.startswith("content") for k in a["model"])  # the backbone is never checkpointed
        assert any(k.startswith("D_eye.") for k in a["model"]) == (family == "cartoongan_eye_d")
    for sheet in ("a2b", "b2a") if family.startswith("cyclegan") else ("a2b",):
        assert (resumed / "samples" / f"{sheet}-step000000007.png").is_file()
