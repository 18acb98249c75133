"""Faces: detectors for real photos and anime images, alignment and cropping, `landmarks.jsonl`, and the
landmark-aware losses and metric of the report's section 3.4 ("give high priority to the key points on faces").

Every face carries the six canonical key points of the built-in domains (`avatargan.data.builtin.keypoints.
KEYPOINT_NAMES`: eyes, nose tip, mouth corners, chin; "left" is image-left) in pixel coordinates, whatever found
them: dlib's 68 points for photos, the AnimeFace parts for anime, or the built-in renderer's exact points. The
detectors need `pip install avatargan[faces]`. (Nothing is imported here, so `--help` stays fast.)
"""
