"""Items listed under a section heading of an announcement's body."""

from __future__ import annotations

from paperwork.collectors.normalize.sections import extract_section

BODY = """사업 개요 문단입니다.
□ 지원내용
 - 최대 1억원
□ 제출서류
 - 사업계획서 1부
 - 지원대상 확인서 1부
 - 재무제표(최근 3년)
□ 평가기준
 ① 기술성 (40점)
 ② 사업성 (60점)
□ 문의처
 - 1357"""


def test_extract_section_stops_at_next_heading() -> None:
    docs = extract_section(BODY, ("제출서류", "구비서류"))
    assert docs == ["사업계획서 1부", "지원대상 확인서 1부", "재무제표(최근 3년)"]
    assert extract_section(BODY, ("평가기준", "심사기준", "평가항목")) == [
        "기술성 (40점)",
        "사업성 (60점)",
    ]


def test_extract_section_with_items_on_the_heading_line() -> None:
    text = "신청방법: 온라인\n구비서류: 사업자등록증, 재무제표\n문의처: 1357"
    assert extract_section(text, ("제출서류", "구비서류")) == ["사업자등록증", "재무제표"]


def test_extract_section_ignores_sentences_and_missing_sections() -> None:
    text = "제출서류는 공고문을 확인하시기 바랍니다.\n평가항목별 점수는 비공개"
    assert extract_section(text, ("제출서류",)) == []
    assert extract_section(BODY, ("선정절차",)) == []
    assert extract_section(None, ("제출서류",)) == []


def test_extract_section_numbered_headings() -> None:
    text = "1. 평가기준\n1) 기술성\n2) 사업성\n2. 문의\n담당자"
    assert extract_section(text, ("평가기준",)) == ["기술성", "사업성"]
