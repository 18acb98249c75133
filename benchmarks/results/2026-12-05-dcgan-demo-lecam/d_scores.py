"""D's mean logits on real and generated images around steps 2,000, 5,000, 8,000 and 11,900 of a run (stats.jsonl),
and its quality checks: `python d_scores.py RUN [RUN ...]` prints one line per run and per check."""

import json
import sys
from pathlib import Path

for run in map(Path, sys.argv[1:]):
    rows = [json.loads(line) for line in (run / "stats.jsonl").read_text().splitlines()]
    parts = []
    for step in (2000, 5000, 8000, 11900):
        window = [r for r in rows if step - 500 <= r["step"] < step + 100]
        if window:
            real = sum(r["d_real_score"] for r in window) / len(window)
            fake = sum(r["d_fake_score"] for r in window) / len(window)
            parts.append(f"{step}: real {real:+.2f} fake {fake:+.2f}")
    print(run, " | ".join(parts))
    checks = [json.loads(line) for line in (run / "quality.jsonl").read_text().splitlines()]
    print("  quality checks:", "; ".join(f"{c['step']} {c['score']:.3f}" for c in checks))
