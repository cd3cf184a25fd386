"""The renewal pack as one self-contained, printable HTML document.

No script, no external resource: the CSS is inline, the charts are inline SVG rendered
on the server, and a Content-Security-Policy `default-src 'none'` makes a browser refuse
any fetch even so. Every user text (names, notes, captions, links) is HTML-escaped; an
evidence link is shown as text, never as a link the page would follow or load.
Printing: the summary is page 1, each use case starts a page, then the evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from valuecalc_api.charts.health_charts import indicator_name, trend_text
from valuecalc_api.charts.labels import long_month_label, money_label, month_label, percent_label
from valuecalc_api.renewal_pack.repository import Backing
from valuecalc_api.renewal_pack.story import Figure, PackStory

Payload = dict[str, Any]

_CSS = """
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1d2733;
  margin: 0; font-size: 11pt; line-height: 1.35; }
main { max-width: 182mm; margin: 0 auto; }
section { padding: 0; }
section + section { break-before: page; page-break-before: always; }
.eyebrow { color: #5b6675; font-size: 10pt; letter-spacing: .02em; margin: 0 0 4mm; }
h1 { font-size: 18pt; line-height: 1.25; margin: 0 0 5mm; color: #14385e; }
h2 { font-size: 15pt; margin: 0 0 3mm; color: #14385e; }
h3 { font-size: 11.5pt; margin: 4mm 0 1.5mm; }
dl.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 2.5mm; margin: 0 0 5mm; }
dl.figures div { border: 1px solid #d5dbe3; border-radius: 2mm; padding: 2mm 3mm; }
dl.figures dt { font-size: 8.5pt; color: #5b6675; text-transform: uppercase; }
dl.figures dd { margin: .5mm 0 0; font-size: 12pt; font-weight: bold; }
dl.figures dd small { display: block; font-weight: normal; font-size: 6.5pt; color: #5b6675;
  line-height: 1.2; margin-top: .5mm; }
figure.chart { margin: 0 0 3mm; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { width: 100%; height: auto; display: block; }
figure.chart svg text { font-family: "Liberation Sans", Arimo, Arial, Helvetica, sans-serif; }
ul { margin: 0 0 2mm; padding-left: 5mm; }
li { margin: 0 0 1mm; }
p.none { color: #5b6675; margin: 0 0 2mm; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #d5dbe3; padding: 1.2mm 1.5mm; }
td.text { white-space: pre-wrap; overflow-wrap: anywhere; }
footer { color: #5b6675; font-size: 8pt; margin-top: 4mm; }
"""

_SECURITY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; script-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)


@dataclass(frozen=True, slots=True)
class PackCharts:
    """The pack's charts as SVG text: the summary's two, and one per use case by id."""

    realized_vs_projected: str
    benefit_vs_cost: str
    use_cases: dict[str, str]


def _figures(figures: Sequence[Figure]) -> str:
    items = "".join(
        f"<div><dt>{escape(f.label)}</dt><dd>{escape(f.value)}"
        f"<small>{escape(f.definition)}</small></dd></div>"
        for f in figures
    )
    return f'<dl class="figures">{items}</dl>'


def _chart(svg: str, label: str) -> str:
    return f'<figure class="chart" aria-label="{escape(label)}">{svg}</figure>'


def _use_case_chart(charts: PackCharts, use_case_id: str, name: str) -> str:
    svg = charts.use_cases.get(use_case_id)
    if svg is None:
        return '<p class="none">No benefit calculation yet.</p>'
    return _chart(svg, f"{name}: trend")


def _items(items: Sequence[str], empty: str) -> str:
    if not items:
        return f'<p class="none">{escape(empty)}</p>'
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def _backing_text(item: Backing) -> str:
    if item.kind == "note":
        return item.text or ""
    parts = [item.caption or ""]
    if item.kind == "file":
        parts.append(f"File: {item.filename or 'unnamed'}")
    elif item.kind == "link":
        parts.append(f"Link: {item.url or ''}")
    elif item.kind == "pasted":
        text = item.text or ""
        parts.append(text if len(text) <= 600 else f"{text[:600]}…")
    return "\n".join(part for part in parts if part)


def _backing(items: Sequence[Backing], total: int, names: dict[str, str]) -> str:
    if not items:
        return '<p class="none">No notes or evidence are attached yet.</p>'
    rows = "".join(
        "<tr>"
        f"<td>{escape(month_label(str(item.month)))}</td>"
        f"<td>{escape(names.get(str(item.calculation_id), ''))}</td>"
        f"<td>{escape(item.kind)}</td>"
        f'<td class="text">{escape(_backing_text(item))}</td>'
        f"<td>{item.created_at:%Y-%m-%d}</td>"
        "</tr>"
        for item in items
    )
    more = (
        f'<p class="none">And {total - len(items)} more (the API lists them all).</p>'
        if total > len(items)
        else ""
    )
    return (
        "<table><thead><tr><th>Month</th><th>Calculation</th><th>Kind</th><th>What it says"
        f"</th><th>Added</th></tr></thead><tbody>{rows}</tbody></table>{more}"
    )


def _revenue(part: Payload) -> str:
    arr = part["arr"]
    if arr is None:
        return '<p class="none">No ARR is recorded for this customer on that day.</p>'
    currency = arr["currency"]
    renewal = part["renewal_date"]
    figures = [
        Figure(
            "ARR",
            money_label(arr["amount"], currency),
            f"Annual recurring revenue at the end of {arr['as_of_date']}, from the revenue "
            "ledger's movements.",
        ),
        Figure(
            "Next renewal",
            renewal if renewal is not None else "none undecided",
            "The earliest renewal still undecided on that day.",
        ),
    ]
    movements = part["arr_movements"]
    if not movements:
        return _figures(figures)
    rows = "".join(
        f"<tr><td>{escape(m['date'])}</td><td>{escape(m['kind'])}</td>"
        f"<td>{escape(money_label(m['amount'], m['currency']))}</td></tr>"
        for m in movements
    )
    return (
        f'{_figures(figures)}<h3>Latest ARR movements</h3><table class="movements"><thead>'
        f"<tr><th>Date</th><th>Movement</th><th>Amount</th></tr></thead><tbody>{rows}</tbody>"
        "</table>"
    )


def _explanation(health: Payload) -> str:
    rows = "".join(
        f"<tr><td>{escape(indicator_name(i['kind']))}</td>"
        + (
            f"<td>{escape(i['value'])}</td><td>{escape(i['points'])}</td>"
            f"<td>{escape(percent_label(i['weight_share']))}</td>"
            f"<td>{escape(i['contribution'])}</td>"
            if i["contribution"] is not None
            else f'<td colspan="4">No value ({escape(str(i["missing_reason"]))}): its weight '
            "is shared out.</td>"
        )
        + "</tr>"
        for i in health["indicators"]
    )
    return (
        '<table class="explanation"><thead><tr><th>Indicator</th><th>Value</th><th>Points'
        "</th><th>Weight share</th><th>Contribution</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _point_text(point: Payload) -> str:
    """'2026-03-31: 65.00 (yellow)'."""
    if point["score"] is None:
        return f"{point['as_of_date']}: no score ({point['undefined_reason']})"
    return f"{point['as_of_date']}: {point['score']} ({point['band']})"


def _health(part: Payload) -> str:
    health = part["health"]
    if health is None:
        return '<p class="none">No health profile applies to this customer.</p>'
    profile = health["profile"]
    score = (
        f"{health['score']} ({health['band']})"
        if health["score"] is not None
        else f"not defined ({health['undefined_reason']})"
    )
    history = part["health_history"]
    figures = [
        Figure(
            "Health score",
            score,
            f"On {health['as_of_date']}, profile {profile['name']} v{profile['version']}: "
            "each indicator's points x its weight share, added up.",
        ),
        Figure(
            "Trend",
            trend_text(history["trend"]),
            "The score at the pack's day against the month end before, under the same "
            "profile version.",
        ),
    ]
    override = health["override"]
    if override is not None:
        figures.append(
            Figure(
                "Override in force",
                f"{override['score']} ({override['band']}) through {override['expires_on']}",
                override["reason"],
            )
        )
    points = "".join(f"<li>{escape(_point_text(p))}</li>" for p in history["points"])
    return (
        f'{_figures(figures)}<h3>Score by month end</h3><ul class="history">{points}</ul>'
        f"<h3>What the score is made of</h3>{_explanation(health)}"
        f'<p class="none">{escape(health["definition"])}</p>'
    )


def customer_html(part: Payload | None, customer: str) -> str:
    """The customer's revenue and health (a page of its own), when either exists."""
    if part is None or (part["arr"] is None and part["health"] is None):
        return ""
    return (
        '<section class="customer">'
        f"<h2>{escape(customer)}: revenue and health</h2>"
        f'<h3>Revenue</h3><div class="revenue">{_revenue(part)}</div>'
        f'<h3>Health</h3><div class="health">{_health(part)}</div>'
        "</section>"
    )


def pack_html(
    story: PackStory,
    charts: PackCharts,
    backing: tuple[Sequence[Backing], int],
    calculation_names: dict[str, str],
    customer: Payload | None = None,
) -> str:
    """The whole document."""
    as_of = long_month_label(story.as_of)
    summary = (
        '<section class="summary">'
        f'<p class="eyebrow">Renewal pack · {escape(story.customer)} · '
        f"{escape(story.title)} · as of {escape(as_of)}</p>"
        f'<h1 class="headline">{escape(story.headline)}</h1>'
        f"{_figures(story.figures)}"
        f"{_chart(charts.realized_vs_projected, 'Realized vs projected benefit')}"
        f"{_chart(charts.benefit_vs_cost, 'Cumulative benefit vs cumulative cost')}"
        "</section>"
    )
    use_cases = "".join(
        f'<section class="use-case" id="use-case-{escape(u.use_case_id)}">'
        f"<h2>{escape(u.name)}</h2>{_figures(u.figures)}"
        f"{_use_case_chart(charts, u.use_case_id, u.name)}"
        f"<h3>Wins</h3>{_items(u.wins, 'No month above the projection yet.')}"
        f"<h3>Challenges</h3>{_items(u.challenges, 'Nothing flat, declining or to review.')}"
        "</section>"
        for u in story.use_cases
    )
    evidence = (
        '<section class="evidence"><h2>Evidence and notes behind the figures</h2>'
        f"{_backing(backing[0], backing[1], calculation_names)}"
        "<footer>Every figure is computed from the recorded measurements in exact decimal "
        "arithmetic; monthly benefits are rounded to the cent once and totals are their "
        "sums.</footer></section>"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_SECURITY}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Renewal pack: {escape(story.customer)}, {escape(story.title)}, "
        f"{escape(as_of)}</title><style>{_CSS}</style></head>"
        f"<body><main>{summary}{customer_html(customer, story.customer)}{use_cases}"
        f"{evidence}</main></body></html>"
    )
