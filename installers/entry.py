"""Entry point frozen by PyInstaller (installers/tokentco.spec): the ``tokentco`` command."""

import multiprocessing

from tokentco.cli import entry

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen Windows/macOS app must call this first
    entry()  # main(), then the exit (at once after `estimate`: see cli.quick_exit)
