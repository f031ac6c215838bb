"""Details panel: the selected option in plain words — what limits it and why."""

import html
import math

from PySide6.QtWidgets import QTextBrowser, QWidget

from tokentco import MODEL_VERSION
from tokentco.domain import Project
from tokentco.engine.results import Comparison, OptionResult
from tokentco.ui import theme
from tokentco.ui.charts import fmt_money, fmt_number, provenance_text


def _row(label: str, value: str) -> str:
    return f"<tr><td class='k'>{html.escape(label)}</td><td class='v'>{value}</td></tr>"


def describe(result: OptionResult, comparison: Comparison, project: Project) -> str:
    """HTML for one option: headline, operating point, binding resource, fleet, caveats."""
    p = result.point
    e = html.escape
    muted = theme.html_colour(theme.muted_foreground())
    parts = [
        f"<style>td.k{{color:{muted};padding-right:10px;white-space:nowrap}}"
        " td.v{font-weight:600} h2{margin:0 0 2px 0} p{margin:4px 0}</style>",
        f"<h2>{e(result.label or result.option_id)}</h2>",
        f"<p style='color:{muted}'>{e(result.accelerator_id)} · offer {e(result.offer_id)}</p>",
    ]
    if not p.feasible:
        parts.append(
            f"<p style='color:{theme.INCREASE}'><b>Cannot meet this workload.</b> {e(p.reason)}</p>"
            "<p>Relax the latency targets, choose a lower precision, allow more GPUs per "
            "replica (tensor/expert parallel) or turn on KV offload.</p>"
        )
    else:
        cheapest = comparison.cheapest
        verdict = ""
        if cheapest is not None:
            if cheapest.option_id == result.option_id:
                verdict = "★ Cheapest option in this comparison."
            elif cheapest.usd_per_mtok > 0 and math.isfinite(result.usd_per_mtok):
                ratio = result.usd_per_mtok / cheapest.usd_per_mtok
                verdict = f"{ratio:.1f}× the cost of the cheapest ({e(cheapest.label)})."
        parts.append(
            f"<p style='font-size:15pt'><b>{fmt_money(result.usd_per_mtok)}</b> per million "
            f"{e(project.workload.token_basis.value)} tokens</p><p>{verdict}</p>"
        )
        parts.append(f"<p><b>Limited by {e(p.binding.label)}.</b> {e(p.binding.explanation)}</p>")
        rows = [
            _row("Throughput", f"{p.output_tokens_per_s_per_gpu:,.0f} output tok/s per GPU"),
            _row(
                "Per user",
                f"{p.tokens_per_s_per_user:,.1f} tok/s · TTFT {p.ttft_ms:,.0f} ms · "
                f"TPOT {p.tpot_ms:,.1f} ms",
            ),
            _row(
                "Operating point",
                f"batch {p.concurrency:,.0f} per replica, TP {p.tp} × EP {p.ep}, "
                f"{p.memory_used_gb_per_gpu:,.0f} GB/GPU used",
            ),
            _row(
                "GPU-hour",
                f"{fmt_money(result.cost.usd_per_gpu_hour)} ({e(result.cost.basis)}) "
                f"at {result.utilization:.0%} utilization",
            ),
            _row(
                "Energy",
                f"{fmt_number(result.tokens_per_s_per_mw)} tok/s per MW · "
                f"{(result.kwh_per_mtok or 0):.3f} kWh/Mtok",
            ),
            _row("Figures", e(provenance_text(result))),
        ]
        if result.fleet is not None:
            f = result.fleet
            rows.append(
                _row(
                    "Fleet at demand",
                    f"{f.gpus:,} GPUs in {f.systems:,} systems · {f.megawatts:,.2f} MW · "
                    f"busy {f.utilization:.0%}",
                )
            )
            rows.append(
                _row(
                    "Money",
                    f"${fmt_number(f.annual_cost_usd)} per year · "
                    f"${fmt_number(f.contract_value_usd)} over {f.term_years:g} years",
                )
            )
        parts.append("<table>" + "".join(rows) + "</table>")
    if result.warnings:
        items = "".join(f"<li>{e(w)}</li>" for w in result.warnings)
        parts.append(f"<p><b>Caveats</b></p><ul style='margin-top:0'>{items}</ul>")
    if p.provenance != "measured":
        parts.append(
            f"<p style='color:{muted}'>Throughput estimated by the TokenTCO model "
            f"{e(MODEL_VERSION)}; import a measured result to override it.</p>"
        )
    return "".join(parts)


class DetailsPanel(QTextBrowser):
    """Read-only explanation of the selected option (keyboard-focusable for screen readers)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenExternalLinks(False)
        self.setAccessibleName("Details of the selected option")
        self.setMinimumWidth(280)
        self.setHtml("<p>Computing…</p>")

    def show_result(self, comparison: Comparison, project: Project, option_id: str) -> None:
        try:
            result = comparison.by_id(option_id)
        except StopIteration:
            if not comparison.options:
                self.setHtml(
                    "<p>No options yet: add hardware from the catalogue "
                    "(<b>Comparison ▸ Add option…</b>, Ctrl+K).</p>"
                )
                return
            result = comparison.options[0]
        self.setHtml(describe(result, comparison, project))

    def show_error(self, message: str) -> None:
        self.setHtml(
            f"<p style='color:{theme.INCREASE}'><b>The comparison could not be computed.</b></p>"
            f"<p>{html.escape(message)}</p><p>Your project is unchanged; undo the last edit "
            "(Ctrl+Z) or correct the value.</p>"
        )
