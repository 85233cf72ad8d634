"""``paperwork token`` as an operator runs it: created and shown once, listed without the token,
revoked; mistakes are one-line errors."""

from __future__ import annotations

from typer.testing import CliRunner

from paperwork.cli import app


def test_token_lifecycle(cli_env: str, runner: CliRunner) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    created = runner.invoke(app, ["token", "create", "ops-team"])
    assert created.exit_code == 0
    token = created.stdout.strip().splitlines()[-1]  # the log goes to stderr
    assert len(token) >= 40 and " " not in token

    listed = runner.invoke(app, ["token", "list"])
    assert listed.exit_code == 0 and "ops-team" in listed.output
    assert token not in listed.output

    duplicate = runner.invoke(app, ["token", "create", "ops-team"])
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output

    assert runner.invoke(app, ["token", "revoke", "ops-team"]).exit_code == 0
    missing = runner.invoke(app, ["token", "revoke", "nobody"])
    assert missing.exit_code == 1 and "no token named" in missing.output
