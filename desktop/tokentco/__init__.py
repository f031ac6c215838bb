"""TokenTCO: compare AI inference infrastructure by all-in cost per million delivered tokens."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tokentco")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

MODEL_VERSION = "estimator-8"
"""Version of the throughput model; printed beside every *estimated* figure."""
