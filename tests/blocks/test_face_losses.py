"""The face landmark loss: the weight map peaks at the key points, and turning the loss on changes the gradient
only inside the weighted regions; the grayscale, colour, regional chroma and both eye colour losses behave as
described."""

from __future__ import annotations

import torch

from avatargan.blocks.face_losses import (
    CUTOFF,
    chroma_loss,
    color_loss,
    eye_color_loss,
    eye_yuv_loss,
    grayscale_style_loss,
    landmark_weight_map,
    weighted_l1,
)

KP = torch.tensor([[[10.5, 12.5], [22.5, 12.5], [16.5, 18.5], [12.5, 24.5], [20.5, 24.5], [16.5, 29.5]]])


def test_weight_map_is_largest_at_the_landmarks() -> None:
    w = landmark_weight_map(KP, 32, radius=0.06, gain=4.0)[0, 0]
    assert w.shape == (32, 32)
    assert torch.isclose(w.max(), torch.tensor(5.0))
    for x, y in KP[0]:
        assert torch.isclose(w[int(y), int(x)], torch.tensor(5.0))  # 1 + gain exactly at each key point
    assert w[0, 0] == 1.0 and w.min() == 1.0  # background keeps weight 1


def test_gain_zero_is_plain_l1() -> None:
    x, y = torch.randn(2, 3, 32, 32), torch.randn(2, 3, 32, 32)
    w = landmark_weight_map(KP.expand(2, -1, -1), 32, radius=0.06, gain=0.0)
    assert torch.isclose(weighted_l1(x, y, w), torch.nn.functional.l1_loss(x, y))


def test_landmark_loss_changes_gradient_only_in_weighted_regions() -> None:
    target = torch.randn(1, 3, 32, 32)
    x = torch.randn(1, 3, 32, 32, requires_grad=True)
    weighted_l1(x, target, None).backward()
    plain = x.grad.clone()
    x.grad = None
    radius = 0.06
    weighted_l1(x, target, landmark_weight_map(KP, 32, radius, gain=3.0)).backward()
    changed = (x.grad - plain).abs().amax(1)[0] > 0  # H×W: where the gradient moved
    c = torch.arange(32) + 0.5
    d2 = (c[None, None, :] - KP[0, :, 0, None, None]) ** 2 + (c[None, :, None] - KP[0, :, 1, None, None]) ** 2
    inside = (d2 <= (CUTOFF * radius * 32) ** 2).any(0)
    assert changed.any()
    assert not (changed & ~inside).any()  # nothing outside the bumps changed


def test_color_and_grayscale_losses() -> None:
    photo = torch.rand(2, 3, 16, 16) * 2 - 1
    assert color_loss(photo, photo) == 0
    assert color_loss(photo.flip(1), photo) > 0  # swapped colour channels are a colour change
    feats = torch.nn.Conv2d(3, 4, 3)
    anime = torch.rand(2, 3, 16, 16) * 2 - 1
    assert grayscale_style_loss(anime, anime, feats) == 0
    tinted = anime.clone()
    tinted[:, 0] = tinted[:, 0] * 0.5  # a colour-only change still changes grayscale slightly, so compare with gray
    gray = (0.299 * anime[:, :1] + 0.587 * anime[:, 1:2] + 0.114 * anime[:, 2:]).expand(-1, 3, -1, -1)
    assert torch.isclose(grayscale_style_loss(gray, anime, feats), torch.tensor(0.0), atol=1e-6)


def test_chroma_loss_costs_a_regional_hue_shift_and_nothing_else() -> None:
    torch.manual_seed(0)
    photo = torch.rand(2, 3, 32, 32) * 1.6 - 0.8  # room for the shifts below inside [-1, 1]
    assert chroma_loss(photo, photo) == 0
    # brightness (the same change in R, G and B) is not colour: U and V rows sum to zero
    assert torch.isclose(chroma_loss(photo + 0.15, photo), torch.tensor(0.0), atol=1e-6)
    # pixels moved within a cell (32 px / 8 cells = 4 px): lines and detail finer than a region are free
    cells = photo.unfold(2, 4, 4).unfold(3, 4, 4)  # B×C×8×8×4×4
    shuffled = cells.flip(-1).flip(-2).permute(0, 1, 2, 4, 3, 5).reshape(2, 3, 32, 32)
    assert torch.isclose(chroma_loss(shuffled, photo), torch.tensor(0.0), atol=1e-6)
    # red raised by 0.2 (0.1 on the [0, 1] scale): U moves by 0.1 × 0.14714, V by 0.1 × 0.61498, the loss is their mean
    redder = photo.clone()
    redder[:, 0] += 0.2
    assert torch.isclose(chroma_loss(redder, photo), torch.tensor((0.014714 + 0.061498) / 2), atol=1e-5)
    # the photo is the target: gradients reach G(photo) only
    fake = photo.clone().requires_grad_(True)
    target = redder.clone().requires_grad_(True)
    chroma_loss(fake, target).backward()
    assert fake.grad.abs().sum() > 0 and target.grad is None


