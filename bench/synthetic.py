"""Deterministic, realistic synthetic announcements for all three portals, in the payload shapes
the portal parsers' ``normalize`` reads (PORTALS.md; ``src/paperwork/samples/``).

Same seed, same ``today`` → same items. ``generate(portal, good, ...)`` returns ``good`` items
built to pass the default quality threshold (7.0) plus ``reject_rate`` × ``good`` items built to
fail it (unparsed period, a one-line body, ...), shuffled together the way a portal mixes them,
so the stored count is exactly ``good``. Dates are relative to ``today`` so ``status=open``
finds programs whenever the benchmark runs.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from bench.words import (
    AGENCIES,
    AGENCY_KINDS,
    AMOUNTS,
    FIELDS,
    FREE_PERIODS,
    INTROS,
    KS_AGES,
    KS_BODIES,
    KS_CLASSES,
    KS_TARGETS,
    MINISTRIES,
    MSS_DEPARTMENTS,
    PROGRAMS,
    PROVINCES,
    SECTION_LINES,
    TARGETS,
    TITLE_ENDS,
)
from paperwork.collectors.base import RawItem

PORTALS = ("bizinfo", "kstartup", "mss")
# Roughly the portals' real proportions: bizinfo lists the most, mss the fewest.
SHARES = {"bizinfo": 0.5, "kstartup": 0.3, "mss": 0.2}
REJECT_RATE = 0.06
BIZINFO = "https://www.bizinfo.go.kr"


def portal_counts(total: int) -> dict[str, int]:
    """``total`` split over the portals by ``SHARES``; the remainder goes to bizinfo."""
    counts = {p: int(total * SHARES[p]) for p in PORTALS}
    counts["bizinfo"] += total - sum(counts.values())
    return counts


def _ymd(day: dt.date, sep: str = "-") -> str:
    return day.strftime(f"%Y{sep}%m{sep}%d")


def _body(rng: random.Random, *, long: bool, program: str, target: str) -> list[str]:
    """Body lines (heading marks included); a long body has ≥ 300 characters, a medium one
    100–299, as the rubric counts them."""
    fill = {"program": program, "target": target, "region": rng.choice(PROVINCES)}
    fill["amount"] = rng.choice(AMOUNTS)
    lines = [rng.choice(INTROS).format(**fill)]
    sections = SECTION_LINES if long else rng.sample(SECTION_LINES[:3], 2)
    for heading, choices in sections:
        lines.append(f"□ {heading}")
        picks = rng.sample(choices, min(len(choices), rng.randint(2, 3)))
        lines += [f"- {line.format(**fill)}" for line in picks]
    if long:
        while sum(len(line) + 1 for line in lines) < 330:
            lines.append(f"※ {rng.choice(INTROS).format(**fill)}")
    return lines


def _title(rng: random.Random, year: int, program: str) -> str:
    prefix = f"[{rng.choice(PROVINCES)}] " if rng.random() < 0.25 else ""
    edition = f" {rng.randint(1, 4)}차" if rng.random() < 0.4 else ""
    return f"{prefix}{year}년 {program}{edition} {rng.choice(TITLE_ENDS)}"


def _dates(rng: random.Random, today: dt.date) -> tuple[dt.date, dt.date]:
    # Mostly past and current calls, some upcoming: open, closed and upcoming all occur.
    start = today + dt.timedelta(days=rng.randint(-150, 40))
    return start, start + dt.timedelta(days=rng.randint(7, 60))


def _bizinfo_period(rng: random.Random, start: dt.date, end: dt.date, good: bool) -> str:
    if not good:
        return rng.choice(("공고문 참조", "", "별도 문의"))
    roll = rng.random()
    if roll < 0.18:  # ≈18 % free text on the live portal
        return rng.choice(FREE_PERIODS)
    if roll < 0.22:
        return f"{_ymd(start)} ~ {rng.choice(('예산 소진시까지', '상시'))}"
    if roll < 0.30:
        return f"{_ymd(start, '')} ~ {_ymd(end, '')}"  # the documented yyyyMMdd form
    if roll < 0.35:
        return f"{start:%y.%m.%d} ~ {end:%y.%m.%d}"  # 2-digit years
    if roll < 0.40:
        return f"{_ymd(start)} {rng.choice('∼～')} {_ymd(end)}"
    if roll < 0.45:
        return f"{_ymd(start)} 10:00 ~ {_ymd(end)} 18:00"
    return f"{_ymd(start)} ~ {_ymd(end)}"


def _bizinfo(rng: random.Random, index: int, good: bool, today: dt.date) -> RawItem:
    start, end = _dates(rng, today)
    program, target = rng.choice(PROGRAMS), rng.choice(TARGETS)
    pblanc_id = f"PBLN_{900_000_000_000 + index:015d}"
    body = _body(rng, long=rng.random() < 0.7, program=program, target=target)
    # A reject gets a one-line teaser: the portal's worst items look like this.
    summary = "".join(f"<p>{line}</p>" for line in body) if good else f"<p>{body[0][:20]}</p>"
    url_kind = rng.random()
    if url_kind < 0.85:
        url = f"{BIZINFO}/sii/siia/selectSIIA200Detail.do?pblancId={pblanc_id}"
    elif url_kind < 0.95:  # older items
        url = f"{BIZINFO}/web/lay1/bbs/S1T122C128/AS/74/view.do?pblancId={pblanc_id}"
    else:
        url = f"/sii/siia/selectSIIA200Detail.do?pblancId={pblanc_id}"  # relative happens
    files = [f"붙임{n}. {name}.hwp" for n, name in enumerate(("신청서 서식", "사업계획서 양식"), 1)]
    count = rng.randint(0, 2)
    file_id = f"FILE_{800_000_000_000 + index:015d}"
    paths = [f"/cmm/fms/getImageFile.do?atchFileId={file_id}&fileSn={n}" for n in (1, 2)]
    title = _title(rng, start.year, program)
    province = rng.choice(PROVINCES)
    payload: dict[str, Any] = {
        "pblancId": pblanc_id,
        "pblancNm": title,
        "pblancUrl": url,
        "jrsdInsttNm": rng.choice(MINISTRIES),
        "excInsttNm": rng.choice(AGENCY_KINDS) if rng.random() < 0.1 else rng.choice(AGENCIES),
        "bsnsSumryCn": summary,
        "pldirSportRealmLclasCodeNm": rng.choice(FIELDS),
        "pldirSportRealmMlsfcCodeNm": "",
        "trgetNm": target if good or rng.random() < 0.5 else "",
        "reqstBeginEndDe": _bizinfo_period(rng, start, end, good),
        "reqstMthPapersCn": "온라인 접수\r\n※ 자세한 사항은 공고문 참조",
        "refrncNm": "중소기업 통합콜센터 ☎1357",
        "rceptEngnHmpgUrl": "https://www.smtech.go.kr" if rng.random() < 0.4 else "",
        "hashtags": f"{rng.choice(FIELDS)},{province},{start.year},{target}",
        "printFileNm": f"{title} 공고문.hwp",
        "printFlpthNm": f"/cmm/fms/getImageFile.do?atchFileId={file_id}&fileSn=0",
        "fileNm": "@".join(files[:count]),
        "flpthNm": "@".join(paths[:count]),
        "creatPnttm": f"{_ymd(start - dt.timedelta(days=3))} 10:00:00",
        "updtPnttm": f"{_ymd(start - dt.timedelta(days=3))} 10:00:00",
        "inqireCo": rng.randint(0, 5000),
        "totCnt": 0,
    }
    # As bizinfo._raw_item makes it: the detail URL made absolute.
    absolute = url if url.startswith("http") else f"{BIZINFO}{url}"
    return RawItem("bizinfo", pblanc_id, absolute, payload)


def _kstartup(rng: random.Random, index: int, good: bool, today: dt.date) -> RawItem:
    start, end = _dates(rng, today)
    program = rng.choice(PROGRAMS)
    targets = rng.sample(KS_TARGETS, rng.randint(1, 2))
    sn = 300_000 + index
    roll = rng.random()
    # yyyyMMdd fields, either of which may be empty (null or "") on the live API.
    begin: str | None = _ymd(start, "")
    finish: str | None = _ymd(end, "")
    if not good or roll < 0.04:
        begin, finish = rng.choice(((None, None), ("", "")))
    elif roll < 0.10:
        begin = rng.choice((None, ""))
    elif roll < 0.13:
        finish = None
    body = _body(rng, long=True, program=program, target=targets[0])
    url = f"https://www.k-startup.go.kr/web/contents/bizpbanc-ongoing.do?schM=view&amp;pbancSn={sn}"
    payload: dict[str, Any] = {
        "pbanc_sn": sn,
        "id": index + 1,
        "biz_pbanc_nm": _title(rng, start.year, program),
        "pbanc_ctnt": "\r\n".join(body) if good else body[0][:25],
        "supt_biz_clsfc": rng.choice(KS_CLASSES),
        "supt_regin": rng.choice(("전국", "전국", *PROVINCES)),
        "aply_trgt": ",".join(targets),
        "aply_trgt_ctnt": "업력 7년 이내 창업기업\r\n * 공고문 내 '신청자격 및 요건' 참조",
        "aply_excl_trgt_ctnt": "공고문 내 신청제외 대상 참조",
        "biz_enyy": ",".join(sorted(rng.sample(KS_AGES, rng.randint(1, 3)), key=KS_AGES.index)),
        "biz_trgt_age": "만 20세 이상 ~ 만 39세 이하,만 40세 이상",
        "pbanc_rcpt_bgng_dt": begin,
        "pbanc_rcpt_end_dt": finish,
        "rcrt_prgs_yn": "Y" if end >= today else "N",
        "pbanc_ntrp_nm": rng.choice(KS_BODIES),
        "sprv_inst": rng.choice(("공공기관", "민간", "교육기관", "지자체")),
        "biz_prch_dprt_nm": "사업운영팀",
        "prch_cnpl_no": "1357",
        "detl_pg_url": url,
        "biz_gdnc_url": "www.k-startup.go.kr/web/contents/guide.do" if roll > 0.8 else None,
        "biz_aply_url": None,
        "aply_mthd_onli_rcpt_istc": "https://www.k-startup.go.kr",
        "aply_mthd_eml_rcpt_istc": None,
        "aply_mthd_vst_rcpt_istc": None,
        "aply_mthd_pssr_rcpt_istc": None,
        "aply_mthd_fax_rcpt_istc": None,
        "aply_mthd_etc_istc": None,
        "intg_pbanc_yn": "Y" if roll > 0.7 else "N",
        "intg_pbanc_biz_nm": program if roll > 0.7 else None,
        "prfn_matr": None,
    }
    return RawItem("kstartup", str(sn), url.replace("&amp;", "&"), payload)


def _mss(rng: random.Random, index: int, good: bool, today: dt.date) -> RawItem:
    start, end = _dates(rng, today)
    program = rng.choice(PROGRAMS)
    item_id = str(2_000_000 + index)
    roll = rng.random()
    begin, finish = _ymd(start), _ymd(end)
    if not good:
        begin = finish = ""
    elif roll < 0.05:
        begin = ""
    body = _body(rng, long=rng.random() < 0.8, program=program, target=rng.choice(TARGETS))
    contents = "".join(f"<p>{line}</p>" for line in body) if good else "<p>공고문 참조</p>"
    view = f"https://www.mss.go.kr/site/smba/ex/bbs/View.do?cbIdx=310&bcIdx={item_id}"
    download = "https://www.mss.go.kr/common/board/Download.do?bcIdx={}&cbIdx=310&streFileNm={}"
    names = ["공고문.hwp", "신청서 서식.hwp", "사업계획서 양식.hwp"][: rng.randint(1, 3)]
    # As mss._item_payload leaves it: XML text unescaped once, empty elements as None.
    payload: dict[str, Any] = {
        "fileName": names,
        "fileUrl": [download.format(item_id, f"{item_id}_{n}.hwp") for n in range(len(names))],
        "itemId": item_id,
        "title": _title(rng, start.year, program),
        "dataContents": contents,
        "applicationStartDate": begin or None,
        "applicationEndDate": finish or None,
        "writerName": "담당자",
        "writerPosition": rng.choice(MSS_DEPARTMENTS),
        "writerPhone": "044-204-0000",
        "writerEmail": "contact@example.go.kr",
        "viewUrl": view,
    }
    return RawItem("mss", item_id, view, payload)


BUILDERS: dict[str, Callable[[random.Random, int, bool, dt.date], RawItem]] = {
    "bizinfo": _bizinfo,
    "kstartup": _kstartup,
    "mss": _mss,
}


def items_for(good: int, reject_rate: float = REJECT_RATE) -> int:
    """How many items ``generate`` makes for ``good`` storable ones."""
    return good + round(good * reject_rate)


def generate(
    portal_id: str,
    good: int,
    *,
    seed: int,
    today: dt.date,
    reject_rate: float = REJECT_RATE,
    first_index: int = 0,
) -> list[RawItem]:
    """``good`` storable items plus ``round(good * reject_rate)`` rejects, shuffled together;
    external ids are numbered from ``first_index``, so separate calls can avoid each other."""
    rng = random.Random(f"{seed}:{portal_id}:{first_index}")
    kinds = [True] * good + [False] * (items_for(good, reject_rate) - good)
    rng.shuffle(kinds)
    build = BUILDERS[portal_id]
    return [build(rng, first_index + i, kind, today) for i, kind in enumerate(kinds)]


def broken(portal_id: str, count: int, *, first_index: int) -> list[RawItem]:
    """Items no parser can use (no title): each fails alone, making a ``partial`` run."""
    key = {"bizinfo": "pblancNm", "kstartup": "biz_pbanc_nm", "mss": "title"}[portal_id]
    today = dt.date(2026, 1, 1)
    items = generate(portal_id, count, seed=0, today=today, reject_rate=0, first_index=first_index)
    return [RawItem(i.portal_id, i.external_id, i.url, {**i.payload, key: ""}) for i in items]
