"""The choices of whole-photo transfer (`transfer --faces/--size native/--tile`), declared where importing them costs
nothing, so `avatargan transfer --help` stays fast and the CLI, the API and the web demo share one spelling."""

#: what `--faces` does: off (whole images), paste (faces pasted back; a photo without one is converted whole),
#: crops (the converted crops alone, with an index), only (paste, and photos without a face are skipped)
FACE_MODES = ("off", "paste", "crops", "only")
MARGIN = 0.3  # around each face, as `avatargan prepare`'s default, so crops look like the training data
# Detections scored below MIN_SCORE are not faces. Measured with dlib's HOG detector (upsample 1): on scikit-image's
# astronaut the face scores 1.16 and the mission patch on her suit 0.12; on the 100 faces of scikit-image's
# lfw_subset (25 px, enlarged to 100 px) 91 are found, median score 1.0, 3 below 0.15 (0.001, 0.08, 0.11), and its
# 100 non-face patches give no detection at all.
MIN_SCORE = 0.15
TILE = 1024  # largest side `--size native` converts in one piece (pixels)
OVERLAP = 64  # pixels shared by neighbouring tiles, blended across
