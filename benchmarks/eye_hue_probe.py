"""Where does a transfer lose the eye colour? For held-out built-in photo → anime pairs, and for G(photo) of each run
given: how often the judge reads the person's eye colour, and how well the eyes' hue agrees with the photo's eyes
by `model.lambda_eye_color`'s own measure (cos between the U, V excess of each eye over its surroundings, weighted
by how coloured the photo's eye is), together with the L1 between the full Y, U, V excesses, and how often a reader
of colour alone gets the person's eye colour: the Y, U, V excess of both eyes, classed by the nearest mean excess of
each colour among the true anime faces (means from the even-numbered pairs, scored on the odd-numbered ones) — does
the colour at the eyes' places carry the class, whatever the judge looks at?

    python benchmarks/eye_hue_probe.py RUN_DIR [RUN_DIR ...]          # photo → anime runs of the built-in data
    python benchmarks/eye_hue_probe.py RUN_DIR --n 300
    python benchmarks/eye_hue_probe.py RUN_DIR --swap-eyes    # also: each run's G(photo) with the true anime face's
                                                              # eyes blended in, and the true anime face with G's

`--swap-eyes` asks where the judge looks: if the true anime face's eyes, blended into G(photo) (a soft disc of
EYE_SWAP_RADIUS of the side around each mapped eye), make the judge read the person's eye colour, and G's eyes in the
true anime face make it miss it, the eye regions decide the reading. A second table then gives every attribute the
benchmark's attribute preservation averages, for the same images: how much of G's shortfall sits in its eyes.

The reference rows are the true anime face (what a perfect transfer draws) and the photo itself (measured at the
photo's own eyes). Eyes are the photos' built-in key points, mapped into the anime frame for anime faces, as the
loss does. Prints a markdown table; nothing is trained.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))

from avatargan import config as config_mod  # noqa: E402
from avatargan.blocks.face_losses import (  # noqa: E402
    EYE_SIGMA_ANIME,
    EYE_SIGMA_PHOTO,
    eye_excess,
    eye_hue_weight,
    squared_distances,
)
from avatargan.data.spec import open_test_domains  # noqa: E402
from avatargan.landmark_regressor.net import photo_to_anime, photo_to_anime_affine  # noqa: E402
from avatargan.metrics.evaluate import builtin_labels, first_images  # noqa: E402
from avatargan.metrics.judge import ATTRIBUTE_HEADS, judge_images, load_judge  # noqa: E402
from avatargan.metrics.judge_metrics import IDENTITY_ATTRIBUTES  # noqa: E402
from avatargan.metrics.landmarks import landmark_inputs  # noqa: E402
from avatargan.pixels import from_uint8  # noqa: E402
from avatargan.weights import load_generators  # noqa: E402


def row(
    name: str, image: torch.Tensor, read: dict, eyes: torch.Tensor, sigma: float, photo: torch.Tensor, ctx: dict
) -> str:
    """One table row: `image` (B×3×H×W in [-1, 1]) with its eyes at `eyes`, against the photos' eye excess `photo`
    (B×2×3: Y, U, V); `ctx` holds the judge and the true eye colours."""
    excess = eye_excess(image, eyes, sigma * image.shape[-1])
    cos = F.cosine_similarity(excess[..., 1:], photo[..., 1:], dim=-1, eps=1e-6)
    weight = eye_hue_weight(photo[..., 1:])
    agreement = float((cos * weight).sum() / weight.sum())
    l1 = float((excess - photo).abs().mean())
    kept = float((read["eye_color"] == ctx["truth"]).double().mean())
    nearest = torch.cdist(excess.mean(dim=1)[1::2].double(), ctx["centroids"]).argmin(dim=1)
    by_colour = float((nearest == ctx["truth"][1::2]).double().mean())
    return f"| {name} | {kept:.3f} | {agreement:.3f} | {l1:.4f} | {by_colour:.3f} |"


def attribute_row(name: str, read: dict, ctx: dict) -> str:
    """One row of the attribute table: how often the judge's reading `read` of an image set gets each identity
    attribute of the person, and their mean (the benchmark's attribute preservation)."""
    kept = [
        float((read[k] == ctx["labels"][:, list(ATTRIBUTE_HEADS).index(k)]).double().mean())
        for k in IDENTITY_ATTRIBUTES
    ]
    return f"| {name} | " + " | ".join(f"{k:.3f}" for k in kept) + f" | {sum(kept) / len(kept):.3f} |"


#: the radius of the soft disc `--swap-eyes` exchanges around each eye, as a fraction of the image side
EYE_SWAP_RADIUS = 0.09


def swap_eyes(into: torch.Tensor, source: torch.Tensor, eyes: torch.Tensor) -> torch.Tensor:
    """`into` with `source`'s pixels blended in around `eyes` (B×K×2 pixels): full inside EYE_SWAP_RADIUS of the side,
    fading to nothing over the next half of it."""
    size = into.shape[-1]
    d = squared_distances(eyes, size, size).sqrt()
    r = EYE_SWAP_RADIUS * size
    mask = (1 - (d - r) / (0.5 * r)).clamp(0, 1).amax(dim=1, keepdim=True)
    return into * (1 - mask) + source * mask


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", help="run folders of photo → anime runs on builtin:photo-faces")
    p.add_argument(
        "--n", type=int, default=300, help="held-out pairs at most (default 300; the built-in test set holds 256)"
    )
    p.add_argument(
        "--swap-eyes", action="store_true", help="also rows with the eyes of G(photo) and the true anime face swapped"
    )
    args = p.parse_args()
    torch.set_num_threads(1)
    cfg = config_mod.from_dict(config_mod.load_yaml(Path(args.runs[0]) / "config.yaml"))
    size = cfg.data.image_size
    photos_u8, kp, _ = landmark_inputs(cfg.data, None, args.n, size)
    anime_source = open_test_domains(cfg.data, ("b",))["b"]
    anime_u8 = first_images(anime_source, size, len(photos_u8))
    photos, anime = from_uint8(photos_u8), from_uint8(anime_u8)
    eyes = torch.from_numpy(kp[:, :2]).float()  # left_eye, right_eye in pixels
    eyes_anime = photo_to_anime(eyes / size, photo_to_anime_affine()) * size
    photo = eye_excess(photos, eyes, EYE_SIGMA_PHOTO * size)
    all_labels = builtin_labels(anime_source)[: len(photos)]
    labels = all_labels[:, list(ATTRIBUTE_HEADS).index("eye_color")]
    ctx = {"judge": load_judge()[0], "truth": labels, "labels": all_labels}
    anime_excess = eye_excess(anime, eyes_anime, EYE_SIGMA_ANIME * size).mean(dim=1)[::2].double()
    even = labels[::2]
    ctx["centroids"] = torch.stack(
        [
            anime_excess[even == c].mean(dim=0) if (even == c).any() else torch.full((3,), 1e9)
            for c in range(ATTRIBUTE_HEADS["eye_color"])
        ]
    )
    print(f"{len(photos)} held-out pairs, {size} px; eyes: the photos' key points (mapped into the anime frame)\n")
    print(
        "| images | judge: eye colour kept ↑ | eye hue agreement with the photo ↑ | Y, U, V excess L1 to the photo ↓ "
        "| colour alone: eye colour kept (odd pairs) ↑ |"
    )
    print("|---|---|---|---|---|")
    read_photos, read_anime = (judge_images(ctx["judge"], x).attributes for x in (photos, anime))
    print(row("photo itself (its own eyes)", photos, read_photos, eyes, EYE_SIGMA_PHOTO, photo, ctx))
    print(row("true anime face", anime, read_anime, eyes_anime, EYE_SIGMA_ANIME, photo, ctx))
    attribute_rows = [
        attribute_row("photo itself", read_photos, ctx),
        attribute_row("true anime face", read_anime, ctx),
    ]
    for run in args.runs:
        generators, _ = load_generators(run, "cpu")
        with torch.no_grad():
            fake = torch.cat([generators["a2b"](photos[i : i + 50]) for i in range(0, len(photos), 50)])
        name = f"{Path(run).parent.parent.name}/{Path(run).parent.name}"
        images = {f"G(photo): {name}": fake}
        if args.swap_eyes:
            images[f"G(photo) with the true anime eyes: {name}"] = swap_eyes(fake, anime, eyes_anime)
            images[f"true anime face with G's eyes: {name}"] = swap_eyes(anime, fake, eyes_anime)
        for label, image in images.items():
            read = judge_images(ctx["judge"], image).attributes  # once for both tables
            print(row(label, image, read, eyes_anime, EYE_SIGMA_ANIME, photo, ctx))
            attribute_rows.append(attribute_row(label, read, ctx))
    if args.swap_eyes:
        print("\nAttributes the judge keeps (the benchmark's attr_preservation is their mean)\n")
        print("| images | " + " | ".join(k.replace("_", " ") for k in IDENTITY_ATTRIBUTES) + " | mean |")
        print("|---|" + "---|" * (len(IDENTITY_ATTRIBUTES) + 1))
        print("\n".join(attribute_rows))


if __name__ == "__main__":
    main()
