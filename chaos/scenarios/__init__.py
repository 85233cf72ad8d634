"""One module per scenario, each a ``run(context) -> figures`` that raises ``ScenarioFailed``
when its assertion does not hold; ``SCENARIOS`` is the order the suite runs them in."""

from __future__ import annotations

from chaos.scenarios import (
    api_kill,
    import_sigterm,
    postgres_restart,
    redis_stop,
    shared_limit,
    soak,
    worker_kill,
)
from chaos.scenarios.common import Scenario

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(1, "worker killed mid-run", worker_kill.run, timeout=120),
    Scenario(2, "API killed under load", api_kill.run, timeout=90),
    Scenario(3, "PostgreSQL restarted under load", postgres_restart.run, timeout=180),
    Scenario(4, "Redis stopped under load", redis_stop.run, timeout=120),
    Scenario(5, "SIGTERM during a 50,000-item import", import_sigterm.run, timeout=300),
    Scenario(6, "soak", soak.run, timeout=None),  # its bound is --soak plus a margin
    Scenario(7, "shared rate limit", shared_limit.run, timeout=120),
)
