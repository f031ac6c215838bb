"""Header recognition for spreadsheet import (compatibility front for the split modules).

The former 1,600-line module is split along its seams; import from the module that does
the job you need:

- :mod:`tokentco.io.import_fields` — the per-field table (``FieldSpec``, ``FIELDS``), also
  used by the templates and the GUI's catalogue tables;
- :mod:`tokentco.io.import_headers` — header analysis (``analyse_header``, ``HeaderInfo``);
- :mod:`tokentco.io.import_synonyms` — header words in other languages;
- :mod:`tokentco.io.import_match` — header matching and kind detection;
- :mod:`tokentco.io.import_units` — unit and period factors, column plans, cell units;
- :mod:`tokentco.io.import_mapping` — user column mappings (``--map``, ``--mapping``).

Every name the old module exported is re-exported here so existing callers keep working.
"""

from tokentco.io.import_fields import (
    ACCELERATOR_FIELDS,
    FIELDS,
    MEASURED_FIELDS,
    MODEL_FIELDS,
    OFFER_FIELDS,
    SYSTEM_FIELDS,
    FieldSpec,
    ValueKind,
)
from tokentco.io.import_headers import CURRENCY_SYMBOLS, HeaderInfo, analyse_header
from tokentco.io.import_match import (
    ColumnMatch,
    HeaderProblem,
    alias_collisions,
    alias_table,
    kind_score,
    match_header,
)
from tokentco.io.import_units import (
    HOURS_PER_MONTH,
    MONEY_DIMENSIONS,
    PERIOD_FACTORS,
    UNIT_FACTORS,
    ColumnPlan,
    plan_column,
)

__all__ = [
    "ACCELERATOR_FIELDS",
    "CURRENCY_SYMBOLS",
    "FIELDS",
    "HOURS_PER_MONTH",
    "MEASURED_FIELDS",
    "MODEL_FIELDS",
    "MONEY_DIMENSIONS",
    "OFFER_FIELDS",
    "PERIOD_FACTORS",
    "SYSTEM_FIELDS",
    "UNIT_FACTORS",
    "ColumnMatch",
    "ColumnPlan",
    "FieldSpec",
    "HeaderInfo",
    "HeaderProblem",
    "ValueKind",
    "alias_collisions",
    "alias_table",
    "analyse_header",
    "kind_score",
    "match_header",
    "plan_column",
]
