"""DCGAN's discriminator options beyond the report's layout, for `avatargan train --help`: a line each (no imports,
so help is fast)."""

HELP = """DCGAN's discriminator beyond the report's layout (off by default):
  --set model.loss=rpgan             relativistic pairing (RpGAN; R3GAN, Huang et al. 2024): D is asked to score
                                     each real image above the generated one it is paired with, G the other way
                                     round (softplus of the pair's difference); D's scores then have no fixed
                                     zero, so ADA reads the sign of the pair's difference. G's step scores a
                                     fresh view of the real batch (one more D forward, 0.895x the demo's
                                     steps/s). R3GAN adds R1 and R2: model.r1_gamma, model.r2_gamma. On
                                     dcgan_demo alone it lost FID in two seeds; with R1 and R2 at 0.05 it raised
                                     coverage in seed 0 (0.825 against 0.785) and lost in seed 1:
                                     benchmarks/results/2026-12-06-dcgan-demo-rpgan
  --set model.real_label=T           D's target for real images (default 1; 0.9 is one-sided label smoothing,
                                     bce and lsgan only); on dcgan_demo within the seeds' spread:
                                     benchmarks/results/2026-12-02-dcgan-smoothing-mbstd
  --set model.d_minibatch_std=G      the spread of each group of G images as one extra map before D's last
                                     convolution (ProGAN; default 0: off); mixed on dcgan_demo over four seeds:
                                     benchmarks/results/2026-12-04-dcgan-demo-ms2-mbstd
  --set model.d_full_res=N           a 3×3 convolution to N channels and a leaky ReLU read the image at its own
                                     size before D's first stride-2 convolution, so D sees fine detail (irises,
                                     lids) through a non-linearity (default 0: off, the report's D); on
                                     dcgan_demo N=8 lost FID and eye colours and costs 0.812x the steps/s:
                                     benchmarks/results/2026-12-06-dcgan-demo-topk-fullres
  --set model.d_attention=S          a self-attention layer (SAGAN, nn/self_attention.py) after the stage that
                                     makes D's S×S map (8 to half the image size; default 0: off); beside
                                     model.g_attention=16, S=16 lost FID on dcgan_demo (two seeds):
                                     benchmarks/results/2026-12-07-dcgan-demo-attention
  --set model.d_pack=P               D judges packs of P real or P generated images stacked along the channels,
                                     one logit per pack (PacGAN, nn/pacgan.py; default 1: off), so a G that drops
                                     kinds of face shows in every pack it makes; on dcgan_demo P=2 lost FID and
                                     coverage in three seeds at equal minutes:
                                     benchmarks/results/2026-12-06-dcgan-demo-pacgan-selfmod
  --set model.d_joint_batch=true     D scores each step's real and generated images in one batch, so its batch
                                     norms share their statistics (default false: two batches, the report's and
                                     DCGAN's reference way, whose per-batch statistics hide how the generated
                                     batch's features differ on average); G's step scores its images beside the
                                     real batch. Needs model.d_norm=batch; not with d_pack, d_minibatch_std, bcr.
                                     On dcgan_demo (three seeds) coverage level or lower (-0.001, -0.050, -0.068),
                                     FID -11.6, +0.8, +6.7; 0.897x the steps/s:
                                     benchmarks/results/2026-12-07-dcgan-demo-joint-batch
  --set model.d_recon=W              a decoder rebuilds each real image at half its size from D's last hidden
                                     features, its L1 error weighted W in D's loss (FastGAN's self-supervised D,
                                     nn/d_decoder.py; default 0: off), so D's features must hold the whole face;
                                     on dcgan_demo W=1 at equal minutes (0.845x the steps/s) lost FID in two seeds
                                     (+15.2, +11.5), coverage +0.022 / -0.034:
                                     benchmarks/results/2026-12-07-dcgan-demo-fastgan
"""
