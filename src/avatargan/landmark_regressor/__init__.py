"""The shipped anime key point regressor: the network and its loading (`net`), the script that trained its weights
(`train`: `python -m avatargan.landmark_regressor.train`) and the weights themselves (`weights/`). Used by the face
landmark regression loss (`avatargan.blocks.face_terms`) and the landmark metric (`avatargan.metrics.landmarks`).
(Nothing is imported here, so `--help` stays fast.)
"""
