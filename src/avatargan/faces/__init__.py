"""Faces as data: detectors for real photos and anime images, alignment and cropping, pasting converted faces back,
`landmarks.jsonl`, and the key point maps that travel with training images (`keypoint_data`).

Every face carries the six canonical key points of the built-in domains (`avatargan.data.builtin.keypoints.
KEYPOINT_NAMES`: eyes, nose tip, mouth corners, chin; "left" is image-left) in pixel coordinates, whatever found
them: dlib's 68 points for photos, the AnimeFace parts for anime, or the built-in renderer's exact points. The
detectors need `pip install avatargan[faces]`. The face losses live in `avatargan.blocks` (`face_losses`,
`face_terms`), the landmark metric in `avatargan.metrics.landmarks`, the anime key point regressor and its training
script in `avatargan.landmark_regressor`. (Nothing is imported here, so `--help` stays fast.)
"""
