"""Presentation layer (Qt-free): labels, number formats by quantity, the sentences every
deliverable prints, enum display names and citations.

It sits above ``engine`` and below ``io``/``app``/``ui`` so that the screen, the printed
report, the scorecard workbook and the CLI all word and format a figure the same way: one
change here shows everywhere.
"""
