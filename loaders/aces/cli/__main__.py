"""``python -m aces.cli``: the ``aces`` command."""

import sys

from aces.cli import main

sys.exit(main())
