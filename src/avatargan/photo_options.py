"""The choices of whole-photo transfer (`transfer --faces/--size native/--tile`), declared where importing them costs
nothing, so `avatargan transfer --help` stays fast and the CLI, the API and the web demo share one spelling."""

#: what `--faces` does: off (whole images), paste (faces pasted back; a photo without one is converted whole),
#: crops (the converted crops alone, with an index), only (paste, and photos without a face are skipped)
FACE_MODES = ("off", "paste", "crops", "only")
MARGIN = 0.3  # around each face, as `avatargan prepare`'s default, so crops look like the training data
MIN_SCORE = 0.3  # detections scored below this are not faces (dlib scores the astronaut's badge 0.12, her face 1.16)
TILE = 1024  # largest side `--size native` converts in one piece (pixels)
OVERLAP = 64  # pixels shared by neighbouring tiles, blended across
