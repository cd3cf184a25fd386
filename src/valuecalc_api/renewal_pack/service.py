"""Assembling the renewal pack: the report's figures, the notes and evidence behind
them, the charts rendered to SVG (all in one worker-thread call, on a time budget)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.charts import render, value_charts
from valuecalc_api.charts.use_case_charts import use_case_trend
from valuecalc_api.charts.value_sources import report_figures
from valuecalc_api.charts.vega import ChartOptions
from valuecalc_api.renewal_pack.customer import customer_part, digest, pack_day
from valuecalc_api.renewal_pack.document import PackCharts, pack_html
from valuecalc_api.renewal_pack.repository import backing_of
from valuecalc_api.renewal_pack.story import pack_story
from valuecalc_core.months import Month

# The charts fill the printable width of an A4 page (182 mm at 96 px per inch); the two
# of the summary share its first page with the headline and the figures.
_WIDE = ChartOptions(width=680, height=300)
_SUMMARY = ChartOptions(width=680, height=235)
# A pack renders one chart per use case: a larger budget than one chart's.
PACK_RENDER_SECONDS = 60.0


async def renewal_pack(
    session: AsyncSession, principal: Principal, tracker_id: uuid.UUID, as_of: str | None
) -> tuple[str, Month, str]:
    """The pack's HTML, the month it is as of, and the digest of its customer figures."""
    report, month, marks = await report_figures(session, principal, tracker_id, as_of)
    customer = await customer_part(session, principal, tracker_id, pack_day(month))
    backing = await backing_of(session, principal.organization_id, tracker_id, month)
    story = pack_story(report)
    months = report["months"]
    shown = [u for u in report["use_cases"] if u["counted"] and u["calculations"]]
    names = {
        c["calculation_id"]: f"{u['name']}: {c['name']}"
        for u in report["use_cases"]
        for c in u["calculations"]
    }

    def work() -> str:
        charts = PackCharts(
            realized_vs_projected=render.svg_text(
                value_charts.realized_vs_projected(report, _SUMMARY, cumulative=True)
            ),
            benefit_vs_cost=render.svg_text(value_charts.benefit_vs_cost(report, _SUMMARY)),
            use_cases={
                u["use_case_id"]: render.svg_text(use_case_trend(u, months, marks, _WIDE))
                for u in shown
            },
        )
        return pack_html(story, charts, backing, names, customer)

    return await render.off_the_loop(work, PACK_RENDER_SECONDS), month, digest(customer)
