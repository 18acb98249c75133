"""`avatargan` for the torchrun test: in the group's first try, rank 1 dies with SIGKILL inside step 6 (as an
out-of-memory kill or a lost node would end it); restarted groups run normally."""

from __future__ import annotations

import os
import signal
import sys

from avatargan.cli import main
from avatargan.models.dcgan import DCGAN

if os.environ.get("TORCHELASTIC_RESTART_COUNT") == "0" and os.environ.get("RANK") == "1":
    plain_step = DCGAN.train_step

    def dying_step(self, batch, step):
        if step == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return plain_step(self, batch, step)

    DCGAN.train_step = dying_step

sys.exit(main(sys.argv[1:]))
