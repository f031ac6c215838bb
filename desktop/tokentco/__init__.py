"""TokenTCO: compare AI inference infrastructure by all-in cost per million delivered tokens."""

from tokentco._version import __version__

MODEL_VERSION = "estimator-8"
"""Version of the throughput model; printed beside every *estimated* figure."""

__all__ = ["MODEL_VERSION", "__version__"]
