"""onednn_profile.py reads oneDNN's verbose lines and counts a convolution's FLOPs right."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from onednn_profile import conv_flops, parse  # noqa: E402

CONV = "mb4_ic3oc32_ih134oh128kh7sh1dh0ph0_iw134ow128kw7sw1dw0pw0"
LOG = "\n".join(
    [
        "onednn_verbose,v1,info,cpu,runtime:OpenMP,nthr:2",
        "onednn_verbose,v1,primitive,info,template:operation,engine,primitive,implementation,prop_kind",
        "onednn_verbose,v1,primitive,exec,cpu,convolution,jit_bf16:avx512_core_bf16,forward_training,"
        f"src:bf16::blocked:abcd::f0 wei:bf16:ap:blocked:AcdB16a2b::f0,attr-scratchpad:user,alg:direct,{CONV},2.12695",
        "onednn_verbose,v1,primitive,exec,cpu,reorder,jit:uni,undef,"
        "src:bf16::blocked:aBcd16b::f0 dst:bf16::blocked:abcd::f0,attr-scratchpad:user,,4x32x128x128,0.708008",
        "some other line a library printed",
    ]
)


def test_parse_keeps_exec_lines_with_primitive_kernel_pass_problem_and_time() -> None:
    assert parse(LOG) == [
        ("convolution", "jit_bf16:avx512_core_bf16", "forward_training", CONV, 2.12695),
        ("reorder", "jit:uni", "undef", "4x32x128x128", 0.708008),
    ]


def test_conv_flops_is_two_per_multiply_add_divides_by_groups_and_counts_deconvolutions_at_their_inputs() -> None:
    # 4 images × 32 output channels × 128² outputs × (3 input channels × 7²) multiply-adds, × 2
    assert conv_flops(CONV) == 2 * 4 * 32 * 128 * 128 * 3 * 49
    assert conv_flops("mb1_g2ic4oc4_ih8oh8kh1sh1dh0ph0_iw8ow8kw1sw1dw0pw0") == 2 * 4 * 4 * 64 / 2
    assert conv_flops("4x32x128x128") is None  # a reorder's shape
    # a stride-2 transposed convolution 64 → 32 channels, 64² → 128²: the kernel runs at each of the 64² inputs
    deconv = "mb4_ic64oc32_ih64oh128kh3sh2dh0ph1_iw64ow128kw3sw2dw0pw1"
    assert conv_flops(deconv, transposed=True) == 2 * 4 * 64 * 32 * 64 * 64 * 9


def test_tally_sums_milliseconds_and_calls_by_key_and_top_orders_by_time() -> None:
    from onednn_profile import tally, top

    rows = parse(LOG) + parse(LOG)
    kinds = tally(rows, lambda r: r[:3])
    assert kinds[("convolution", "jit_bf16:avx512_core_bf16", "forward_training")] == (2 * 2.12695, 2)
    assert kinds[("reorder", "jit:uni", "undef")] == (2 * 0.708008, 2)
    assert [key[0] for key, _ in top(kinds, 2)] == ["convolution", "reorder"]
    assert len(top(kinds, 1)) == 1
