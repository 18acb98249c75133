"""Quality checks, ADA's p, the mode-seeking term and D's loss at every 1,000th step of each run under OUT/runs."""

import json
import sys
from pathlib import Path

from avatargan.training.stats import read_jsonl

out = Path(sys.argv[1])
result = {}
for q in sorted(out.glob("runs/*/seed*/*/quality.jsonl")):
    run = q.parent
    name = str(run.relative_to(out / "runs"))
    checks = read_jsonl(q)
    entry = {"quality": [[c.pop("step"), c] for c in checks]}
    stats = read_jsonl(run / "stats.jsonl")
    for key in ("augment_p", "mode_seeking", "loss_d"):
        entry[key] = [[s["step"], round(s[key], 4)] for s in stats if s["step"] % 1000 == 0 and key in s]
    result[name] = entry
json.dump(result, sys.stdout, indent=1)
