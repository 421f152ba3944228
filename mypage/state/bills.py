"""ご請求明細 and インボイス（適格請求書）'s state: the statements of the chosen period."""

from __future__ import annotations

import reflex as rx

from mypage import jptime
from mypage.billing import statements
from mypage.state.member import MemberCall, member_event, now
from mypage.state.views import StatementRow, statement_row

LATEST = "latest"


def _period(db, customer_id: int, period: str, today) -> tuple[list[int], int | None, list]:
    years = statements.years(db, customer_id)
    year = int(period) if period != LATEST and period.isdecimal() and int(period) in years else None
    return years, year, statements.statements(db, customer_id, today, year=year)


class BillsState(rx.State):
    """The latest 24 months, or one calendar year, with the chart's figures."""

    period: str = LATEST
    years: list[str] = []
    statements: list[StatementRow] = []
    chart: list[dict[str, str | int]] = []
    loaded: bool = False
    opened: list[int] = []  # the statements whose details are shown

    @member_event
    async def load(self, member: MemberCall):
        """Open on the latest 24 months."""
        await self._show(member, LATEST)

    @member_event
    async def choose_period(self, member: MemberCall, period: str):
        """Show the latest months or one year; anything else is ignored."""
        if period == LATEST or period in self.years:
            await self._show(member, period)

    @rx.event
    def toggle(self, statement_id: int):
        """Show or hide one shown statement's details; an id not on the page is ignored.

        Only this tab's view changes, with no session look-up: the rows are what `_show` already gave
        this member (and a change of member empties them), so a click reveals nothing new.
        """
        if any(row.id == statement_id for row in self.statements):
            shown = statement_id in self.opened
            self.opened = [i for i in self.opened if i != statement_id] if shown else [*self.opened, statement_id]

    async def _show(self, member: MemberCall, period: str) -> None:
        self._fill(*await member.run(_period, member.customer_id, period, jptime.today(now())))

    def _fill(self, years: list[int], year: int | None, items: list) -> None:
        """The page's vars for these statements (also used by the gallery)."""
        self.years = [str(y) for y in years]
        self.period = str(year) if year else LATEST
        self.statements = [statement_row(item) for item in items]
        self.opened = [self.statements[0].id] if self.statements else []  # the newest month at once
        series = statements.chart_series(items)
        top = max([int(point["total"]) for point in series] + [1])
        self.chart = [
            {**point, "label": statements.yen(point["total"]), "width": f"{max(int(point['total']), 0) / top:.1%}"}
            for point in series
        ]
        self.loaded = True
