"""Charts of the reports (SPEC 6): a Vega-Lite v5 spec with its data inline, and the same
chart rendered in-process as SVG or PNG (`vl-convert-python`, inline data only).

Every number on a chart is a figure of the report it draws, exactly as the report's JSON
writes it (a decimal string, computed in `Decimal` on the server); the spec marks those
fields to be read as numbers for positioning only, and every text the chart shows (axis
tooltips, labels, running totals) is a label written on the server. Nothing is summed or
computed again in the renderer's floats.

- `labels`: how a figure is written for a person ("$109,000.00", "58 %", "Mar 2026").
- `vega`: the scaffolding every chart shares (options, themes, inline data, rules).
- `value_charts`: the value-tracking charts, each one builder over a report payload.
- `render`: SVG and PNG rendering with a time and size budget, off the event loop.
- `routes`: one operation per form (`.vl.json`, `.svg`, `.png`) and the negotiating alias.
"""
