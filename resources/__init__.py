"""Bundled data shipped with TokenTCO (installed as ``tokentco.resources``)."""