def test_chroma_loss_with_brightness_costs_a_regional_brightness_change_too() -> None:
    torch.manual_seed(0)
    photo = torch.rand(2, 3, 32, 32) * 1.6 - 0.8
    # +0.15 on the [-1, 1] scale in R, G and B: Y moves by 0.075 (its row sums to 1), U and V not; mean of three
    assert torch.isclose(chroma_loss(photo + 0.15, photo, channels="yuv"), torch.tensor(0.075 / 3), atol=1e-6)
    redder = photo.clone()
    redder[:, 0] += 0.2  # Y moves by 0.1 × 0.299, U by 0.1 × 0.14714, V by 0.1 × 0.61498
    expected = (0.0299 + 0.014714 + 0.061498) / 3
    assert torch.isclose(chroma_loss(redder, photo, channels="yuv"), torch.tensor(expected), atol=1e-5)
    cells = photo.unfold(2, 4, 4).unfold(3, 4, 4)  # within a cell, brightness may still move
    shuffled = cells.flip(-1).flip(-2).permute(0, 1, 2, 4, 3, 5).reshape(2, 3, 32, 32)
    assert torch.isclose(chroma_loss(shuffled, photo, channels="yuv"), torch.tensor(0.0), atol=1e-6)


def _face(eye_rgb: tuple[float, float, float], eyes: torch.Tensor, radius: float, size: int = 32) -> torch.Tensor:
    """A skin-coloured 1×3×size×size image with a disc of `eye_rgb` (in [-1, 1]) of `radius` px at each eye."""
    image = torch.tensor([0.7, 0.3, 0.1]).view(1, 3, 1, 1).repeat(1, 1, size, size)
    c = torch.arange(size) + 0.5
    for x, y in eyes[0].tolist():
        disc = ((c[None, :] - x) ** 2 + (c[:, None] - y) ** 2) <= radius**2
        image[0, :, disc] = torch.tensor(eye_rgb)[:, None]
    return image


def test_eye_color_loss_keeps_the_hue_of_the_eyes_wherever_the_anime_face_puts_them() -> None:
    eyes_photo = torch.tensor([[[10.5, 12.5], [21.5, 12.5]]])
    eyes_anime = torch.tensor([[[9.5, 15.5], [22.5, 15.5]]])  # lower and wider apart, as an anime face has them
    valid = torch.ones(1, 2)
    skin = (0.7, 0.3, 0.1)
    red = (0.9, -0.6, -0.5)
    opposite = tuple(2 * s - r for s, r in zip(skin, red, strict=True))  # skin minus red's difference from skin
    photo = _face(red, eyes_photo, 1.0)
    # a larger eye of the same colour at the anime face's place: the same hue, nothing to pay
    same = _face(red, eyes_anime, 2.5)
    assert eye_color_loss(same, photo, eyes_photo, eyes_anime, valid) < 1e-3
    # brighter overall (R, G and B alike) is not another hue: U and V do not move
    assert eye_color_loss(same + 0.05, photo, eyes_photo, eyes_anime, valid) < 1e-3
    # the opposite hue: cos = -1, the largest loss, 2
    flipped = _face(opposite, eyes_anime, 2.5)
    assert torch.isclose(eye_color_loss(flipped, photo, eyes_photo, eyes_anime, valid), torch.tensor(2.0), atol=1e-3)
    # only the hue's direction counts: a paler eye of the same hue pays nothing, a blue one pays
    pale = tuple(s + 0.3 * (r - s) for s, r in zip(skin, red, strict=True))
    assert eye_color_loss(_face(pale, eyes_anime, 2.5), photo, eyes_photo, eyes_anime, valid) < 1e-3
    assert eye_color_loss(_face((-0.6, -0.2, 0.9), eyes_anime, 2.5), photo, eyes_photo, eyes_anime, valid) > 0.5
    # a photo eye with no colour of its own (skin coloured), or an invalid eye, asks nothing
    assert eye_color_loss(flipped, _face(skin, eyes_photo, 1.0), eyes_photo, eyes_anime, valid) < 1e-5
    assert eye_color_loss(flipped, photo, eyes_photo, eyes_anime, torch.zeros(1, 2)) == 0
    # the photo is the target: gradients reach G(photo) only
    fake = flipped.clone().requires_grad_(True)
    target = photo.clone().requires_grad_(True)
    eye_color_loss(fake, target, eyes_photo, eyes_anime, valid).backward()
    assert fake.grad.abs().sum() > 0 and target.grad is None


