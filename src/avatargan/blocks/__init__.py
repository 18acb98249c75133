"""GAN building blocks: the parts that model families compose and the trainer drives, knowing neither.

Adversarial and feature losses (`losses`), the face loss terms (`face_losses`, `face_terms`), the fake-image pool,
learning-rate schedules, differentiable augmentation options and its adaptive strength (`augment`, `ada`), the
weight average (`ema`) and the precision-aware optimizer step (`precision.Updates`). They import `nn/`, the
config rules, the key point map format of `faces/keypoint_data.py` and the shipped landmark regressor; never
`models/` or `training/` (ARCHITECTURE.md, "Layers"). Why a package of its own: both the families and the trainer
use these parts, so they must sit below both; in `training/` they made every family import the trainer.
(Nothing is imported here, so `--help` stays fast.)
"""
