"""Quality metrics: FID/KID for any data (standard Inception features, torch-fidelity's statistics) and the built-in
benchmark's judge metrics. Metrics register by name in `avatargan.registry.METRICS` (see `base.metric`), and an
evaluation appends one line per metric to `metric-<name>.jsonl` in the run folder (see `evaluate`)."""