def test_eye_yuv_loss_keeps_brightness_and_hue_of_the_eyes_wherever_the_anime_face_puts_them() -> None:
    eyes_photo = torch.tensor([[[10.5, 12.5], [21.5, 12.5]]])
    eyes_anime = torch.tensor([[[9.5, 15.5], [22.5, 15.5]]])
    valid = torch.ones(1, 2)
    red = (0.9, -0.6, -0.5)
    photo = _face(red, eyes_photo, 1.0)
    # the photo's eye drawn larger (as an anime face draws it) where the anime face has it: (almost) nothing to pay,
    # since the anime window is larger in proportion
    same = _face(red, eyes_anime, 2.5)
    base = eye_yuv_loss(same, photo, eyes_photo, eyes_anime, valid)
    assert base < 0.01
    # a darker eye of the same hue pays (the hue term does not see it), and more the darker it is
    darker = eye_yuv_loss(_face(tuple(0.5 * c for c in red), eyes_anime, 2.5), photo, eyes_photo, eyes_anime, valid)
    darkest = eye_yuv_loss(_face(tuple(0.1 * c for c in red), eyes_anime, 2.5), photo, eyes_photo, eyes_anime, valid)
    assert base + 0.005 < darker < darkest
    # a uniformly brighter image keeps every excess (the eye against its surroundings): nothing more to pay
    assert torch.isclose(eye_yuv_loss(same + 0.05, photo, eyes_photo, eyes_anime, valid), base, atol=1e-4)
    # the eyes drawn at the photo's place instead of the anime face's are missed
    misplaced = _face(red, eyes_photo + torch.tensor([0.0, 6.0]), 2.5)
    assert eye_yuv_loss(misplaced, photo, eyes_photo, eyes_anime, valid) > darker
    # invalid eyes ask nothing; gradients reach G(photo) only
    assert eye_yuv_loss(misplaced, photo, eyes_photo, eyes_anime, torch.zeros(1, 2)) == 0
    fake = misplaced.clone().requires_grad_(True)
    target = photo.clone().requires_grad_(True)
    eye_yuv_loss(fake, target, eyes_photo, eyes_anime, valid).backward()
    assert fake.grad.abs().sum() > 0 and target.grad is None


def test_eye_color_loss_on_yuv_keeps_the_brightness_direction_too_but_not_the_strength() -> None:
    eyes_photo = torch.tensor([[[10.5, 12.5], [21.5, 12.5]]])
    eyes_anime = torch.tensor([[[9.5, 15.5], [22.5, 15.5]]])
    valid = torch.ones(1, 2)
    skin = (0.7, 0.3, 0.1)
    gold = (0.75, 0.35, -0.7)  # brighter than the skin around it
    photo = _face(gold, eyes_photo, 1.0)
    # the same colour, larger and stronger (further from the skin in the same direction): nothing to pay in either
    strong = tuple(s + 1.3 * (g - s) for s, g in zip(skin, gold, strict=True))
    for channels in ("uv", "yuv"):
        assert eye_color_loss(_face(strong, eyes_anime, 2.5), photo, eyes_photo, eyes_anime, valid, channels) < 1e-3
    # the same hue, but darker than the skin instead of brighter (brown instead of gold): only yuv pays
    darker = tuple(c - 0.6 for c in gold)
    uv = eye_color_loss(_face(darker, eyes_anime, 2.5), photo, eyes_photo, eyes_anime, valid, "uv")
    yuv = eye_color_loss(_face(darker, eyes_anime, 2.5), photo, eyes_photo, eyes_anime, valid, "yuv")
    assert uv < 0.05 and yuv > uv + 0.3


def test_eye_yuv_loss_with_a_brightness_gain_asks_the_eye_to_stand_out_that_much_more_in_y_only() -> None:
    from avatargan.blocks.face_losses import EYE_SIGMA_ANIME, EYE_SIGMA_PHOTO, eye_excess

    eyes_photo = torch.tensor([[[10.5, 12.5], [21.5, 12.5]]])
    eyes_anime = torch.tensor([[[9.5, 15.5], [22.5, 15.5]]])
    valid = torch.ones(1, 2)
    skin = (0.7, 0.3, 0.1)
    brown = (0.1, -0.3, -0.5)  # darker than the skin: a negative Y excess
    photo = _face(brown, eyes_photo, 1.0)
    same = _face(brown, eyes_anime, 2.5)
    stronger = _face(tuple(s + 1.5 * (b - s) for s, b in zip(skin, brown, strict=True)), eyes_anime, 2.5)
    # gain 1 is the plain term
    assert torch.equal(
        eye_yuv_loss(same, photo, eyes_photo, eyes_anime, valid, y_gain=1.0),
        eye_yuv_loss(same, photo, eyes_photo, eyes_anime, valid),
    )
    # the term is L1 to the photo's excess with its Y (and only Y) scaled by the gain
    for fake in (same, stronger):
        drawn = eye_excess(fake, eyes_anime, EYE_SIGMA_ANIME * 32)
        target = eye_excess(photo, eyes_photo, EYE_SIGMA_PHOTO * 32)
        target[..., 0] *= 1.5
        expected = (drawn - target).abs().mean()
        assert torch.isclose(eye_yuv_loss(fake, photo, eyes_photo, eyes_anime, valid, y_gain=1.5), expected, atol=1e-6)
    # an eye drawn darker than the photo's costs less with the gain, the photo's own strength costs more
    plain = [eye_yuv_loss(f, photo, eyes_photo, eyes_anime, valid) for f in (same, stronger)]
    gained = [eye_yuv_loss(f, photo, eyes_photo, eyes_anime, valid, y_gain=1.5) for f in (same, stronger)]
    assert gained[1] < plain[1] and gained[0] > plain[0]
    assert gained[1] < gained[0]
