from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from paperwork.collectors.base import NormalizedProgram
from paperwork.collectors.normalize import (
    absolute_url,
    application_status,
    attachments_from_joined,
    clean_multiline,
    clean_text,
    content_hash,
    dedupe_attachments,
    extract_amount,
    extract_section,
    parse_period,
    period_from_fields,
    period_label,
    program_fields,
    quality_score,
    regions_in,
    split_list,
)

D = dt.date
TODAY = D(2026, 11, 26)


# --- periods -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-06-17 ~ 2026-07-10", D(2026, 6, 17), D(2026, 7, 10)),
        ("20220727 ~ 20220930", D(2022, 7, 27), D(2022, 9, 30)),
        ("26.07.10 ~ 26.08.01", D(2026, 7, 10), D(2026, 8, 1)),
        ("2026.07.10 ~ 2026.08.10", D(2026, 7, 10), D(2026, 8, 10)),
        ("2026.07.10 ∼ 2026.08.10", D(2026, 7, 10), D(2026, 8, 10)),  # U+223C
        ("2026-07-10 ～ 2026-08-10", D(2026, 7, 10), D(2026, 8, 10)),  # fullwidth U+FF5E
        ("2026-07-10 - 2026-08-10", D(2026, 7, 10), D(2026, 8, 10)),
        ("2026-07-01 10:00 ~ 2026-07-31 18:00", D(2026, 7, 1), D(2026, 7, 31)),
        ("2026-07-01(수) 09:00 ~ 2026-07-31(금) 18:00:00", D(2026, 7, 1), D(2026, 7, 31)),
        ("2026년 7월 1일 ~ 2026년 7월 31일", D(2026, 7, 1), D(2026, 7, 31)),
        ("2026. 7. 1. ~ 2026. 7. 31.", D(2026, 7, 1), D(2026, 7, 31)),
        ("~ 2026-07-31", None, D(2026, 7, 31)),
        ("~2026.07.31 18:00", None, D(2026, 7, 31)),
        ("2026-07-31 18:00까지", None, D(2026, 7, 31)),
        ("2026-07-01 ~", D(2026, 7, 1), None),
        ("2026-07-01 09:00 ~", D(2026, 7, 1), None),
        ("2026-07-01부터", D(2026, 7, 1), None),
        ("2026-07-01 ～", D(2026, 7, 1), None),  # one-sided with a fullwidth tilde
        ("∼ 2026-07-31", None, D(2026, 7, 31)),
    ],
)
def test_parse_period_dates(text: str, start: dt.date | None, end: dt.date | None) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.kind) == (start, end, "dated")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("예산 소진시까지", "until_budget"),
        ("예산소진 시 까지", "until_budget"),
        ("상시 접수", "rolling"),
        ("상시", "rolling"),
        ("추후 공지", "tba"),
        ("추후공지 예정", "tba"),
        ("공고문 참조", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_parse_period_words_never_invent_dates(text: str | None, kind: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.kind) == (None, None, kind)
    assert period.text == (text or "")


def test_impossible_date_is_dropped_not_guessed() -> None:
    period = parse_period("2026-02-30 ~ 2026-03-10")
    assert (period.start, period.end) == (None, D(2026, 3, 10))


def test_start_date_with_budget_words_keeps_both() -> None:
    period = parse_period("2026-03-02 ~ 예산 소진시까지")
    assert (period.start, period.end, period.kind) == (D(2026, 3, 2), None, "until_budget")
    assert period_label(period) == "2026-03-02 ~ 예산 소진시까지"
    assert application_status(period, TODAY) == "상시"
    assert application_status(period, D(2026, 3, 1)) == "접수예정"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("20261201 ~ 20261231", "2026-12-01 ~ 2026-12-31"),
        ("26.12.01 ∼ 26.12.31", "2026-12-01 ~ 2026-12-31"),
        ("2026-12-01 ~", "2026-12-01 ~"),
        ("~ 2026-12-31", "~ 2026-12-31"),
        ("예산 소진시까지", "예산 소진시까지"),
        ("공고문  참조", "공고문 참조"),
        ("", None),
    ],
)
def test_period_label(text: str, label: str | None) -> None:
    assert period_label(parse_period(text)) == label


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("2026-12-01 ~ 2026-12-31", "접수예정"),
        ("2026-11-26 ~ 2026-12-31", "접수중"),  # first day counts as open
        ("2026-11-01 ~ 2026-11-26", "접수중"),  # so does the last (Asia/Seoul date)
        ("2026-11-01 ~ 2026-11-25", "마감"),
        ("~ 2026-11-30", "접수중"),
        ("~ 2026-11-20", "마감"),
        ("2026-11-01 ~", "접수중"),
        ("상시 접수", "상시"),
        ("예산 소진시까지", "상시"),
        ("추후 공지", None),
        ("공고문 참조", None),
    ],
)
def test_application_status(text: str, status: str | None) -> None:
    assert application_status(parse_period(text), TODAY) == status


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("20261201", "20261215", (D(2026, 12, 1), D(2026, 12, 15), "2026-12-01 ~ 2026-12-15")),
        ("", "20261215", (None, D(2026, 12, 15), "~ 2026-12-15")),
        ("20261201", "", (D(2026, 12, 1), None, "2026-12-01 ~")),
        ("", "", (None, None, None)),
        (None, None, (None, None, None)),
        ("2026-12-01", "2026-12-15", (D(2026, 12, 1), D(2026, 12, 15), "2026-12-01 ~ 2026-12-15")),
    ],
)
def test_period_from_two_fields(
    start: str | None, end: str | None, expected: tuple[object, object, object]
) -> None:
    period = period_from_fields(start, end)
    assert (period.start, period.end, period_label(period)) == expected
    assert period.kind == ("dated" if expected[0] or expected[1] else "unknown")


