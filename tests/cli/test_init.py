"""The command as a whole: every group is reachable, and ``python -m paperwork`` is the same
command."""

from __future__ import annotations

import subprocess
import sys


def test_python_dash_m_works_the_same() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "paperwork", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    for command in ("serve", "db", "token"):
        assert command in result.stdout
