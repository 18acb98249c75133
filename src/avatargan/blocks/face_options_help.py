"""The face-loss options for `avatargan train --help`: a line each, a second for a measured effect (no imports)."""

HELP = """face losses (CycleGAN, CartoonGAN; all off by default; need key points: built-in data or `avatargan prepare`):
  --set model.landmark_gain=G        face landmark loss: reconstruction errors weigh 1+G at eyes, nose, mouth, chin
                                     (G=4 on cyclegan_modern: more of the face kept, 3 seeds; benchmarks/RESULTS.md)
  --set model.landmark_radius=R      size of those regions, a fraction of the image side (default 0.06)
  --set model.lambda_landmark_reg=L  Wu et al. 2019: the shipped anime key point regressor on G(photo) vs the photo
  --set model.lambda_gray=L          AnimeGAN grayscale loss: Gram texture of grayscale anime vs grayscale G(photo)
  --set model.lambda_color=L         AnimeGAN colour loss: G(photo) keeps the photo's colours (YUV)
  --set model.lambda_chroma=L        regional colour: G(photo) keeps each region's hue (8×8 grid), lines stay free
  --set model.chroma_channels=C      what of each cell lambda_chroma keeps: uv (hue; default) | yuv (and brightness)
  --set model.chroma_cells=N         lambda_chroma's grid, N cells a side (default 8; 16: 4-px cells at 64 px)
                                     (yuv, 16 on CartoonGAN: no more attributes kept, one seed; RESULTS.md, 27th)
  --set model.lambda_eye_color=L     eye colour: each eye's hue in G(photo) follows the photo's eye (key points)
  --set model.eye_color_channels=C   what of the eye lambda_eye_color keeps: uv (hue; default) | yuv (and brightness)
  --set model.lambda_eye_yuv=L       eye colour: each eye's brightness and hue (Y, U, V) follow the photo's eye
                                     (eye terms on cartoongan_quick: the judge reads the eye colour in 0.2 of the
                                     faces whichever is on, 0.15 without; benchmarks/RESULTS.md, eighth session)
  --set model.eye_y_gain=G           lambda_eye_yuv's target eye brightness: the photo eye's × G (default 1; the
                                     built-in anime faces draw it 1.5× as strong: benchmarks/eye_strength.py; 1.5
                                     measured no better in cartoongan_faces: RESULTS.md)
"""
