"""Quality checks, ADA's p, the mode-seeking term and D's loss at every 1,000th step of each run under OUT/runs."""
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
result = {}
for q in sorted(out.glob("runs/*/seed*/*/quality.jsonl")):
    run = q.parent
    name = str(run.relative_to(out / "runs"))
    checks = [json.loads(line) for line in q.read_text().splitlines() if line.strip()]
    entry = {"quality": [[c.pop("step"), c] for c in checks]}
    stats = [json.loads(line) for line in (run / "stats.jsonl").read_text().splitlines() if line.strip()]
    for key in ("augment_p", "mode_seeking", "loss_d"):
        entry[key] = [[s["step"], round(s[key], 4)] for s in stats if s["step"] % 1000 == 0 and key in s]
    result[name] = entry
json.dump(result, sys.stdout, indent=1)
