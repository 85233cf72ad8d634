"""Attachments (issue 15), run as ``python -m bench.attachments [DATABASE_URL]`` in a process of
its own, after the load and before the server starts (so the searches are measured with the
attachments' units in the index, as production has them). Prints one JSON line.

1. **Extraction**: ``--files`` (200; smoke 20) announcement files (공고문) built in memory, HWP 5
   50 %, HWPX 30 %, PDF 20 %, each with its own several pages of text (headings, 신청자격,
   지원내용 with a table of amounts, 제출서류, 유의사항, often a 붙임 서식 section) and pictures
   (logos, charts: 20 KB to 1 MB a file); extracted one after another through one
   ``ExtractionSandbox``, as the worker does. Files/s and MB/s per format, and every status.
2. **Indexing**: the files' texts stored as ``attachment_files``, every program linked to one
   (program *i* to file *i* % files) and every tenth also to one shared 신청서 서식, then
   ``refresh_search_units`` over every file — the search units of every program rewritten.

Without DATABASE_URL only the extraction runs.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import hashlib
import importlib
import io
import json
import math
import random
import sys
import time
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import olefile
from pypdf import PdfReader, PdfWriter
from sqlalchemy import insert, text

from bench.words import AGENCIES, FIELDS, MINISTRIES, PROGRAMS, PROVINCES, TARGETS, TITLE_ENDS
from paperwork.attachments.collection import refresh_search_units
from paperwork.attachments.sandbox import ExtractionSandbox
from paperwork.db import Database
from paperwork.models import AttachmentFile
from paperwork.vocabulary import ExtractionStatus, FetchStatus

# The formats' one writer is the tests' (tests/attachment_files.py, written from the format
# specifications): the bench builds its files with it instead of keeping a second HWP and HWPX
# writer that could drift from what the readers are tested on. tests/ is not a package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
builders: Any = importlib.import_module("attachment_files")

SHARES = (("hwp5", 0.5), ("hwpx", 0.3), ("pdf", 0.2))
MIN_BYTES, MAX_BYTES = 20_000, 1_000_000
CHARS_PER_PAGE = 1_100  # an A4 page of 10-point Korean with headings and blank space
FORM_EVERY = 10  # every tenth program also links to the shared form

# --- the text of an announcement ------------------------------------------------------------

PURPOSES = (
    "{target}의 {field} 분야 경쟁력을 높이고 지속 가능한 성장 기반을 마련하기 위하여 "
    "{program}을 추진합니다.",
    "우수한 아이디어와 기술을 보유한 {target}을 발굴하여 사업화 자금과 교육, 멘토링을 단계별로 "
    "지원합니다.",
    "{region} 지역 {target}의 디지털 전환과 판로 확대를 지원하여 지역 경제 활성화에 기여하고자 "
    "합니다.",
    "수출 초보기업부터 중견기업까지 성장 단계에 맞춘 해외 마케팅 서비스를 제공합니다.",
    "탄소중립 이행과 ESG 경영 확산을 위하여 공정 개선과 설비 교체 비용 일부를 지원합니다.",
    "인공지능과 데이터를 활용한 제품ㆍ서비스 개발을 촉진하여 새로운 시장 창출을 돕습니다.",
)
ELIGIBILITY = (
    "공고일 기준 업력 {years}년 이내의 {target}",
    "{region}에 본사 또는 주사업장을 두고 있는 {target}",
    "신청일 현재 만 39세 이하인 예비창업자 또는 창업 {years}년 이내 기업의 대표자",
    "최근 {years}년간 수출 실적이 있거나 수출 계획을 보유한 중소기업",
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
NOTES = ("현금 10% 이상 자부담", "-", "바우처 방식", "후불 정산", "협약 후 선지급")
SITES = ("기업마당(www.bizinfo.go.kr)", "K-Startup(www.k-startup.go.kr)", "수출바우처 누리집")
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


def _fill(rng: random.Random, year: int, program: str, agency: str) -> dict[str, Any]:
    start = dt.date(year, rng.randint(1, 10), rng.randint(1, 28))
    end = start + dt.timedelta(days=rng.randint(14, 45))
    return {
        "program": program,
        "agency": agency,
        "year": year,
        "target": rng.choice(TARGETS),
        "field": rng.choice(FIELDS),
        "region": rng.choice(PROVINCES),
        "item": rng.choice(ITEMS),
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
    picks = rng.sample(pool, rng.randint(min(3, len(pool)), len(pool)))
    return [f"{mark} {line.format(**fill)}" for line in picks]


def _form(rng: random.Random, fill: dict[str, Any], number: int) -> list[str]:
    lines = [f"[붙임 서식 제{number}호]", f"{fill['year']}년 {fill['program']} 참여 신청서"]
    lines += [f"{label}: " for label in FORM_LINES]
    lines += [line.format(**fill) for line in CONSENT]
    lines += [f"{fill['year']}년    월    일", "신청인(대표자)            (서명 또는 인)"]
    return [*lines, f"{fill['agency']} 귀중"]


def notice(rng: random.Random, number: int, pages: int) -> Notice:
    """A plausible 공고문 of about ``pages`` pages."""
    year = rng.choice((2025, 2026))
    program, agency = rng.choice(PROGRAMS), rng.choice(AGENCIES)
    ministry = rng.choice(MINISTRIES)
    title = f"{year}년 {program} {rng.choice(TITLE_ENDS)}"
    fill = _fill(rng, year, program, agency)
    before = [f"{ministry} 공고 제{year}-{number + 1:03d}호", title, ""]
    before += [PURPOSES[rng.randrange(len(PURPOSES))].format(**fill)]
    before += [f"{year}년 {fill['start']}", f"{ministry} 장관", ""]
    before += ["1. 사업 개요", *_lines(rng, PURPOSES, fill, "○")]
    before += ["2. 신청 자격", *_lines(rng, ELIGIBILITY, fill, "○")]
    before += ["※ 신청 제외 대상", *_lines(rng, EXCLUSIONS, fill, "-")]
    rows = [["구분", "지원내용", "지원한도", "정부지원 비율", "비고"]]
    for item in rng.sample(ITEMS, rng.randint(4, 10)):
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
        fill = _fill(rng, year, program, agency)
        after += [f"{block}) {fill['item']} 지원", *_lines(rng, DETAILS, fill, "-")]
        for line in rng.sample(NOUN_LINES, 2):
            after.append(f"- {line.format(**dict(zip('abcd', rng.sample(NOUNS, 4), strict=True)))}")
    after += ["4. 신청 방법 및 절차", *_lines(rng, PROCEDURE, fill, "○")]
    after += ["5. 제출 서류", *_lines(rng, DOCUMENTS, fill, "○")]
    after += ["6. 유의 사항", *_lines(rng, CAUTIONS, fill, "※")]
    after += ["7. 문의처", f"○ {agency} {fill['field']}지원팀 ☎ 1357, 044-{number:03d}-{block:04d}"]
    return made


def form_notice(rng: random.Random) -> Notice:
    """The shared 신청서 서식: a form many programs attach."""
    fill = _fill(rng, 2026, "중소기업 지원사업", "중소벤처기업진흥공단")
    table = [["항목", "내용", "비고"], *[[label, "", ""] for label in FORM_LINES]]
    lines = _form(rng, fill, 1)
    return Notice(lines[1], lines[:2], [], table, [lines[2:]])


# --- the files ------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str  # hwp5, hwpx, pdf
    name: str
    data: bytes
    title: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _pictures(rng: random.Random, size: int, base: int) -> list[bytes]:
    """JPEG-like pictures (incompressible) that bring a file of ``base`` bytes to about
    ``size``: logos, charts and photos are most of a real announcement's bytes."""
    missing = size - base
    if missing < 2_000:
        return []
    count = rng.randint(1, 4)
    return [b"\xff\xd8\xff\xe0" + rng.randbytes(missing // count - 4) for _ in range(count)]


def hwp5(doc: Notice, rng: random.Random, size: int) -> bytes:
    """Sections as the builder writes them (the table after its heading), then the file with
    pictures (``BinData``) and preview text, as Hangul saves them, in a compound file."""
    sections = [builders.hwp_section(doc.before), builders.hwp_section(doc.after, doc.table)]
    sections += [builders.hwp_section(form) for form in doc.forms]
    with olefile.OleFileIO(io.BytesIO(builders.hwp5_from_sections(sections))) as ole:
        streams = {"/".join(path): ole.openstream(path).read() for path in ole.listdir()}
    streams["PrvText"] = "\n".join(doc.before)[:1024].encode("utf-16-le")
    bare: bytes = builders.compound_file(streams)
    pictures = _pictures(rng, size, len(bare))
    if not pictures:
        return bare
    for number, picture in enumerate(pictures, 1):
        streams[f"BinData/BIN{number:04X}.jpg"] = picture
    data: bytes = builders.compound_file(streams)
    return data


def hwpx(doc: Notice, rng: random.Random, size: int) -> bytes:
    sections = [builders.hwpx_section(doc.before), builders.hwpx_section(doc.after, doc.table)]
    sections += [builders.hwpx_section(form) for form in doc.forms]
    buffer = io.BytesIO(builders.hwpx_package(sections))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("Preview/PrvText.txt", "\n".join(doc.before)[:1024])
    pictures = _pictures(rng, size, len(buffer.getvalue()))
    with zipfile.ZipFile(buffer, "a") as archive:  # stored: a JPEG does not deflate
        for number, picture in enumerate(pictures, 1):
            archive.writestr(f"BinData/image{number}.jpg", picture)
    return buffer.getvalue()


# A4 in points, 10-point text, 14-point leading, 2 cm margins: 48 lines of 44 characters.
_PAGE_LINES, _LINE_CHARS, _TOP, _LEFT = 48, 44, 785, 56


def _wrapped(paragraph: str) -> list[tuple[int, list[str]]]:
    cut = range(0, len(paragraph), _LINE_CHARS)
    return [(_LEFT, [paragraph[i : i + _LINE_CHARS]]) for i in cut] or [(_LEFT, [""])]


def _pdf_pages(doc: Notice) -> list[list[tuple[int, list[str]]]]:
    """Lines per page; a line is (its x, its cells): one cell, or a table row's cells."""
    rows: list[tuple[int, list[str]]] = []
    for paragraph in [*doc.before, doc.after[0]]:
        rows += _wrapped(paragraph)
    rows += [(_LEFT, row) for row in doc.table]
    for paragraph in [*doc.after[1:], *(line for form in doc.forms for line in form)]:
        rows += _wrapped(paragraph)
    return [rows[i : i + _PAGE_LINES] for i in range(0, len(rows), _PAGE_LINES)]


def _to_unicode(codes: dict[str, int]) -> bytes:
    pairs = [f"<{code:04X}> <{ord(char):04X}>" for char, code in codes.items()]
    chunks = "".join(
        f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n"
        for chunk in (pairs[i : i + 100] for i in range(0, len(pairs), 100))
    )
    return (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        f"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n{chunks}"
        "endcmap CMapName currentdict /CMap defineresource pop end end\n"
    ).encode("ascii")


def _stream(dictionary: bytes, data: bytes, *, deflate: bool = True) -> bytes:
    if deflate:
        data, dictionary = zlib.compress(data), dictionary + b" /Filter /FlateDecode"
    return b"<< %s /Length %d >>\nstream\n" % (dictionary, len(data)) + data + b"\nendstream"


@functools.cache
def _printed_page() -> PdfReader:
    return PdfReader(io.BytesIO(builders.pdf_file_korean()))


def pdf(doc: Notice, rng: random.Random, size: int, *, printed_cover: bool) -> bytes:
    """Pages of text in a CID font (Identity-H, with a ToUnicode map, as word processors write
    Korean), deflated content streams, pictures as JPEG images; with ``printed_cover`` the
    committed Chromium-printed sample page (an embedded subset font) comes first."""
    bare = _pdf_built(doc, [])
    cover = len(builders.pdf_file_korean()) if printed_cover else 0
    pictures = _pictures(rng, size, len(bare) + cover)
    built = _pdf_built(doc, pictures) if pictures else bare
    if not printed_cover:
        return built
    writer = PdfWriter()
    writer.append(_printed_page())
    writer.append(PdfReader(io.BytesIO(built)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_built(doc: Notice, pictures: Sequence[bytes]) -> bytes:
    pages = _pdf_pages(doc)
    chars = sorted({char for page in pages for _, cells in page for cell in cells for char in cell})
    codes = {char: number for number, char in enumerate(chars, 1)}
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages are numbered
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NanumGothic /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 6 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NanumGothic /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R "
        b"/DW 1000 /W [1 [%s]] >>"
        % " ".join("500" if c == " " else "1000" for c in chars).encode(),
        b"<< /Type /FontDescriptor /FontName /NanumGothic /Flags 4 /FontBBox [0 -200 1000 800] "
        b"/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>",
        _stream(b"", _to_unicode(codes)),
    ]
    images = []
    for picture in pictures:
        images.append(len(objects) + 1)
        size = b"/Width 800 /Height 600 /ColorSpace /DeviceRGB /BitsPerComponent 8"
        objects.append(_stream(b"/Type /XObject /Subtype /Image %s /Filter /DCTDecode" % size,
                               picture, deflate=False))  # fmt: skip
    kids = []
    for number, page in enumerate(pages):
        ops = [b"BT /F1 10 Tf"]
        for line_number, (x, cells) in enumerate(page):
            y = _TOP - 14 * line_number
            for column, cell in enumerate(cells):
                encoded = "".join(f"{codes[char]:04X}" for char in cell).encode()
                ops.append(b"1 0 0 1 %d %d Tm <%s> Tj" % (x + 95 * column, y, encoded))
        ops.append(b"ET")
        shown = images[number :: len(pages)] if images else []  # the pictures spread over pages
        ops += [b"q 240 0 0 180 300 60 cm /Im%d Do Q" % image for image in shown]
        objects.append(_stream(b"", b"\n".join(ops)))
        xobjects = b" ".join(b"/Im%d %d 0 R" % (image, image) for image in images)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << %s >> >> >>"
            % (len(objects), xobjects)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    built: bytes = builders.pdf_document(objects)
    return built


def build_files(count: int, seed: int) -> list[Sample]:
    """``count`` announcements in the formats' shares, in a mixed order."""
    rng = random.Random(f"attachments:{seed}")
    kinds = [kind for kind, share in SHARES[:-1] for _ in range(round(count * share))]
    kinds += [SHARES[-1][0]] * (count - len(kinds))
    rng.shuffle(kinds)
    samples = []
    for number, kind in enumerate(kinds):
        pages = round(math.exp(rng.uniform(math.log(2), math.log(16))))
        doc = notice(rng, number, pages)
        size = round(math.exp(rng.uniform(math.log(MIN_BYTES), math.log(MAX_BYTES))))
        if kind == "hwp5":
            data = hwp5(doc, rng, size)
        elif kind == "hwpx":
            data = hwpx(doc, rng, size)
        else:
            data = pdf(doc, rng, size, printed_cover=number % 2 == 1)
        extension = {"hwp5": "hwp", "hwpx": "hwpx", "pdf": "pdf"}[kind]
        samples.append(Sample(kind, f"공고문_{number + 1:03d}.{extension}", data, doc.title))
    return samples


def form_file(seed: int) -> Sample:
    doc = form_notice(random.Random(f"attachments-form:{seed}"))
    return Sample("hwp5", "붙임1. 참여 신청서 서식.hwp", hwp5(doc, random.Random(), 0), doc.title)


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Extracted:
    sample: Sample
    status: str
    text: str
    media_type: str
    seconds: float


def _peak_rss_mb(pid: int | None) -> float | None:
    """The child's peak resident memory (Linux's VmHWM), read before it is stopped."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except (OSError, TypeError):
        return None
    found = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
    return round(int(found[0]) / 1024, 1) if found else None


def extract_all(
    samples: Sequence[Sample], form: Sample
) -> tuple[list[Extracted], Extracted, dict[str, Any]]:
    """Every file through one sandbox, one after another. The form goes first, not timed with
    the others: it starts the child (a worker's child is long-lived)."""
    with ExtractionSandbox() as sandbox:
        started = time.perf_counter()
        first = sandbox.extract(form.data)
        startup = time.perf_counter() - started
        done = []
        for sample in samples:
            started = time.perf_counter()
            result = sandbox.extract(sample.data)
            seconds = time.perf_counter() - started
            done.append(Extracted(sample, result.status, result.text, result.media_type, seconds))
        peak = _peak_rss_mb(sandbox.pid)
    form_done = Extracted(form, first.status, first.text, first.media_type, startup)
    return done, form_done, {"first_file_seconds": round(startup, 3), "child_peak_rss_mb": peak}


def _has_title(item: Extracted) -> bool:
    return "".join(item.sample.title.split()) in "".join(item.text.split())


def _rates(done: Sequence[Extracted]) -> dict[str, Any]:
    megabytes = sum(len(item.sample.data) for item in done) / 1_000_000
    seconds = sum(item.seconds for item in done)
    statuses: dict[str, int] = {}
    for item in done:
        statuses[item.status] = statuses.get(item.status, 0) + 1
    # The text is right when the announcement's title is in it (spacing aside).
    wrong = [item.sample.name for item in done if not _has_title(item)]
    slowest = max(done, key=lambda item: item.seconds, default=None)
    return {
        "files": len(done),
        "mb": round(megabytes, 2),
        "seconds": round(seconds, 3),
        "files_per_s": round(len(done) / seconds, 1) if seconds else 0.0,
        "mb_per_s": round(megabytes / seconds, 2) if seconds else 0.0,
        "text_chars": sum(len(item.text) for item in done),
        "chars_per_s": round(sum(len(item.text) for item in done) / seconds) if seconds else 0,
        "statuses": statuses,
        "title_missing": wrong,
        "slowest": slowest and {"name": slowest.sample.name, "seconds": round(slowest.seconds, 3)},
    }


def throughput(done: Sequence[Extracted]) -> dict[str, Any]:
    """Per format and in all; ``errors`` counts the files not extracted or without their
    title in the text."""
    kinds = [kind for kind, _ in SHARES]
    formats = {kind: _rates([item for item in done if item.sample.kind == kind]) for kind in kinds}
    total = _rates(done)
    errors = len(done) - total["statuses"].get(ExtractionStatus.extracted, 0)
    errors += len(total["title_missing"])
    return {"formats": formats, "all": total, "errors": errors}


# Program i links to notice i % files; every tenth also to the form. Set-based: 100,000 links
# are the portals' lists copied, not what is measured.
LINKS = """
INSERT INTO program_attachments
    (program_id, portal_id, position, name, url, status, attempts, sha256, requested_at,
     fetched_at)
SELECT p.id, p.portal_id, CAST(:position AS INTEGER), f.name,
       'https://www.bizinfo.go.kr/cmm/fms/getImageFile.do?atchFileId=FILE_' || p.id
           || '&fileSn=' || CAST(:position AS INTEGER),
       :status, 1, f.sha256, :now, :now
FROM (SELECT id, portal_id, row_number() OVER (ORDER BY id) - 1 AS n FROM support_programs) p
JOIN unnest(CAST(:hashes AS TEXT[]), CAST(:names AS TEXT[])) WITH ORDINALITY AS f(sha256, name, k)
    ON f.k = p.n % :count + 1
WHERE p.n % :every = 0
"""
SIZES = """
SELECT count(attachment_vector), coalesce(sum(pg_column_size(attachment_vector)), 0),
       coalesce(avg(length(attachment_vector)), 0),
       pg_relation_size('ix_support_programs_attachment_vector')
FROM support_programs
"""


async def index(database_url: str, done: Sequence[Extracted], form: Extracted) -> dict[str, Any]:
    """Store the extracted files, link the programs to them, then time ``refresh_search_units``
    over all of them (it commits batch by batch, as the worker's pass does)."""
    database = Database(database_url, pool_size=2)
    now = dt.datetime.now(dt.UTC)
    files = [*done, form]
    try:
        async with database.session_scope() as session:
            rows = [
                {
                    "sha256": item.sample.sha256,
                    "media_type": item.media_type,
                    "size": len(item.sample.data),
                    "stored_at": now,
                    "extraction_status": item.status,
                    "extracted_at": now,
                    "text_chars": len(item.text),
                    "text": item.text or None,
                }
                for item in files
            ]
            await session.execute(insert(AttachmentFile), rows)
            links = 0
            for position, group, every in ((0, done, 1), (1, [form], FORM_EVERY)):
                result = await session.execute(
                    text(LINKS),
                    {
                        "position": position,
                        "status": FetchStatus.fetched.value,
                        "now": now,
                        "hashes": [item.sample.sha256 for item in group],
                        "names": [item.sample.name for item in group],
                        "count": len(group),
                        "every": every,
                    },
                )
                links += int(result.rowcount)  # type: ignore[attr-defined]
        started = time.perf_counter()
        programs = await refresh_search_units(database, [item.sample.sha256 for item in files])
        seconds = time.perf_counter() - started
        async with database.session_scope() as session:
            vectors, vector_bytes, units, index_bytes = (await session.execute(text(SIZES))).one()
    finally:
        await database.dispose()
    return {
        "files": len(files),
        "links": links,
        "programs": programs,
        "seconds": round(seconds, 2),
        "programs_per_s": round(programs / seconds, 1) if seconds else 0.0,
        "vectors": int(vectors),
        "units_per_program": round(float(units)),
        "vector_mb": round(int(vector_bytes) / 1_000_000, 1),
        "index_mb": round(int(index_bytes) / 1_000_000, 1),
    }


def measure(database_url: str | None, *, files: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    samples = build_files(files, seed)
    form = form_file(seed)
    built = time.perf_counter() - started
    done, form_done, sandbox = extract_all(samples, form)
    result: dict[str, Any] = {
        "extraction": {**throughput(done), **sandbox, "build_seconds": round(built, 1)}
    }
    if database_url is not None:
        result["indexing"] = asyncio.run(index(database_url, done, form_done))
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.attachments", description=__doc__)
    parser.add_argument("database_url", nargs="?", help="index into it (extraction only without)")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.database_url, files=args.files, seed=args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
