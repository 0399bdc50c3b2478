"""``python -m surrobench`` runs the command line."""

import sys

from surrobench.cli import main

sys.exit(main())
