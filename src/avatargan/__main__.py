"""`python -m avatargan` (and `torchrun -m avatargan`) run the command line."""

import sys

from avatargan.cli import main

sys.exit(main())
