"""The attachments pass end to end: links copied from the programs, files downloaded politely
from a real HTTP server, stored once by content, their text extracted and searchable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import func, select, update

from apptest import Clock
from attachment_files import hwp5_file, hwpx_file
from file_server import FileServer
from paperwork.attachments.collection import AttachmentsPass
from paperwork.attachments.store import ContentStore
from paperwork.db import Database
from paperwork.models import AttachmentFile, ProgramAttachment, ScrapingConfig, SupportProgram

NOTICE = "/cmm/fms/getImageFile.do?atchFileId=FILE_000000000000001&fileSn=0"
FORM = "/cmm/fms/getImageFile.do?atchFileId=FILE_000000000000002&fileSn=1"
NOTICE_HWPX = hwpx_file(
    ["2026년 청년도약 특례보증 지원사업 공고", "신청자격: 업력 7년 이내 제조업 영위 기업"],
    table=[["구분", "지원한도"], ["일반", "3억원"]],
)
FORM_HWP = hwp5_file(["사업계획서 양식", "기업명:"])


async def _links(db: Database) -> list[ProgramAttachment]:
    async with db.session_scope() as session:
        return list(
            (await session.scalars(select(ProgramAttachment).order_by(ProgramAttachment.id))).all()
        )


async def _change(db: Database, program: int, **values: Any) -> None:
    """The program as a later collection run leaves it (changed at ``updated_at``)."""
    async with db.session_scope() as session:
        await session.execute(
            update(SupportProgram).where(SupportProgram.id == program).values(**values)
        )


async def _files(db: Database) -> list[AttachmentFile]:
    async with db.session_scope() as session:
        return list((await session.scalars(select(AttachmentFile))).all())


async def test_a_pass_stores_each_file_once_and_reads_its_text(
    db: Database,
    file_server: FileServer,
    attachments_pass: AttachmentsPass,
    store: ContentStore,
    program_with: Any,
) -> None:
    notice = file_server.put(NOTICE, NOTICE_HWPX)
    form = file_server.put(FORM, FORM_HWP)
    # The same form at a second address, under a second program: one stored file.
    form_again = file_server.put("/cmm/fms/getImageFile.do?atchFileId=FILE_3&fileSn=0", FORM_HWP)
    first = await program_with([("공고문.hwpx", notice), ("사업계획서.hwp", form)])
    second = await program_with([("신청서 양식.hwp", form_again)])

    report = await attachments_pass.run()

    assert (report.linked, report.fetched, report.failed) == (3, 3, 0)
    assert report.extracted == {"extracted": 2}
    links = await _links(db)
    assert [(link.program_id, link.status) for link in links] == [
        (first, "fetched"),
        (first, "fetched"),
        (second, "fetched"),
    ]
    assert links[1].sha256 == links[2].sha256
    files = {file.sha256: file for file in await _files(db)}
    assert len(files) == 2
    assert await store.exists(links[1].sha256)  # type: ignore[arg-type]
    notice_file = files[links[0].sha256]  # type: ignore[index]
    assert notice_file.media_type == "application/vnd.hancom.hwpx"
    assert notice_file.extraction_status == "extracted"
    async with db.session_scope() as session:
        text = await session.scalar(
            select(AttachmentFile.text).where(AttachmentFile.sha256 == notice_file.sha256)
        )
    assert "업력 7년 이내" in (text or "") and "3억원" in (text or "")


async def test_fetched_files_are_not_downloaded_again_and_a_change_revalidates(
    db: Database,
    file_server: FileServer,
    attachments_pass: AttachmentsPass,
    program_with: Any,
    clock: Clock,
) -> None:
    program = await program_with([("공고문.hwpx", file_server.put(NOTICE, NOTICE_HWPX))])
    await attachments_pass.run()
    await attachments_pass.run()
    assert file_server.downloads(NOTICE) == 1
    assert sum(1 for path, _ in file_server.requests if path == NOTICE) == 1  # not even asked

    # The program changes (a new deadline): its file is asked again, conditionally.
    clock.now += dt.timedelta(hours=1)
    await _change(db, program, updated_at=clock.now)
    report = await attachments_pass.run()
    assert report.unchanged == 1
    asked = [headers for path, headers in file_server.requests if path == NOTICE]
    assert len(asked) == 2 and "if-none-match" in asked[1]
    assert file_server.downloads(NOTICE) == 1

    # Its content changed on the server: downloaded, stored and read anew.
    clock.now += dt.timedelta(hours=1)
    file_server.put(NOTICE, hwpx_file(["정정 공고: 신청기한 연장"]))
    await _change(db, program, updated_at=clock.now)
    report = await attachments_pass.run()
    assert report.fetched == 1
    assert len(await _files(db)) == 2


async def test_robots_rules_and_foreign_redirects_block_a_download(
    db: Database,
    file_server: FileServer,
    attachments_pass: AttachmentsPass,
    program_with: Any,
) -> None:
    # K-Startup's robots.txt disallows /afile*: such links are recorded, never fetched.
    file_server.robots = "User-agent: *\nDisallow: /afile\n"
    disallowed = file_server.put("/afile/fileDownload/AbC123", NOTICE_HWPX)
    # A redirect to a host that is neither the portal's nor the file's own.
    away = file_server.redirect("/cmm/fms/moved.do", file_server.url("/x.hwpx", host="localhost"))
    file_server.put("/x.hwpx", NOTICE_HWPX)
    # A redirect within the portal is followed.
    inside = file_server.redirect("/cmm/fms/here.do", file_server.url(NOTICE))
    file_server.put(NOTICE, NOTICE_HWPX)
    await program_with([("a.hwpx", disallowed), ("b.hwpx", away), ("c.hwpx", inside)])

    report = await attachments_pass.run()

    assert (report.blocked, report.fetched) == (2, 1)
    statuses = [(link.status, link.error or "") for link in await _links(db)]
    assert statuses[0][0] == "blocked" and "robots.txt" in statuses[0][1]
    assert statuses[1][0] == "blocked" and "localhost" in statuses[1][1]
    assert statuses[2][0] == "fetched"
    asked = [path for path, _ in file_server.requests]
    assert "/afile/fileDownload/AbC123" not in asked and "/x.hwpx" not in asked


async def test_a_file_over_20_mb_is_refused_by_its_length_and_never_stored(
    db: Database,
    file_server: FileServer,
    attachments_pass: AttachmentsPass,
    program_with: Any,
) -> None:
    big = file_server.put("/cmm/fms/big.do", b"%PDF-1.7\n")
    file_server.declared_length["/cmm/fms/big.do"] = 40 * 1024 * 1024
    await program_with([("big.pdf", big)])

    report = await attachments_pass.run()

    assert report.too_large == 1
    [link] = await _links(db)
    assert link.status == "too_large" and "20 MB" in (link.error or "")
    assert await _files(db) == []


async def test_the_daily_attachment_limit_holds_per_portal(
    db: Database,
    file_server: FileServer,
    attachments_pass: AttachmentsPass,
    program_with: Any,
) -> None:
    async with db.session_scope() as session:
        await session.execute(
            update(ScrapingConfig)
            .where(ScrapingConfig.portal_id == "bizinfo")
            .values(attachment_daily_limit=2)
        )
    urls = [file_server.put(f"/cmm/fms/f{n}.do", hwpx_file([f"파일 {n}"])) for n in range(3)]
    await program_with([(f"{n}.hwpx", url) for n, url in enumerate(urls)])

    first = await attachments_pass.run()
    second = await attachments_pass.run()

    assert first.fetched == 2 and second.fetched == 0
    assert second.over_limit == ["bizinfo"]
    assert [link.status for link in await _links(db)].count("pending") == 1
    served = sum(1 for path, _ in file_server.requests if path.startswith("/cmm/fms/f"))
    assert served == 2


async def test_a_broken_file_fails_alone_with_its_reason(
    db: Database,
    file_server: FileServer,
    attachments_pass: AttachmentsPass,
    program_with: Any,
) -> None:
    broken = file_server.put("/cmm/fms/broken.do", FORM_HWP[: len(FORM_HWP) // 2])
    good = file_server.put(NOTICE, NOTICE_HWPX)
    await program_with([("잘린파일.hwp", broken), ("공고문.hwpx", good)])

    report = await attachments_pass.run()

    assert report.extracted == {"extracted": 1, "failed": 1}
    by_status = {file.extraction_status: file for file in await _files(db)}
    assert by_status["failed"].extraction_error
    assert by_status["extracted"].text_chars > 0


async def test_a_server_error_is_tried_again_on_a_later_pass(
    db: Database,
    file_server: FileServer,
    attachments_pass: AttachmentsPass,
    program_with: Any,
    clock: Clock,
) -> None:
    await program_with([("공고문.hwpx", file_server.url(NOTICE))])  # not there yet: 404
    first = await attachments_pass.run()
    assert first.failed == 1
    file_server.put(NOTICE, NOTICE_HWPX)
    clock.now += dt.timedelta(hours=2)
    second = await attachments_pass.run()
    assert second.fetched == 1
    [link] = await _links(db)
    assert link.status == "fetched" and link.attempts == 1


async def test_a_search_finds_a_program_by_a_word_only_in_its_attachment(
    db: Database,
    file_server: FileServer,
    attachments_pass: AttachmentsPass,
    program_with: Any,
    client: httpx.AsyncClient,
) -> None:
    notice = file_server.put(NOTICE, NOTICE_HWPX)
    found = await program_with([("공고문.hwpx", notice)], title="청년 창업 보증 공고")
    # Its title holds the word: it must rank above the one that has it only in an attachment.
    titled = await program_with([], title="업력 제한 완화 안내")
    await program_with([], title="관계없는 공고")
    await attachments_pass.run()

    answer = (await client.get("/api/v1/programs", params={"q": "업력"})).json()["data"]
    assert [item["id"] for item in answer["items"]] == [titled, found]
    highlight = answer["items"][1]["highlights"]
    assert highlight["attachment"]["name"] == "공고문.hwpx"
    assert "<mark>업력</mark>" in highlight["attachment"]["snippet"]
    assert answer["items"][0]["highlights"]["attachment"] is None

    # A table cell's word, too; and a word in no attachment finds nothing.
    table_hits = (await client.get("/api/v1/programs", params={"q": "지원한도"})).json()["data"]
    assert [item["id"] for item in table_hits["items"]] == [found]
    none = (await client.get("/api/v1/programs", params={"q": "해외진출바우처"})).json()["data"]
    assert none["items"] == []


async def test_the_detail_lists_attachments_and_serves_file_and_text(
    db: Database,
    file_server: FileServer,
    attachments_pass: AttachmentsPass,
    program_with: Any,
    client: httpx.AsyncClient,
) -> None:
    file_server.robots = "User-agent: *\nDisallow: /afile\n"
    notice = file_server.put(NOTICE, NOTICE_HWPX)
    blocked = file_server.put("/afile/fileDownload/K1", NOTICE_HWPX)
    program = await program_with([("2026 공고문(최종).hwpx", notice), ("양식.hwp", blocked)])

    before = (await client.get(f"/api/v1/programs/{program}")).json()["data"]["attachments"]
    assert [(a["name"], a["status"], a["id"]) for a in before] == [
        ("2026 공고문(최종).hwpx", "pending", None),
        ("양식.hwp", "pending", None),
    ]
    await attachments_pass.run()
    listed = (await client.get(f"/api/v1/programs/{program}")).json()["data"]["attachments"]
    assert [(a["status"], a["extraction"]) for a in listed] == [
        ("fetched", "extracted"),
        ("blocked", None),
    ]
    assert listed[1]["file_url"] is None and "robots.txt" in listed[1]["error"]

    file = await client.get(listed[0]["file_url"])
    assert file.status_code == 200
    assert file.content == NOTICE_HWPX
    assert file.headers["content-type"] == "application/vnd.hancom.hwpx"
    disposition = file.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''2026%20%EA%B3%B5%EA%B3%A0%EB%AC%B8%28%EC%B5%9C%EC%A2%85%29.hwpx" in (
        disposition
    )
    text = await client.get(listed[0]["text_url"])
    assert text.headers["content-type"].startswith("text/plain")
    assert "업력 7년 이내" in text.text

    missing = await client.get(f"/api/v1/attachments/{listed[1]['id']}")
    assert missing.status_code == 404 and missing.json()["success"] is False
    assert (await client.get("/api/v1/attachments/999999/text")).status_code == 404


async def test_links_follow_the_programs_list(
    db: Database,
    file_server: FileServer,
    attachments_pass: AttachmentsPass,
    program_with: Any,
    clock: Clock,
) -> None:
    program = await program_with([("a.hwpx", file_server.put(NOTICE, NOTICE_HWPX))])
    await attachments_pass.run()
    # The portal now lists another file instead: the old link goes, the new one is fetched.
    clock.now += dt.timedelta(hours=1)
    form = file_server.put(FORM, FORM_HWP)
    await _change(db, program, attachments=[{"name": "b.hwp", "url": form}], updated_at=clock.now)
    report = await attachments_pass.run()
    assert report.fetched == 1
    assert [link.name for link in await _links(db)] == ["b.hwp"]
    async with db.session_scope() as session:
        count = await session.scalar(select(func.count()).select_from(ProgramAttachment))
    assert count == 1


async def test_admin_stats_count_links_and_files_by_status(
    file_server: FileServer,
    attachments_pass: AttachmentsPass,
    program_with: Any,
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
) -> None:
    file_server.robots = "User-agent: *\nDisallow: /afile\n"
    await program_with(
        [
            ("a.hwpx", file_server.put(NOTICE, NOTICE_HWPX)),
            ("b.hwp", file_server.put(FORM, FORM_HWP[:100])),
            ("c.hwp", file_server.put("/afile/x", FORM_HWP)),
        ]
    )
    await attachments_pass.run()
    stats = (await client.get("/admin/stats", headers=admin_headers)).json()["data"]
    assert stats["attachments"] == {
        "links_fetched": 2,
        "links_blocked": 1,
        "files_extracted": 1,
        "files_failed": 1,
    }
