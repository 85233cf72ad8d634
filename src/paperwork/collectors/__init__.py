"""Portal collectors and their registry.

Adding a portal is one new module in this package whose collector class is decorated with
``@register``; ``collector_classes()`` finds it by importing every module of the package.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TypeVar

from paperwork.collectors.base import Collector
from paperwork.portals.catalog import PORTAL_NAMES

__all__ = ["PORTAL_NAMES", "collector_classes", "register"]


# Modules known not to hold collectors; importing them here would drag in the database layer
# and the HTTP client for nothing. (A module missing from this list is imported harmlessly.)
# Private helpers start with "_" and are skipped too.
_SKIPPED = frozenset({"base", "http", "importer", "pipeline", "runner", "store"})

_REGISTRY: dict[str, type[Collector]] = {}

C = TypeVar("C", bound=type[Collector])


def register(cls: C) -> C:
    """Class decorator: make a collector known under its ``portal_id``."""
    portal_id = cls.portal_id
    existing = _REGISTRY.get(portal_id)
    if existing is not None and existing is not cls:
        raise RuntimeError(f"two collectors claim portal_id {portal_id!r}: {existing} and {cls}")
    _REGISTRY[portal_id] = cls
    return cls


def collector_classes() -> dict[str, type[Collector]]:
    """Every collector in this package, by ``portal_id`` (a fresh dict, sorted by id)."""
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_") or module.name in _SKIPPED:
            continue
        importlib.import_module(f"{__name__}.{module.name}")
    return dict(sorted(_REGISTRY.items()))
