"""Search v2 (issue 12) through /api/v1/programs: one table of Korean queries over a corpus shaped
like the portals' announcements, each case naming programs that must be in the top 5 and programs
that must not appear at all. The same table runs on SQLite and PostgreSQL.

Every expectation follows from the search contract: a program matches when each query word (folded,
NFKC + casefold) or one of its abbreviation alternatives is found in its title, agency, target or
description (Korean inside words with one whitespace allowed between syllables, Latin and digits at
word starts); relevance ranks by field (title 3, agency/target 2, description 1, summed over the
words), then the whole query as a phrase, then not-closed above closed, then the nearest deadline
(closed: the most recently closed), then the newest.

The corpus's keys name programs in the table; its day is the test clock's (2026-12-15, Seoul).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import httpx
import pytest

from apptest import NOON_KST

URL = "/api/v1/programs"
EARLIER = NOON_KST - dt.timedelta(days=2)


def open_until(end: dt.date, start: dt.date = dt.date(2026, 11, 16)) -> dict[str, Any]:
    return {
        "apply_start": start,
        "apply_end": end,
        "period_kind": "dated",
        "application_period": f"{start} ~ {end}",
    }


def closed_on(end: dt.date) -> dict[str, Any]:
    return {**open_until(end, start=end - dt.timedelta(days=30)), "application_status": "마감"}


def until_budget() -> dict[str, Any]:
    return {
        "apply_start": None,
        "apply_end": None,
        "period_kind": "until_budget",
        "application_period": "예산 소진시까지",
    }


def to_be_announced() -> dict[str, Any]:
    return {
        "apply_start": None,
        "apply_end": None,
        "period_kind": "tba",
        "application_period": "추후 공지",
    }


def program(
    title: str, agency: str, target: str, description: str, **fields: Any
) -> dict[str, Any]:
    values = {
        "title": title,
        "implementing_agency": agency,
        "target_audience": target,
        "description": description,
        **open_until(dt.date(2026, 12, 31)),
    }
    values.update(fields)
    return values


D = dt.date
CORPUS: dict[str, dict[str, Any]] = {
    # --- startups, exports, factories -----------------------------------------------------
    "예비창업": program(
        "2027년 예비창업패키지 예비창업자 모집 공고",
        "창업진흥원",
        "예비창업자",
        "창업 아이템 사업화 자금 최대 1억원 지원",
        portal_id="kstartup",
        support_field="사업화",
        region="전국",
        **open_until(D(2027, 1, 20)),
    ),
    "사관학교": program(
        "청년창업사관학교 17기 입교생 모집",
        "중소벤처기업진흥공단",
        "만 39세 이하 청년 창업자",
        "창업 공간, 교육, 코칭을 한 곳에서 지원",
        portal_id="kstartup",
        support_field="시설ㆍ공간ㆍ보육",
        **closed_on(D(2026, 12, 1)),
    ),
    "창업도약": program(
        "2025년 창업도약패키지 추가 모집",
        "창업진흥원",
        "업력 3년 이상 7년 이내 기업",
        "도약기 기업의 성장 지원",
        portal_id="kstartup",
        **closed_on(D(2025, 3, 31)),
    ),
    "수출바우처": program(
        "2026년 수출바우처사업 하반기 참여기업 모집",
        "대한무역투자진흥공사",
        "수출 중소기업",
        "바우처 방식으로 해외 마케팅 지원",
        support_field="수출",
    ),
    "수출_바우처": program(
        "수출 바우처 사업 추가 모집 안내",
        "KOTRA",
        "내수 및 수출 기업",
        "지역 수출지원센터에서 상담",
        portal_id="mss",
        support_field="수출",
    ),
    "스마트공장": program(
        "중소기업 스마트공장 구축 및 고도화 지원",
        "중소벤처기업부",
        "제조 중소기업",
        "클라우드 기반 생산관리 솔루션 도입 지원",
        portal_id="mss",
        support_field="기술",
        region="전국",
    ),
    "스마트_공장": program(
        "스마트 공장 보급확산 사업 참여기업 모집",
        "스마트제조혁신추진단",
        "제조기업",
        "중기부 스마트제조 혁신 지원",
        support_field="기술",
        region="경남",
    ),
    # --- Latin letters, digits, full-width forms ------------------------------------------
    "AI바우처": program(
        "2027년 AI바우처 지원사업 수요기업 모집",
        "정보통신산업진흥원",
        "중소·벤처기업",
        "AI 솔루션 도입 비용 지원 (과기정통부 예산)",
        support_field="기술",
        **open_until(D(2027, 1, 8)),
    ),
    "AI기반": program(
        "AI기반 제조 데이터 분석 실증 지원",
        "한국산업기술진흥원",
        "제조기업",
        "산업부 공모 사업",
        support_field="기술",
    ),
    "AI빅데이터": program(
        "AI·빅데이터 융합 인재양성 교육생 모집",
        "고용노동부",
        "청년 구직자",
        "교육 수료 후 취업 연계",
        support_field="인력",
        region="서울",
    ),
    "전각AI": program(
        "ＡＩ 스타트업 글로벌 진출 지원",
        "과학기술정보통신부",
        "창업 7년 이내 기업",
        "해외 진출을 준비하는 인공지능 스타트업",
        support_field="창업",
    ),
    "메일": program(
        "이메일(mail) 마케팅 자동화 교육",
        "소상공인시장진흥공단",
        "소상공인",
        "신청서는 email로 제출",
        support_field="경영",
    ),
    "R&D": program(
        "2026년 중소기업 R&D 역량강화 지원사업",
        "중소기업기술정보진흥원",
        "중소기업",
        "기술개발 과제 지원",
        support_field="기술",
        **closed_on(D(2026, 11, 30)),
    ),
    "연구개발": program(
        "산학연 공동연구개발 지원사업 공고",
        "한국산업기술평가관리원",
        "대학, 연구소, 기업",
        "기정원 협력 과제 포함",
        support_field="기술",
    ),
    "알앤디": program(
        "기술창업 알앤디 설명회 개최",
        "서울테크노파크",
        "예비창업자 및 창업기업",
        "창진원·중진공 담당자 현장 상담",
        region="서울",
        **to_be_announced(),
    ),
    "script": program(
        "<script>alert('x')</script> 시스템 점검 안내",
        "기업마당",
        "전체",
        "점검 시간 동안 접수 중단",
        support_field="기타",
    ),
    # --- agencies by their full names and short names --------------------------------------
    "고용부": program(
        "일자리 안정 지원금 신청 안내",
        "근로복지공단",
        "5인 이상 사업장",
        "고용부 고시에 따름",
        support_field="인력",
        **until_budget(),
    ),
    "관광": program(
        "관광기업 혁신바우처 지원사업",
        "문화체육관광부",
        "관광사업체",
        "관광 스타트업 육성",
        support_field="내수",
    ),
    "농특산물": program(
        "지역 축제 연계 농특산물 판촉 지원",
        "한국농수산식품유통공사",
        "농업법인",
        "문체부·농식품부 협업 사업",
        support_field="내수",
        region="전남",
    ),
    "스마트팜": program(
        "스마트팜 창업 보육 교육생 모집",
        "농림축산식품부",
        "만 18~39세 청년",
        "스마트팜 실습 교육",
        support_field="창업",
    ),
    "전통시장": program(
        "전통시장 화재공제 가입 지원",
        "서울특별시",
        "전통시장 상인",
        "소진공 위탁 운영",
        region="서울",
    ),
    "배달앱": program(
        "소상공인 배달앱 입점 지원",
        "경기도",
        "경기도 소상공인",
        "배달앱 수수료 일부 지원",
        region="경기",
    ),
    "모바일앱": program(
        "모바일 앱 개발 지원사업",
        "정보통신산업진흥원",
        "예비창업자 및 스타트업",
        "앱 기획과 개발, 출시까지 지원 (중기부 협력)",
    ),
    "미래차": program(
        "미래차 부품기업 사업전환 지원",
        "산업통상자원부",
        "자동차 부품기업",
        "내연기관 부품기업의 전환 지원",
        support_field="기술",
    ),
    # --- relevance: by field (디자인) -------------------------------------------------------
    "디자인_제목": program(
        "2026년 디자인 주도 제품개발 지원사업",
        "산업통상자원부",
        "중소·중견기업",
        "제품 기획부터 시제품 제작까지 지원",
        **closed_on(D(2026, 11, 30)),
    ),
    "디자인_기관": program(
        "포장재 개선 지원사업 참여기업 모집",
        "한국디자인진흥원",
        "제조 소기업",
        "친환경 포장재 개선 비용 지원",
        **closed_on(D(2026, 12, 1)),
    ),
    "디자인_대상": program(
        "지역 브랜드 개발 지원사업",
        "부산테크노파크",
        "디자인 전문기업",
        "브랜드 개발 및 홍보 지원",
        **open_until(D(2027, 1, 15)),
    ),
    "디자인_개요_임박": program(
        "시제품 제작 지원사업",
        "경남테크노파크",
        "도내 중소기업",
        "디자인 개선과 시제품 제작 비용 지원",
        **open_until(D(2026, 12, 18)),
    ),
    "디자인_개요_상시": program(
        "상세페이지 제작 지원",
        "대구테크노파크",
        "온라인 셀러",
        "상세페이지 디자인 제작 지원",
        **until_budget(),
    ),
    "디자인_개요_마감": program(
        "제품 홍보영상 제작 지원",
        "광주정보문화산업진흥원",
        "광주 소재 기업",
        "영상 디자인 및 촬영 지원",
        **closed_on(D(2026, 12, 14)),
    ),
    # --- relevance: the phrase above scattered words (해외 전시회) ----------------------------
    "해외전시회": program(
        "2026년 해외전시회 단체참가 지원 (하반기)",
        "한국무역협회",
        "수출 중소기업",
        "부스 임차료와 장치비 지원",
        **closed_on(D(2026, 11, 28)),
    ),
    "해외_전시회": program(
        "해외 전시회 개별참가 지원사업",
        "경기도경제과학진흥원",
        "경기도 중소기업",
        "참가비 일부 지원",
        **closed_on(D(2026, 12, 5)),
    ),
    "전시회_해외_1": program(
        "전시회 연계 해외 바이어 상담회",
        "부산경제진흥원",
        "부산 소재 기업",
        "코트라 무역관 연계 바이어 매칭",
        **open_until(D(2026, 12, 22)),
    ),
    "전시회_해외_2": program(
        "국내 전시회 및 해외 판촉 지원",
        "대구경북지방중소벤처기업청",
        "대구·경북 중소기업",
        "부스 참가비 지원",
        **open_until(D(2026, 12, 28)),
    ),
    "전시회_해외_3": program(
        "해외 진출 기업 전시회 홍보 지원",
        "인천테크노파크",
        "인천 소재 기업",
        "홍보물 제작 지원",
        **open_until(D(2027, 1, 10)),
    ),
    "전시회_해외_4": program(
        "전시회·해외 인증 획득 지원",
        "충북테크노파크",
        "충북 소재 기업",
        "인증 비용 지원",
        **until_budget(),
    ),
    # --- relevance: not closed first, then the nearest deadline (판로) -----------------------
    "판로_1216": program(
        "온라인 판로개척 지원사업",
        "중소기업유통센터",
        "중소기업",
        "입점 수수료 지원",
        scraped_at=EARLIER,
        **open_until(D(2026, 12, 16)),
    ),
    "판로_1220": program(
        "홈쇼핑 판로 진출 지원",
        "공영홈쇼핑",
        "중소기업",
        "방송 송출 수수료 지원",
        scraped_at=EARLIER,
        **open_until(D(2026, 12, 20)),
    ),
    "판로_1231": program(
        "공공기관 판로 지원 상담회",
        "조달청",
        "혁신제품 보유 기업",
        "구매 담당자 상담",
        scraped_at=EARLIER,
        **open_until(D(2026, 12, 31)),
    ),
    "판로_0115": program(
        "대형마트 판로 입점 지원",
        "대중소기업농어업협력재단",
        "중소기업",
        "입점 상담과 기획전",
        scraped_at=EARLIER,
        **open_until(D(2027, 1, 15)),
    ),
    "판로_예정": program(
        "2027년 해외 판로 개척단 모집",
        "전라남도",
        "도내 수출 기업",
        "현지 바이어 상담 지원",
        scraped_at=EARLIER,
        **open_until(D(2027, 1, 30), start=D(2027, 1, 5)),
    ),
    "판로_상시": program(
        "판로 상담 상시 접수",
        "중소기업유통센터",
        "중소기업",
        "수시 상담",
        **until_budget(),
    ),
    "판로_마감": program(
        "판로지원 박람회 참가기업 모집",
        "중소기업유통센터",
        "중소기업",
        "박람회 부스 제공",
        **closed_on(D(2026, 12, 14)),
    ),
}

ALL = frozenset(CORPUS)


def case(name: str, q: str, top5: tuple[str, ...] = (), absent: tuple[str, ...] = ()) -> Any:
    unknown = (set(top5) | set(absent)) - ALL
    assert not unknown, f"{name}: no such programs {unknown}"
    return pytest.param(q, frozenset(top5), frozenset(absent), id=name)


def everything_but(*keys: str) -> tuple[str, ...]:
    return tuple(sorted(ALL - set(keys)))


# Each case was checked against the contract's pure rules (paperwork.search: fold, query_terms,
# QueryTerm.found_in, the abbreviation alternatives) over CORPUS; a "top 5" program is in the top 5
# by the relevance rule however ties between equal keys fall.
CASES = [
    # --- one and two syllables, inside words ----------------------------------------------
    case(
        "one-syllable-app",
        "앱",
        top5=("배달앱", "모바일앱"),
        absent=everything_but("배달앱", "모바일앱"),
    ),
    case(
        # 차 in "미래차" and "자동차", and in "임차료" in a description.
        "one-syllable-car",
        "차",
        top5=("미래차", "해외전시회"),
        absent=everything_but("미래차", "해외전시회"),
    ),
    case(
        "two-syllables-inside-words",
        "창업",
        top5=("예비창업", "사관학교", "창업도약", "알앤디", "스마트팜"),
        absent=("스마트공장", "수출바우처", "미래차", "판로_1216", "디자인_대상"),
    ),
    case(
        "two-syllables-in-compound-title",
        "사관학교",
        top5=("사관학교",),
        absent=everything_but("사관학교"),
    ),
    case(
        "two-syllables-in-target-and-title",
        "수출",
        top5=("수출바우처", "수출_바우처", "해외전시회", "판로_예정"),
        absent=("스마트공장", "전시회_해외_1", "디자인_제목"),
    ),
    # --- spacing, both ways ----------------------------------------------------------------
    case(
        "joined-query-finds-spaced-text",
        "스마트공장",
        top5=("스마트공장", "스마트_공장"),
        absent=everything_but("스마트공장", "스마트_공장"),
    ),
    case(
        "spaced-query-finds-joined-text",
        "스마트 공장",
        top5=("스마트공장", "스마트_공장"),
        absent=everything_but("스마트공장", "스마트_공장"),
    ),
    case(
        "joined-export-voucher-finds-spaced",
        "수출바우처",
        top5=("수출바우처", "수출_바우처"),
        absent=everything_but("수출바우처", "수출_바우처"),
    ),
    case(
        "spaced-export-voucher-business",
        "수출 바우처 사업",
        top5=("수출바우처", "수출_바우처"),
        absent=everything_but("수출바우처", "수출_바우처"),
    ),
    case(
        "two-words-found-joined-and-spaced",
        "수출 바우처",
        top5=("수출바우처", "수출_바우처"),
        absent=everything_but("수출바우처", "수출_바우처"),
    ),
    case(
        "spaced-query-inside-a-compound",
        "예비 창업",
        top5=("예비창업",),
        absent=("사관학교", "창업도약", "스마트팜", "전각AI"),
    ),
    case(
        "joined-phrase-finds-only-adjacent-words",
        "해외전시회",
        top5=("해외전시회", "해외_전시회"),
        absent=everything_but("해외전시회", "해외_전시회"),
    ),
    # --- Latin words and digits --------------------------------------------------------------
    case(
        "latin-ai-at-word-starts-not-mail",
        "ai",
        top5=("AI바우처", "AI기반", "AI빅데이터", "전각AI"),
        absent=everything_but("AI바우처", "AI기반", "AI빅데이터", "전각AI"),
    ),
    case(
        "latin-uppercase-AI",
        "AI",
        top5=("AI바우처", "AI기반", "AI빅데이터", "전각AI"),
        absent=("메일", "스마트공장"),
    ),
    case(
        "full-width-AI-is-folded",
        "ＡＩ",
        top5=("AI바우처", "AI기반", "AI빅데이터", "전각AI"),
        absent=("메일",),
    ),
    case(
        "latin-and-hangul-in-one-word",
        "ai기반",
        top5=("AI기반",),
        absent=everything_but("AI기반"),
    ),
    case("latin-mail-is-its-own-word", "mail", top5=("메일",), absent=everything_but("메일")),
    case(
        "lowercase-r&d",
        "r&d",
        top5=("R&D", "연구개발", "알앤디"),
        absent=everything_but("R&D", "연구개발", "알앤디"),
    ),
    case(
        "uppercase-R&D",
        "R&D",
        top5=("R&D", "연구개발", "알앤디"),
        absent=everything_but("R&D", "연구개발", "알앤디"),
    ),
    case(
        "year-2026-finds-2026-with-suffix",
        "2026",
        top5=("수출바우처", "R&D", "디자인_제목", "해외전시회"),
        absent=("예비창업", "창업도약", "AI바우처", "판로_예정"),
    ),
    case(
        "full-width-digits",
        "２０２６년",
        top5=("수출바우처", "R&D", "디자인_제목", "해외전시회"),
        absent=("예비창업", "창업도약"),
    ),
    case(
        "decomposed-hangul-is-composed",
        unicodedata.normalize("NFD", "바우처"),
        top5=("수출바우처", "수출_바우처", "AI바우처", "관광"),
        absent=("스마트공장", "예비창업"),
    ),
    # --- abbreviations, either form finds both ---------------------------------------------
    case(
        "abbr-mss-short",
        "중기부",
        top5=("스마트공장", "스마트_공장", "모바일앱"),
        absent=everything_but("스마트공장", "스마트_공장", "모바일앱"),
    ),
    case(
        "abbr-mss-full",
        "중소벤처기업부",
        top5=("스마트공장", "스마트_공장", "모바일앱"),
        absent=everything_but("스마트공장", "스마트_공장", "모바일앱"),
    ),
    case(
        "abbr-msit-short",
        "과기정통부",
        top5=("전각AI", "AI바우처"),
        absent=everything_but("전각AI", "AI바우처"),
    ),
    case(
        "abbr-msit-full",
        "과학기술정보통신부",
        top5=("전각AI", "AI바우처"),
        absent=everything_but("전각AI", "AI바우처"),
    ),
    case(
        "abbr-motie-short",
        "산업부",
        top5=("AI기반", "미래차", "디자인_제목"),
        absent=everything_but("AI기반", "미래차", "디자인_제목"),
    ),
    case(
        "abbr-motie-full",
        "산업통상자원부",
        top5=("AI기반", "미래차", "디자인_제목"),
        absent=everything_but("AI기반", "미래차", "디자인_제목"),
    ),
    case(
        "abbr-moel-short",
        "고용부",
        top5=("고용부", "AI빅데이터"),
        absent=everything_but("고용부", "AI빅데이터"),
    ),
    case(
        "abbr-moel-full",
        "고용노동부",
        top5=("고용부", "AI빅데이터"),
        absent=everything_but("고용부", "AI빅데이터"),
    ),
    case(
        "abbr-mcst-short",
        "문체부",
        top5=("관광", "농특산물"),
        absent=everything_but("관광", "농특산물"),
    ),
    case(
        "abbr-mcst-full",
        "문화체육관광부",
        top5=("관광", "농특산물"),
        absent=everything_but("관광", "농특산물"),
    ),
    case(
        "abbr-mafra-short",
        "농식품부",
        top5=("스마트팜", "농특산물"),
        absent=everything_but("스마트팜", "농특산물"),
    ),
    case(
        "abbr-mafra-full",
        "농림축산식품부",
        top5=("스마트팜", "농특산물"),
        absent=everything_but("스마트팜", "농특산물"),
    ),
    case(
        "abbr-kised-short",
        "창진원",
        top5=("예비창업", "창업도약", "알앤디"),
        absent=everything_but("예비창업", "창업도약", "알앤디"),
    ),
    case(
        "abbr-kised-full",
        "창업진흥원",
        top5=("예비창업", "창업도약", "알앤디"),
        absent=everything_but("예비창업", "창업도약", "알앤디"),
    ),
    case(
        "abbr-semas-short",
        "소진공",
        top5=("메일", "전통시장"),
        absent=everything_but("메일", "전통시장"),
    ),
    case(
        "abbr-semas-full",
        "소상공인시장진흥공단",
        top5=("메일", "전통시장"),
        absent=everything_but("메일", "전통시장"),
    ),
    case(
        "abbr-kosme-short",
        "중진공",
        top5=("사관학교", "알앤디"),
        absent=everything_but("사관학교", "알앤디"),
    ),
    case(
        "abbr-kosme-full",
        "중소벤처기업진흥공단",
        top5=("사관학교", "알앤디"),
        absent=everything_but("사관학교", "알앤디"),
    ),
    case(
        "abbr-tipa-short",
        "기정원",
        top5=("R&D", "연구개발"),
        absent=everything_but("R&D", "연구개발"),
    ),
    case(
        "abbr-tipa-full",
        "중소기업기술정보진흥원",
        top5=("R&D", "연구개발"),
        absent=everything_but("R&D", "연구개발"),
    ),
    case(
        "abbr-kotra-hangul",
        "코트라",
        top5=("수출바우처", "수출_바우처", "전시회_해외_1"),
        absent=everything_but("수출바우처", "수출_바우처", "전시회_해외_1"),
    ),
    case(
        "abbr-kotra-latin-lowercase",
        "kotra",
        top5=("수출바우처", "수출_바우처", "전시회_해외_1"),
        absent=everything_but("수출바우처", "수출_바우처", "전시회_해외_1"),
    ),
    case(
        "abbr-kotra-full",
        "대한무역투자진흥공사",
        top5=("수출바우처", "수출_바우처", "전시회_해외_1"),
        absent=everything_but("수출바우처", "수출_바우처", "전시회_해외_1"),
    ),
    case(
        "abbr-rnd-hangul",
        "알앤디",
        top5=("R&D", "연구개발", "알앤디"),
        absent=everything_but("R&D", "연구개발", "알앤디"),
    ),
    case(
        "abbr-rnd-korean-word",
        "연구개발",
        top5=("R&D", "연구개발", "알앤디"),
        absent=everything_but("R&D", "연구개발", "알앤디"),
    ),
    case(
        "abbr-in-parentheses",
        "(중기부)",
        top5=("스마트공장", "스마트_공장", "모바일앱"),
        absent=everything_but("스마트공장", "스마트_공장", "모바일앱"),
    ),
    # --- punctuation-only words are ignored --------------------------------------------------
    case(
        "punctuation-words-ignored",
        "!!! 스마트공장 ~ ·",
        top5=("스마트공장", "스마트_공장"),
        absent=everything_but("스마트공장", "스마트_공장"),
    ),
    case(
        "punctuation-around-a-word",
        "「수출바우처」",
        top5=("수출바우처", "수출_바우처"),
        absent=everything_but("수출바우처", "수출_바우처"),
    ),
    case(
        "dash-after-r&d-ignored",
        "R&D —",
        top5=("R&D", "연구개발", "알앤디"),
        absent=everything_but("R&D", "연구개발", "알앤디"),
    ),
    case("script-tag-is-text", "<script>", top5=("script",), absent=everything_but("script")),
    # --- several words: every one must match ---------------------------------------------
    case(
        "two-words-ai-voucher",
        "AI 바우처",
        top5=("AI바우처",),
        absent=everything_but("AI바우처"),
    ),
    case(
        "two-words-startup-youth",
        "창업 청년",
        top5=("사관학교", "스마트팜"),
        absent=everything_but("사관학교", "스마트팜"),
    ),
    case(
        "two-words-across-fields",
        "스마트공장 클라우드",
        top5=("스마트공장",),
        absent=everything_but("스마트공장"),
    ),
    case(
        "two-words-no-program-has-both",
        "수출 스마트공장",
        absent=("수출바우처", "수출_바우처", "스마트공장", "스마트_공장"),
    ),
    case(
        "abbreviation-and-word",
        "중기부 클라우드",
        top5=("스마트공장",),
        absent=everything_but("스마트공장"),
    ),
    # --- relevance ---------------------------------------------------------------------------
    case(
        # Title (closed) above agency (closed) above description, whatever the status.
        "relevance-title-agency-target-description",
        "디자인",
        top5=("디자인_제목", "디자인_기관", "디자인_대상", "디자인_개요_임박", "디자인_개요_상시"),
        absent=everything_but(*(key for key in CORPUS if key.startswith("디자인"))),
    ),
    case(
        # Both words in every title; the two closed phrases outrank four open scattered ones.
        "relevance-phrase-above-scattered",
        "해외 전시회",
        top5=("해외전시회", "해외_전시회", "전시회_해외_1", "전시회_해외_2", "전시회_해외_3"),
        absent=("디자인_제목", "수출바우처"),
    ),
    case(
        # Not closed first, then the nearest deadline (none last), whatever was scraped last.
        "relevance-open-first-nearest-deadline",
        "판로",
        top5=("판로_1216", "판로_1220", "판로_1231", "판로_0115", "판로_예정"),
        absent=everything_but(*(key for key in CORPUS if key.startswith("판로"))),
    ),
]


@pytest.fixture
async def corpus(make_program: Any) -> dict[int, str]:
    """The corpus in the database: each program's id mapped to its key."""
    return {await make_program(**fields): key for key, fields in CORPUS.items()}


@pytest.mark.parametrize(("q", "top5", "absent"), CASES)
async def test_search_table(
    api: httpx.AsyncClient,
    corpus: dict[int, str],
    q: str,
    top5: frozenset[str],
    absent: frozenset[str],
) -> None:
    response = await api.get(URL, params={"q": q, "sort": "relevance", "limit": 100})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    found = [corpus[item["id"]] for item in data["items"]]
    assert data["total"] == len(found)
    assert top5 <= set(found[:5]), f"top 5 {found[:5]}, all {found}"
    assert not absent & set(found), f"should not appear: {sorted(absent & set(found))}"
