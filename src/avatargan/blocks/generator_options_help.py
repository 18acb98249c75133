"""DCGAN's generator options beyond the report's layout, for `avatargan train --help`: a line each (no imports, so
help is fast)."""

HELP = """DCGAN's generator beyond the report's layout (off by default; nn/generators.py says how each works):
  --set model.g_upsample=resize      nearest ×2 then a 3×3 convolution instead of each 4×4/stride-2 transposed
                                     convolution (no checkerboard); on dcgan_demo worse on every score:
                                     benchmarks/results/2026-12-02-dcgan-demo-arms
  --set model.g_blur=output|all      a fixed [1, 2, 1] low-pass after G's last doubling (output) or after every
                                     doubling (all); removed the checkerboard and made FID worse:
                                     benchmarks/results/2026-12-03-dcgan-output-blur
  --set model.g_full_res=N           the last doubling makes N channels (norm, leaky ReLU) and a 3×3 convolution
                                     makes RGB at the output size (default 0: straight to RGB); on dcgan_demo N=8
                                     lowered FID at 12,000 steps and raised it in the demo's minutes:
                                     benchmarks/results/2026-12-04-dcgan-demo-full-res; on the D-24 recipe at
                                     equal steps FID level in one seed, worse in the other, 0.896x the steps/s:
                                     benchmarks/results/2026-12-06-dcgan-demo-topk-fullres
  --set model.g_self_modulation=H  each batch norm's scale and shift become functions of the noise, an MLP with
                                     H hidden units per layer (Chen et al. 2019; the paper: 32; default 0: off);
                                     on dcgan_demo H=32 was level on FID and lower on coverage at equal minutes:
                                     benchmarks/results/2026-12-06-dcgan-demo-pacgan-selfmod
  --set model.g_attention=S          a self-attention layer (SAGAN, nn/self_attention.py) after the doubling that
                                     makes G's S×S map, so far-apart places of that map (two irises, a fringe and
                                     its hair) can agree (8 to half the image size; default 0: off); on dcgan_demo
                                     with model.d_attention=16 too, S=16 lost FID in two seeds (+10.4, +5.0),
                                     coverage +0.026 / -0.026, 0.751x the steps/s (S=32: 0.364x):
                                     benchmarks/results/2026-12-07-dcgan-demo-attention
  --set model.g_excite=S             G's 4×4 map gates each channel of its S×S map per image (FastGAN's
                                     skip-layer excitation, nn/skip_excitation.py; 8 to half the image size;
                                     default 0: off), a shortcut for whole-face choices such as a hair colour;
                                     on dcgan_demo (three seeds, equal minutes) S=32 lost FID in two, coverage
                                     lower in all three: benchmarks/results/2026-12-07-dcgan-demo-fastgan
  --set model.info_codes=C           the noise's first C entries become categorical codes (each cut into
                                     model.info_classes equally likely classes, one-hot for G) that a head on D must
                                     read back from the image (InfoGAN, nn/info_codes.py; default 0: off), so G
                                     is asked to draw kinds of face the head can tell apart; on dcgan_demo (fp32,
                                     two seeds) C=1 with 10 classes made FID worse in both:
                                     benchmarks/results/2026-12-06-dcgan-demo-infogan
  --set model.info_classes=K         classes per code (default 10, at least 2)
  --set model.info_weight=W          weight of the head's cross-entropy in G's and D's losses (default 1, the
                                     paper's for categorical codes)
"""
