"""Entry point frozen by PyInstaller (installers/tokentco.spec): the ``tokentco`` command."""

import multiprocessing
import sys

from tokentco.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen Windows/macOS app must call this first
    sys.exit(main())
