"""The shipped anime key point regressor loads, finds key points on unseen anime faces, and its loss gives the
generator a gradient while the regressor itself stays frozen."""

from __future__ import annotations

import numpy as np
import torch

from avatargan.data.builtin.face_params import sample_face_params
from avatargan.data.builtin.faces import render_face
from avatargan.data.builtin.keypoints import keypoint_array
from avatargan.landmark_regressor.net import load_regressor, photo_to_anime, regression_loss


def test_regressor_finds_keypoints_on_unseen_anime_faces() -> None:
    net, meta = load_regressor()
    assert "built-in anime faces" in meta["data"]
    seed = 7  # another population than the one it was trained on (seed 1000)
    x = torch.stack(
        [torch.from_numpy(np.asarray(render_face(i, seed, "anime", 64)).copy()).permute(2, 0, 1) for i in range(8)]
    )
    truth = np.stack([keypoint_array(sample_face_params(i, seed), "anime", 64) for i in range(8)]) / 64
    with torch.no_grad():
        pred = net(x.float() / 127.5 - 1).numpy()
    iod = np.linalg.norm(truth[:, 1] - truth[:, 0], axis=-1)
    nme = (np.linalg.norm(pred - truth, axis=-1).mean(-1) / iod).mean()
    assert nme < 0.15, nme


def test_regression_loss_trains_the_generator_not_the_regressor() -> None:
    net, meta = load_regressor()
    fake = torch.zeros(2, 3, 64, 64, requires_grad=True)
    kp = torch.rand(2, 6, 2)
    loss = regression_loss(net, fake, photo_to_anime(kp, torch.tensor(meta["photo_to_anime"])), torch.ones(2, 6))
    loss.backward()
    assert fake.grad is not None and fake.grad.abs().sum() > 0
    assert all(p.grad is None for p in net.parameters())
