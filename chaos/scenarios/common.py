"""What every scenario shares: its context (the stack, the options), its shape, the paths the
load asks, and the checks that turn an observation into a pass or a ``ScenarioFailed``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from chaos import database
from chaos.processes import ScenarioFailed
from chaos.stack import Stack
from chaos.traffic import Answer

Figures = dict[str, Any]
PROGRAMS = "/api/v1/programs"


@dataclass
class Context:
    stack: Stack
    soak_seconds: float
    figures: Figures = field(default_factory=dict)  # kept in the report even when it fails

    def record(self, figures: Figures) -> Figures:
        """The scenario's figures, recorded before its assertions run."""
        self.figures.update(figures)
        return self.figures


@dataclass(frozen=True)
class Scenario:
    number: int
    name: str
    run: Callable[[Context], Figures]
    timeout: float | None  # seconds; None: computed from the options (the soak)


def read_paths(stack: Stack, *, details: int = 20) -> list[str]:
    """What a reader asks: list pages, searches, filters, program details, the dashboard."""
    ids = database.run(database.program_ids(stack.database_url, details))
    if not ids:
        raise ScenarioFailed("no program is stored: the load would only see 404s")
    return [
        f"{PROGRAMS}?{urlencode({'limit': 20})}",
        f"{PROGRAMS}?{urlencode({'q': '창업'})}",
        f"{PROGRAMS}?{urlencode({'q': '기술 지원'})}",
        f"{PROGRAMS}?{urlencode({'status': 'open', 'sort': 'deadline'})}",
        "/scraping-dashboard?action=collection_list&limit=10",
        *(f"{PROGRAMS}/{program_id}" for program_id in ids),
    ]


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise ScenarioFailed(message)


def examples(answers: Sequence[Answer], count: int = 3) -> list[tuple[str, int | None, str | None]]:
    """A few failed answers for a failure message: path, status, transport error."""
    return [(a.path, a.status, a.error) for a in answers[:count]]
