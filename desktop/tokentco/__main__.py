"""``python -m tokentco`` — same as the ``tokentco`` command."""

import sys

from tokentco.cli import main

sys.exit(main())