# --- text and URLs -------------------------------------------------------------------------


def test_clean_text_decodes_double_escaped_entities_and_html() -> None:
    assert clean_text("기술개발(R&amp;amp;D)") == "기술개발(R&D)"
    assert (
        clean_text("&lt;p&gt;소상공인&nbsp;지원&lt;/p&gt;&lt;p&gt;안내&lt;/p&gt;")
        == "소상공인 지원 안내"
    )
    assert clean_text("  \r\n ") is None


def test_clean_text_is_nfc() -> None:
    decomposed = "\u1100\u1161\u11a8"  # 각 as conjoining jamo
    assert clean_text(decomposed) == "각"


def test_clean_multiline_drops_scripts_and_comments_but_keeps_korean_brackets() -> None:
    # Scripts and comments need the parser; "<사업개요>" is a heading written in text, not a tag.
    markup = (
        "<p>안내</p><script>var a = 1 > 0;</script><!-- 주석 > 끝 --><p>본문 &amp; <b>참고</b></p>"
    )
    assert clean_multiline(markup) == "안내\n본문 & 참고"
    assert clean_multiline("<p>&lt;사업개요&gt; 최대 <b>1억원</b></p>") == "<사업개요> 최대 1억원"


def test_clean_multiline_keeps_line_breaks_of_blocks() -> None:
    text = clean_multiline("<p>□ 제출서류</p><ul><li>사업계획서</li><li>재무제표</li></ul>")
    assert text is not None
    lines = [line for line in text.split("\n") if line]
    assert lines == ["□ 제출서류", "사업계획서", "재무제표"]


def test_split_list_keeps_middle_dot_entries_whole() -> None:
    assert split_list("사업화,시설ㆍ공간ㆍ보육, 기술개발(R&amp;D)") == [
        "사업화",
        "시설ㆍ공간ㆍ보육",
        "기술개발(R&D)",
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("www.nipa.kr/home/2-2?tab=1", "https://www.nipa.kr/home/2-2?tab=1"),
        ("/cmm/fms/getImageFile.do?atchFileId=F1&amp;fileSn=1",
         "https://www.bizinfo.go.kr/cmm/fms/getImageFile.do?atchFileId=F1&fileSn=1"),
        ("https://a.go.kr/view.do?a=1&amp;amp;b=2", "https://a.go.kr/view.do?a=1&b=2"),
        ("//www.k-startup.go.kr/x", "https://www.k-startup.go.kr/x"),
        ("selectSIIA200Detail.do?pblancId=PBLN_1",
         "https://www.bizinfo.go.kr/sii/siia/selectSIIA200Detail.do?pblancId=PBLN_1"),
        ("javascript:go_view(1);", None),
        ("null", None),
        ("", None),
        (None, None),
    ],
)  # fmt: skip
def test_absolute_url(url: str | None, expected: str | None) -> None:
    assert absolute_url(url, "https://www.bizinfo.go.kr/sii/siia/list.do") == expected


def test_joined_attachments_zip_in_order_and_dedupe() -> None:
    pairs = attachments_from_joined("공고문.hwp@서식.hwp", "/f?id=1&sn=1@/f?id=1&sn=2")
    assert pairs == [("공고문.hwp", "/f?id=1&sn=1"), ("서식.hwp", "/f?id=1&sn=2")]
    files = dedupe_attachments(
        [("공고문.pdf", "/f?id=0"), *pairs, ("중복", "/f?id=1&sn=1"), (None, "/f?id=9")],
        "https://www.bizinfo.go.kr",
    )
    assert [f["name"] for f in files] == ["공고문.pdf", "공고문.hwp", "서식.hwp", "첨부파일 4"]
    assert files[1]["url"] == "https://www.bizinfo.go.kr/f?id=1&sn=1"


