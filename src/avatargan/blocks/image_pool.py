"""The fake-image pool of Shrivastava et al. (2017), as CycleGAN uses it: D also sees some older generator outputs.

Showing the discriminator a history of fakes, not only the latest generator's, keeps it from forgetting what it
rejected before and damps oscillation. The rule, per image of a batch: while the pool holds fewer than `size`
images, store the new image and return it; afterwards, with probability 1/2 return a random stored image and put
the new one in its place, otherwise return the new image. `size=0` turns the pool off (every image passes through).

The pool draws from its own random generator, and `state_dict()` holds only tensors (the stored images and the
generator's state), so a checkpoint restores it exactly.
"""

from __future__ import annotations

import torch


class ImagePool:
    def __init__(self, size: int = 50, seed: int = 0) -> None:
        if size < 0:
            raise ValueError(f"image pool size must be ≥ 0, got {size}")
        self.size = size
        self.images: torch.Tensor | None = None  # (stored, C, H, W), detached, on the images' device
        self.rng = torch.Generator().manual_seed(seed)  # CPU: the same draws on every device

    def __len__(self) -> int:
        return 0 if self.images is None else self.images.shape[0]

    @torch.no_grad()
    def query(self, images: torch.Tensor) -> torch.Tensor:
        """The images to show D for this batch of new fakes (same shape); the pool is updated on the way."""
        if self.size == 0:
            return images
        images = images.detach()
        out = []
        for img in images:
            if len(self) < self.size:
                stored = img[None].clone()
                self.images = stored if self.images is None else torch.cat([self.images, stored])
                out.append(img)
            elif torch.rand((), generator=self.rng).item() < 0.5:
                i = int(torch.randint(self.size, (), generator=self.rng))
                out.append(self.images[i].clone())
                self.images[i] = img
            else:
                out.append(img)
        return torch.stack(out)

    def state_dict(self) -> dict[str, torch.Tensor]:
        images = self.images if self.images is not None else torch.empty(0)
        return {"images": images.detach().cpu().clone(), "rng": self.rng.get_state()}

    def load_state_dict(self, state: dict[str, torch.Tensor], device: torch.device | str = "cpu") -> None:
        images = state["images"]
        self.images = images.to(device).clone() if images.numel() else None  # never shared: swaps write in place
        self.rng.set_state(state["rng"])
