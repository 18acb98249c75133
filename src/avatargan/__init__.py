"""avatargan: GANs that draw anime avatars (DCGAN) and turn photos into anime (CycleGAN, CartoonGAN)."""

__version__ = "0.1.0"