def test_joined_attachments_keep_url_without_name() -> None:
    assert attachments_from_joined("a.hwp", "/1@/2") == [("a.hwp", "/1"), (None, "/2")]
    assert attachments_from_joined("", "") == []


def test_regions_from_hashtags_titles_and_agency_names() -> None:
    assert regions_in("내수,전북,2026,소상공인") == ["전북"]
    assert regions_in(None, "[경기] 2026년 소상공인 지원") == ["경기"]
    assert regions_in("경상남도 창원시") == ["경남"]
    assert regions_in("기술,2026,중소기업") == []


# --- amounts and sections ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("기업당 최대 1억원 지원", "최대 1억원"),
        ("과제당 최대 5천만원 이내", "최대 5천만원"),
        ("지원금액: 1,000만원 (정액)", "1,000만원"),
        ("총 30억원 규모, 기업당 최대 1억 5천만원", "최대 1억 5천만원"),
        ("최대 1억 지원", "최대 1억원"),
        ("1인당 300만원", "1인당 300만원"),
        ("1인당 최대 300만원", "최대 300만원"),
        ("지원금 10,000,000원", "10,000,000원"),
        ("참가 인원 100만 명 돌파", None),
        ("참가비 500원", None),
        ("공고문 참조", None),
        (None, None),
    ],
)
def test_extract_amount(text: str | None, amount: str | None) -> None:
    assert extract_amount(text) == amount


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


# --- quality and hashing -------------------------------------------------------------------


def _complete() -> NormalizedProgram:
    return NormalizedProgram(
        portal_id="bizinfo",
        external_id="PBLN_000000000117842",
        title="2026년 중소기업 기술혁신개발사업 공고",
        implementing_agency="중소기업기술정보진흥원",
        application_period="2026-11-20 ~ 2026-12-10",
        apply_start=D(2026, 11, 20),
        apply_end=D(2026, 12, 10),
        period_kind="dated",
        application_status="접수중",
        target_audience="중소기업",
        description="가" * 300,
        attachments=[{"name": "공고문.hwp", "url": "https://www.bizinfo.go.kr/f?1"}],
        detail_url="https://www.bizinfo.go.kr/sii/siia/selectSIIA200Detail.do?pblancId=P",
        view_count=10,
    )


def test_quality_score_complete_program_is_ten() -> None:
    assert quality_score(_complete()) == quality_score(_complete())
    result = quality_score(_complete())
    assert (result.score, result.reasons) == (10.0, [])


def test_quality_score_names_what_is_missing() -> None:
    program = dataclasses.replace(
        _complete(),
        implementing_agency=None,
        apply_start=None,
        apply_end=None,
        period_kind="unknown",
        description="짧은 설명",
        attachments=[],
    )
    result = quality_score(program)
    assert result.score == 10 - 1.5 - 2 - 1.5 - 0.5
    assert result.reasons == [
        "no agency",
        "no parsed application period",
        "short description (5 chars)",
        "no attachments",
    ]


@pytest.mark.parametrize(
    ("kind", "start", "end", "points"),
    [
        ("rolling", None, None, 2.0),
        ("until_budget", None, None, 2.0),
        ("dated", None, D(2026, 12, 1), 1.5),
        ("tba", None, None, 0.5),
    ],
)
def test_quality_score_period_points(
    kind: str, start: dt.date | None, end: dt.date | None, points: float
) -> None:
    program = dataclasses.replace(_complete(), period_kind=kind, apply_start=start, apply_end=end)
    assert quality_score(program).score == 8.0 + points


def test_content_hash_ignores_view_count_and_status_only() -> None:
    base = content_hash(_complete())
    assert len(base) == 64
    assert content_hash(dataclasses.replace(_complete(), view_count=9999)) == base
    assert content_hash(dataclasses.replace(_complete(), application_status="마감")) == base
    assert content_hash(dataclasses.replace(_complete(), title="정정 공고")) != base
    assert content_hash(dataclasses.replace(_complete(), apply_end=D(2026, 12, 11))) != base
    changed = _complete()
    changed.attachments.append({"name": "추가", "url": "https://x.go.kr/2"})
    assert content_hash(changed) != base


def test_program_fields_are_json_ready() -> None:
    fields = program_fields(_complete())
    assert fields["apply_start"] == "2026-11-20"
    assert fields["view_count"] == 10
