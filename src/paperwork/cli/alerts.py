"""``paperwork alerts``: the operator's view of every user's alerts, and a test message sent to
one alert's channels from the server itself, to tell "the user's webhook is wrong" from "this
server cannot reach it". The operator acts as an admin token would: every alert, any owner.
Channels are shown masked, as the API answers them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from paperwork.alerts.v1_schemas import AlertRead, AlertTestResult
from paperwork.cli.common import console, with_database
from paperwork.db import Database
from paperwork.vocabulary import AlertFrequency

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _schedule(alert: AlertRead) -> str:
    if alert.frequency is AlertFrequency.weekly and alert.weekday is not None:
        return f"weekly {_WEEKDAYS[alert.weekday]} {alert.at}"
    if alert.frequency is AlertFrequency.daily:
        return f"daily {alert.at}"
    return str(alert.frequency)


def alerts_list() -> None:
    """List every alert, whoever owns it: id, owner, name, frequency, state, channels (masked)."""
    from paperwork.alerts import v1_service

    async def job(database: Database) -> list[AlertRead]:
        async with database.session_scope() as session:
            return await v1_service.list_all_alerts(session)

    alerts = with_database(job)
    if not alerts:
        console.print("no alerts")
        return
    table = Table("id", "owner", "name", "frequency", "state")
    table.add_column("channels", overflow="fold")  # whole, as masked: never cut to "…"
    for alert in alerts:
        table.add_row(
            str(alert.id),
            escape(alert.owner),
            escape(alert.name),
            _schedule(alert),
            str(alert.state),
            escape("\n".join(alert.channels)),
        )
    console.print(table)


def alerts_test(
    alert_id: Annotated[int, typer.Argument(min=1, max=2**31 - 1, help="The alert's id.")],
) -> None:
    """Send alert ID's test message to every channel now; one line per channel (✓ / ✗ and why).
    Exits 1 when any channel failed."""
    from paperwork.alerts import v1_service
    from paperwork.config import Settings
    from paperwork.timeutil import today_in

    tz = Settings().tz

    async def job(database: Database) -> AlertTestResult:
        async with database.session_scope() as session:
            return await v1_service.test_alert_as_operator(
                session, alert_id, tz=tz, today=today_in(tz)
            )

    result = with_database(job)
    for outcome in result.outcomes:
        # One line per channel, however long (the terminal wraps it, rich does not break it).
        if outcome.delivered:
            console.print(f"[green]✓[/green] {escape(outcome.channel)}", soft_wrap=True)
        else:
            line = f"[red]✗[/red] {escape(outcome.channel)}: {escape(outcome.error or '')}"
            console.print(line, soft_wrap=True)
    total = result.delivered + result.failed
    console.print(f"alert {result.alert_id}: delivered to {result.delivered} of {total} channels")
    if result.failed:
        raise typer.Exit(1)


def alerts_send_due() -> None:
    """One delivery pass, as the scheduler runs after each tick: queue the new programs of every
    active instant alert, then send every due message (for cron, or a deployment without the
    scheduler). Exits 1 when a message was given up."""
    from paperwork.alerts import delivery
    from paperwork.config import Settings
    from paperwork.db import utcnow
    from paperwork.portals.scheduler import default_owner

    settings = Settings()

    async def job(database: Database) -> tuple[int, delivery.SendReport]:
        return await delivery.run_once(
            database,
            owner=default_owner(),
            clock=utcnow,
            tz=settings.tz,
            public_url=settings.public_url,
        )

    queued, report = with_database(job)
    console.print(
        f"queued {queued} messages; sent {report.sent}, retrying {report.retrying}, "
        f"given up {report.failed}"
    )
    if report.failed:
        raise typer.Exit(1)
