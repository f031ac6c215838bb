"""``python -m tokentco`` — same as the ``tokentco`` command."""

from tokentco.cli import entry

entry()
