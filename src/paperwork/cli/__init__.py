"""The ``paperwork`` command: one module per group of commands.

``serve`` / ``worker`` (``server.py``), ``scrape`` / ``import`` (``collect.py``), ``db`` and
``search`` (``database.py``), ``token`` (``tokens.py``), ``alerts`` (``alerts.py``),
``attachments`` (``attachments.py``);
``common.py`` runs a job against the database.
"""

from __future__ import annotations

import typer

from paperwork.cli import alerts, attachments, collect, database, server, tokens

app = typer.Typer(
    help="Paperwork AI backend: 정부 지원사업 공고 수집 · API 서버",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command()(server.serve)
app.command()(server.worker)
app.command()(collect.scrape)
app.command("import")(collect.import_file)

db_app = typer.Typer(
    help="Database migrations; backup and restore of the embedded SQLite database.",
    no_args_is_help=True,
)
db_app.command("upgrade")(database.db_upgrade)
db_app.command("downgrade")(database.db_downgrade)
db_app.command("backup")(database.db_backup)
db_app.command("restore")(database.db_restore)
app.add_typer(db_app, name="db")

search_app = typer.Typer(help="The search index.", no_args_is_help=True)
search_app.command("reindex")(database.search_reindex)
app.add_typer(search_app, name="search")

token_app = typer.Typer(help="Admin tokens for PUT /scraping-config and /admin/*.")
token_app.command("create")(tokens.token_create)
token_app.command("list")(tokens.token_list)
token_app.command("revoke")(tokens.token_revoke)
app.add_typer(token_app, name="token", no_args_is_help=True)

alerts_app = typer.Typer(
    help="Every user's alerts: list them, send one a test message, run a delivery pass."
)
alerts_app.command("list")(alerts.alerts_list)
alerts_app.command("test")(alerts.alerts_test)
alerts_app.command("send-due")(alerts.alerts_send_due)
app.add_typer(alerts_app, name="alerts", no_args_is_help=True)

attachments_app = typer.Typer(
    help="Announcement attachments: fetch and read what is due, or show one file's text."
)
attachments_app.command("fetch")(attachments.attachments_fetch)
attachments_app.command("extract")(attachments.attachments_extract)
app.add_typer(attachments_app, name="attachments", no_args_is_help=True)

__all__ = ["app"]
