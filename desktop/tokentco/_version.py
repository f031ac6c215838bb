"""The release version: the one place it is written.

pyproject.toml reads it from here (``[tool.setuptools.dynamic]``), so the installed
package metadata, ``tokentco --version`` and the installers all agree with it, and
importing :mod:`tokentco` costs no ``importlib.metadata`` look-up (15–40 ms at start-up:
it scans every installed distribution's metadata)."""

__version__ = "0.1.0"
