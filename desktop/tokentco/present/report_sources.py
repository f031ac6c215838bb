"""The sources of one option's figures on the report's sources page: the basis of its
throughput, then the citations (title, publisher, date, URL) of its throughput, price and
hardware — never the catalogue's working notes."""

from tokentco.domain import Catalogue
from tokentco.engine.results import OptionResult
from tokentco.present.citations import option_citations
from tokentco.present.sentences import basis

_ROLE = {"throughput": "Throughput", "price": "Price", "hardware": "Hardware"}


def citations_for(r: OptionResult, catalogue: Catalogue) -> tuple[str, ...]:
    """One line per cited source of ``r``, after a line saying what its throughput rests on."""
    out = [f"Throughput basis: {basis(r)}."]
    out += [
        f"{_ROLE.get(role, role)}: {cited.text()}" for role, cited in option_citations(r, catalogue)
    ]
    out += [f"Warning: {w}" for w in r.warnings]
    return tuple(out)
