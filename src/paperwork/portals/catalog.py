"""The portals we know, with the names clients show (CONTRACT.md, PORTALS.md)."""

from __future__ import annotations

PORTAL_NAMES: dict[str, str] = {
    "bizinfo": "정부지원사업통합정보시스템",
    "kstartup": "K-Startup",
    "mss": "중소벤처기업부",
}


def portal_name(portal_id: str) -> str:
    return PORTAL_NAMES.get(portal_id, portal_id)
