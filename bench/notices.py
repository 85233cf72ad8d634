"""The text of synthetic announcements (공고문) for the attachments benchmark: a cover,
사업 개요, 신청 자격 and exclusions, 지원 내용 with a table of amounts, as many 세부 과제
as the pages asked for, 신청 방법, 제출 서류, 유의 사항, 문의처, and often a 붙임 서식
section. Each notice stays on one topic (a program, its agency, target, field, region, the
items it funds), so a word is in some notices and not others; its vocabulary grows with its
length (about 900 search units at 2 pages, 1,400 at 16), as a real document's does."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.words import AGENCIES, FIELDS, MINISTRIES, PROVINCES, TARGETS, TITLE_ENDS

CHARS_PER_PAGE = 1_100  # an A4 page of 10-point Korean with headings and blank space

PURPOSES = (
    "{target}의 {field} 분야 경쟁력을 높이고 지속 가능한 성장 기반을 마련하기 위하여 "
    "{program}을 추진합니다.",
    "우수한 아이디어와 기술을 보유한 {target}을 발굴하여 사업화 자금과 교육, 멘토링을 단계별로 "
    "지원합니다.",
    "{region} 지역 {target}의 디지털 전환과 판로 확대를 지원하여 지역 경제 활성화에 기여하고자 "
    "합니다.",
    "{field} 분야 초보기업부터 중견기업까지 성장 단계에 맞춘 {item} 서비스를 제공합니다.",
    "{noun} 분야의 공정 개선과 설비 교체 비용 일부를 지원하여 생산성을 높이고자 합니다.",
    "{noun} 기술을 활용한 제품ㆍ서비스 개발을 촉진하여 새로운 시장 창출을 돕습니다.",
)
ELIGIBILITY = (
    "공고일 기준 업력 {years}년 이내의 {target}",
    "{region}에 본사 또는 주사업장을 두고 있는 {target}",
    "신청일 현재 만 39세 이하인 예비창업자 또는 창업 {years}년 이내 기업의 대표자",
    "최근 {years}년간 {field} 분야 매출 실적이 있거나 사업 계획을 보유한 중소기업",
    "「중소기업기본법」 제2조에 따른 중소기업으로서 {field} 분야 사업을 영위하는 기업",
    "기업부설연구소 또는 연구개발전담부서를 보유한 기업 (신청일 기준 인정서 유효)",
)
EXCLUSIONS = (
    "국세 또는 지방세를 체납하고 있는 기업 (신청일 전까지 완납한 경우 제외)",
    "금융기관으로부터 채무불이행자로 규제 중인 기업 또는 그 대표자",
    "휴업 또는 폐업 중인 기업 및 사업자등록증이 없는 기업",
    "동일 과제로 다른 정부 지원사업에 중복 선정되어 지원받고 있는 기업",
    "최근 {years}년 이내 정부 지원사업 참여 제한 처분을 받은 기업",
    "유흥 주점업, 사행성 업종 등 「중소기업 지원사업 제외 업종」을 영위하는 기업",
)
DETAILS = (
    "{item}에 드는 비용을 기업당 최대 {amount}까지 지원하며, 총 사업비의 {share}% 이상은 "
    "기업이 부담합니다.",
    "선정 기업에는 분야별 전문가가 {months}개월간 월 1회 이상 방문하여 {item} 과정을 "
    "밀착 지원합니다.",
    "지원금은 협약 체결 후 {agency}이(가) 정한 전용 계좌로 단계별 분할 지급합니다.",
    "{item} 수행기관은 {agency}에 등록된 기관 중에서 기업이 직접 선택할 수 있습니다.",
    "사업 기간은 협약일로부터 {months}개월 이내이며, 필요한 경우 1회에 한하여 연장할 수 있습니다.",
    "{region} 소재 기업은 평가 시 가점 {points}점을 부여하며, 여성기업과 장애인기업도 "
    "가점 대상입니다.",
    "{year}년 {field} 분야 예산은 총 {budget}억원이며, 예산 소진 시 조기 마감될 수 있습니다.",
)
PROCEDURE = (
    "신청ㆍ접수: {start}부터 {end} 18:00까지 {site}에서 온라인 접수",
    "서면 평가: 사업계획서를 바탕으로 기술성과 사업성을 평가하여 지원 규모의 {ratio}배수 선정",
    "발표 평가: 서면 평가 통과 기업을 대상으로 대면 발표 평가 실시 (세부 일정 개별 통보)",
    "현장 점검: 신청 내용의 사실 여부와 사업 수행 역량을 확인하기 위한 현장 실사",
    "최종 선정 및 협약: 심의위원회 의결을 거쳐 최종 선정 후 {agency}과(와) 협약 체결",
    "사업 수행 및 점검: 협약 기간 동안 중간 점검과 최종 평가 실시",
)
DOCUMENTS = (
    "사업 신청서 1부 (붙임 서식 제1호)",
    "사업계획서 1부 (붙임 서식 제2호, 15쪽 이내)",
    "개인정보 수집ㆍ이용 및 제3자 제공 동의서 1부",
    "사업자등록증명원 1부 (신청일 기준 1개월 이내 발급분)",
    "중소기업 확인서 1부 (중소기업현황정보시스템 발급)",
    "최근 3년간 재무제표 각 1부 (창업 3년 미만 기업은 해당 기간분)",
    "국세 및 지방세 완납증명서 각 1부",
    "가점 증빙서류 (해당 기업에 한함)",
)
CAUTIONS = (
    "제출된 서류는 일체 반환하지 않으며, 허위 사실이 확인될 경우 선정을 취소하고 지원금을 "
    "환수합니다.",
    "지원금은 협약에서 정한 용도로만 사용하여야 하며, 목적 외 사용 시 관련 법령에 따라 제재합니다.",
    "사업 참여 기업은 사업 종료 후 {years}년간 성과 조사에 성실히 응하여야 합니다.",
    "본 공고 내용은 사정에 따라 변경될 수 있으며, 변경 시 {site}에 별도 공지합니다.",
    "신청 마감일에는 접속자가 많아 접수가 지연될 수 있으니 미리 신청하시기 바랍니다.",
    "선정 이후라도 신청 자격에 결격 사유가 확인되면 협약을 해지하고 지원금 전액을 환수할 수 "
    "있습니다.",
    "개인정보는 사업 운영 목적으로만 이용하며 「개인정보 보호법」에 따라 안전하게 관리합니다.",
)
ITEMS = (
    "사업화 자금", "시제품 제작", "지식재산권 출원", "마케팅ㆍ홍보", "해외 전시회 참가",
    "전문가 멘토링", "경영 컨설팅", "교육ㆍ훈련", "스마트공장 설비 구축", "국제 인증 취득",
    "수출 물류비", "디자인 개발", "온라인 판로 입점", "데이터 가공", "클라우드 이용",
)  # fmt: skip
# The words a long notice's 세부 과제 add: a document's vocabulary keeps growing with its length
# (and so do its search units), where the templates above alone would stop at ~1,000 units.
NOUNS = (
    "공정", "설비", "장비", "부품", "소재", "원료", "제품", "상품", "서비스", "플랫폼",
    "솔루션", "시스템", "센서", "로봇", "드론", "반도체", "배터리", "수소", "바이오", "의료기기",
    "화장품", "식품", "섬유", "가구", "조선", "항공", "자동차", "기계", "금속", "화학",
    "물류", "유통", "관광", "문화", "게임", "웹툰", "영상", "음악", "교육", "헬스케어",
    "농업", "수산", "임업", "축산", "건설", "에너지", "환경", "안전", "보안", "통신",
    "품질", "인증", "시험", "분석", "검사", "측정", "표준", "특허", "상표", "디자인",
    "브랜드", "포장", "광고", "전시", "상담", "통역", "번역", "법률", "회계", "세무",
    "노무", "금융", "투자", "보증", "융자", "보험", "채용", "훈련", "복지", "근로환경",
    "생산관리", "재고관리", "고객관리", "전자상거래", "온라인몰", "오픈마켓", "라이브커머스",
    "구독경제", "공유경제", "메타버스", "블록체인", "사물인터넷", "빅데이터", "가상현실",
    "증강현실", "자율주행", "친환경", "재활용", "폐기물", "탄소배출", "온실가스", "에너지효율",
    "스마트워크", "원격근무", "협업도구", "고령친화", "돌봄", "지역상권", "전통시장", "골목상권",
)  # fmt: skip
NOUN_LINES = (
    "{a}ㆍ{b} 분야 기업의 {c} 역량을 높이기 위한 {d} 비용을 우선 지원합니다.",
    "{a} 기반 {b} 개발과 {c} 실증을 연계하여 {d} 시장 진출을 돕습니다.",
    "{a}, {b}, {c} 등 {d} 관련 비용은 협약 후 증빙을 거쳐 정산합니다.",
)
COSTS = ("인건비", "재료비", "위탁 용역비", "여비", "일반 관리비")  # any budget table's rows
NOTES = ("현금 10% 이상 자부담", "-", "정액 지원", "후불 정산", "협약 후 선지급")
SITES = ("기업마당(www.bizinfo.go.kr)", "K-Startup(www.k-startup.go.kr)", "사업 누리집")
FORM_LINES = (
    "기업명", "대표자 성명", "사업자등록번호", "법인등록번호", "설립일", "소재지", "업종",
    "주생산품", "상시근로자 수", "전년도 매출액", "담당자 연락처", "전자우편",
)  # fmt: skip
CONSENT = (
    "{agency}은(는) 「개인정보 보호법」 제15조에 따라 사업 신청 접수, 평가, 선정 및 사후관리를 "
    "위하여 아래와 같이 개인정보를 수집ㆍ이용하고자 합니다.",
    "수집 항목: 성명, 생년월일, 연락처, 전자우편, 주소 / 보유 기간: 사업 종료 후 5년",
    "귀하는 개인정보 수집ㆍ이용에 동의하지 않을 권리가 있으나, 동의하지 않을 경우 사업 신청이 "
    "제한됩니다.",
    "위와 같이 {program} 참여를 신청하며, 신청서의 기재 사항이 사실과 다름이 없음을 확인합니다.",
)


@dataclass
class Notice:
    """An announcement's text: the parts before the table, from the table's heading on (the
    table follows that heading), and any 붙임 서식 section, each part a list of paragraphs."""

    title: str
    before: list[str]
    after: list[str]
    table: list[list[str]]
    forms: list[list[str]] = field(default_factory=list)

    def chars(self) -> int:
        parts = [self.before, self.after, *self.forms, *self.table]
        return sum(len(line) + 1 for part in parts for line in part)


def _amount(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return f"{rng.randint(1, 5)}억원"
    return f"{rng.randrange(500, 10_000, 500):,}만원"


@dataclass(frozen=True)
class Topic:
    """What one announcement is about: its program, agency, target, field and region, the
    items it funds and the words its details use. A notice stays on its topic, so a word is in
    some notices and not others, as in real ones."""

    program: str
    agency: str
    target: str
    area: str  # the portals' 지원분야 (FIELDS)
    region: str
    items: tuple[str, ...]
    nouns: tuple[str, ...]

    @classmethod
    def draw(cls, rng: random.Random, program: str) -> Topic:
        return cls(
            program,
            rng.choice(AGENCIES),
            rng.choice(TARGETS),
            rng.choice(FIELDS),
            rng.choice(PROVINCES),
            tuple(rng.sample(ITEMS, 4)),
            tuple(rng.sample(NOUNS, 50)),
        )


def _fill(rng: random.Random, year: int, topic: Topic) -> dict[str, Any]:
    start = dt.date(year, rng.randint(1, 10), rng.randint(1, 28))
    end = start + dt.timedelta(days=rng.randint(14, 45))
    return {
        "program": topic.program,
        "agency": topic.agency,
        "year": year,
        "target": topic.target,
        "field": topic.area,
        "region": topic.region,
        "item": rng.choice(topic.items),
        "noun": rng.choice(topic.nouns),
        "amount": _amount(rng),
        "share": rng.choice((10, 20, 25, 30)),
        "years": rng.randint(2, 7),
        "months": rng.randint(6, 12),
        "points": rng.randint(1, 5),
        "budget": rng.randint(10, 900),
        "ratio": rng.choice((2, 3)),
        "site": rng.choice(SITES),
        "start": f"{start:%Y. %-m. %-d.}",
        "end": f"{end:%Y. %-m. %-d.}",
    }


def _lines(rng: random.Random, pool: Sequence[str], fill: dict[str, Any], mark: str) -> list[str]:
    picks = rng.sample(pool, rng.randint(2, min(4, len(pool))))
    return [f"{mark} {line.format(**fill)}" for line in picks]


def _form(rng: random.Random, fill: dict[str, Any], number: int) -> list[str]:
    lines = [f"[붙임 서식 제{number}호]", f"{fill['year']}년 {fill['program']} 참여 신청서"]
    lines += [f"{label}: " for label in FORM_LINES]
    lines += [line.format(**fill) for line in CONSENT]
    lines += [f"{fill['year']}년    월    일", "신청인(대표자)            (서명 또는 인)"]
    return [*lines, f"{fill['agency']} 귀중"]


def notice(rng: random.Random, number: int, pages: int, program: str) -> Notice:
    """A plausible 공고문 of ``program``, about ``pages`` pages long."""
    year = rng.choice((2025, 2026))
    topic = Topic.draw(rng, program)
    ministry = rng.choice(MINISTRIES)
    title = f"{year}년 {program} {rng.choice(TITLE_ENDS)}"
    fill = _fill(rng, year, topic)
    before = [f"{ministry} 공고 제{year}-{number + 1:03d}호", title, ""]
    before += [PURPOSES[rng.randrange(len(PURPOSES))].format(**fill)]
    before += [f"{year}년 {fill['start']}", f"{ministry} 장관", ""]
    before += ["1. 사업 개요", *_lines(rng, PURPOSES, fill, "○")]
    before += ["2. 신청 자격", *_lines(rng, ELIGIBILITY, fill, "○")]
    before += ["※ 신청 제외 대상", *_lines(rng, EXCLUSIONS, fill, "-")]
    rows = [["구분", "지원내용", "지원한도", "정부지원 비율", "비고"]]
    for item in [*topic.items, *rng.sample(COSTS, rng.randint(1, 3))]:
        ratio = f"{rng.choice((50, 70, 75, 80, 90))}%"
        rows.append([item, f"{item} 비용 지원", _amount(rng), ratio, rng.choice(NOTES)])
    rows.append(["합계", "", f"최대 {_amount(rng)}", "", ""])
    after = ["3. 지원 내용 (단위: 원, 부가가치세 별도)"]
    target_chars = pages * CHARS_PER_PAGE
    forms = [_form(rng, fill, 1)] if rng.random() < 0.6 else []
    made = Notice(title, before, after, rows, forms)
    block = 0
    while made.chars() < target_chars * 0.75:  # the 세부 과제: what makes a notice long
        block += 1
        fill = _fill(rng, year, topic)
        after += [f"{block}) {fill['item']} 지원", *_lines(rng, DETAILS, fill, "-")]
        for line in rng.sample(NOUN_LINES, 2):
            words = dict(zip("abcd", rng.sample(topic.nouns, 4), strict=True))
            after.append(f"- {line.format(**words)}")
    after += ["4. 신청 방법 및 절차", *_lines(rng, PROCEDURE, fill, "○")]
    after += ["5. 제출 서류", *_lines(rng, DOCUMENTS, fill, "○")]
    after += ["6. 유의 사항", *_lines(rng, CAUTIONS, fill, "※")]
    contact = f"{topic.agency} {topic.area}지원팀 ☎ 1357, 044-{number:03d}-{block:04d}"
    after += ["7. 문의처", f"○ {contact}"]
    return made


def form_notice(rng: random.Random) -> Notice:
    """The shared 신청서 서식: a form many programs attach."""
    fill = _fill(rng, 2026, Topic.draw(rng, "중소기업 지원사업"))
    fill["agency"] = "중소벤처기업진흥공단"
    table = [["항목", "내용", "비고"], *[[label, "", ""] for label in FORM_LINES]]
    lines = _form(rng, fill, 1)
    return Notice(lines[1], lines[:2], [], table, [lines[2:]])
