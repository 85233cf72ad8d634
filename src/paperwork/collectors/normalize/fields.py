"""The program columns every portal parser fills the same way: the period columns and what
the announcement's own words state (amount, 제출서류, 평가기준). Pure.

One place, so the three parsers cannot drift in how they fill them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from paperwork.collectors.normalize.amounts import extract_amount
from paperwork.collectors.normalize.periods import Period, application_status, period_label
from paperwork.collectors.normalize.sections import (
    CRITERIA_HEADINGS,
    DOCUMENT_HEADINGS,
    extract_section,
)


def period_fields(period: Period, today: dt.date) -> dict[str, Any]:
    """The program's period columns, as every portal fills them from a parsed period."""
    return {
        "application_period": period_label(period),
        "apply_start": period.start,
        "apply_end": period.end,
        "period_kind": period.kind,
        "application_status": application_status(period, today),
    }


def announcement_fields(text: str | None) -> dict[str, Any]:
    """What the announcement's own words state: the amount, 제출서류 and 평가/심사기준."""
    return {
        "support_amount": extract_amount(text),
        "required_documents": extract_section(text, DOCUMENT_HEADINGS),
        "evaluation_criteria": extract_section(text, CRITERIA_HEADINGS),
    }
