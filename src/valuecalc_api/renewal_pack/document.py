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

from valuecalc_api.charts.labels import long_month_label, month_label
from valuecalc_api.renewal_pack.repository import Backing
from valuecalc_api.renewal_pack.story import Figure, PackStory

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


def pack_html(
    story: PackStory,
    charts: PackCharts,
    backing: tuple[Sequence[Backing], int],
    calculation_names: dict[str, str],
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
        f"<body><main>{summary}{use_cases}{evidence}</main></body></html>"
    )
