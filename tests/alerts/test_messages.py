"""The messages an alert sends, as a reader sees them: Korean titles per kind, D-day words, one
line per program in text, Markdown and HTML, escaping that keeps a title from formatting,
linking or scripting, and the length limit that lists whole lines and counts the rest."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from paperwork.alerts.messages import Kind, Message, ProgramLine, compose

TODAY = dt.date(2026, 3, 10)
FEED = "https://paperwork.example/feed?alert=7"
SETTINGS = "https://paperwork.example/alerts/7"
SENDER = "Paperwork 알림 '내 창업 알림'에서 보냈습니다."


def program(
    title: str = "창업 도약 패키지",
    agency: str | None = "창업진흥원",
    days_left: int | None = 3,
    url: str | None = "https://www.k-startup.go.kr/p/1",
) -> ProgramLine:
    end = None if days_left is None else TODAY + dt.timedelta(days=days_left)
    return ProgramLine(title=title, agency=agency, apply_end=end, url=url)


def message(
    programs: list[ProgramLine],
    kind: Kind = Kind.new,
    *,
    limit: int | None = None,
    feed_url: str | None = None,
    alert_url: str | None = None,
) -> Message:
    """The message for the alert "내 창업 알림" (a reminder 7 days ahead)."""
    return compose(
        "내 창업 알림",
        kind,
        programs,
        today=TODAY,
        feed_url=feed_url,
        alert_url=alert_url,
        reminder_days=7 if kind is Kind.reminder else None,
        limit=limit,
    )


def listed(body: str) -> int:
    """How many program lines a text or Markdown body shows."""
    return sum(line.startswith("• ") for line in body.splitlines())


def more(body: str) -> int:
    """The k of the body's "외 k건" line (0 without one)."""
    found = re.findall(r"^외 ([\d,]+)건", body, flags=re.MULTILINE)
    assert len(found) <= 1
    return int(found[0].replace(",", "")) if found else 0


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        (Kind.new, "[Paperwork] 새 지원사업 3건 — 내 창업 알림"),
        (Kind.changed, "[Paperwork] 변경된 지원사업 3건 — 내 창업 알림"),
        (Kind.reminder, "[Paperwork] 마감 D-7 지원사업 3건 — 내 창업 알림"),
        (Kind.test, "[Paperwork] 테스트 알림 — 내 창업 알림"),
    ],
)
def test_title_per_kind(kind: Kind, title: str) -> None:
    assert message([program()] * 3, kind).title == title


def test_title_counts_with_thousands_separators() -> None:
    assert message([program()] * 1234).title == "[Paperwork] 새 지원사업 1,234건 — 내 창업 알림"


@pytest.mark.parametrize(
    ("days_left", "word"), [(3, "D-3"), (0, "D-Day"), (-1, "마감"), (None, "상시")]
)
def test_d_day_word_in_every_rendering(days_left: int | None, word: str) -> None:
    sent = message([program(days_left=days_left)])
    assert "• 창업 도약 패키지 · 창업진흥원 · " + word + "\n" in sent.text
    assert " · 창업진흥원 · " + word.replace("-", "\\-") + "\n" in sent.markdown
    assert f"창업진흥원 · <strong>{word}</strong></li>" in sent.html


def test_program_line_in_each_rendering() -> None:
    sent = message([program(), program("공고 없는 사업", agency=None, url=None)])
    assert (
        "• 창업 도약 패키지 · 창업진흥원 · D-3\n  https://www.k-startup.go.kr/p/1\n"
        "• 공고 없는 사업 · D-3\n"
    ) in sent.text
    assert (
        "• [창업 도약 패키지](https://www.k-startup.go.kr/p/1) · 창업진흥원 · D\\-3\n"
        "• 공고 없는 사업 · D\\-3\n"
    ) in sent.markdown
    assert '<a href="https://www.k-startup.go.kr/p/1"' in sent.html
    assert ">창업 도약 패키지</a> · 창업진흥원 · <strong>D-3</strong></li>" in sent.html


def test_footer_in_every_rendering() -> None:
    sent = message([program()], alert_url=SETTINGS)
    assert sent.text.endswith(f"\n\n알림 설정: {SETTINGS}\n{SENDER}")
    assert sent.markdown.endswith(f"\n\n[알림 설정]({SETTINGS})\n{SENDER[:-1]}\\.")
    assert f'<a href="{SETTINGS}"' in sent.html
    assert "Paperwork 알림 &#x27;내 창업 알림&#x27;에서 보냈습니다." in sent.html
    assert "알림 설정" not in message([program()]).text


def test_markdown_escapes_titles_so_they_neither_format_nor_link() -> None:
    sent = message(
        [
            program("[긴급] *창업* 지원_사업", agency="중소벤처기업부 `R&D`"),
            program("[가짜](https://evil.example) ~취소~ #1 > 안내", agency=None),
        ]
    )
    lines = [line for line in sent.markdown.splitlines() if line.startswith("• ")]
    assert lines[0] == (
        "• [\\[긴급\\] \\*창업\\* 지원\\_사업](https://www.k-startup.go.kr/p/1)"
        " · 중소벤처기업부 \\`R\\&D\\` · D\\-3"
    )
    assert lines[1] == (
        "• [\\[가짜\\]\\(https://evil\\.example\\) \\~취소\\~ \\#1 \\> 안내]"
        "(https://www.k-startup.go.kr/p/1) · D\\-3"
    )
    for line in lines:
        assert len(re.findall(r"(?<!\\)\]\(", line)) == 1  # one link: the announcement's


def test_markdown_link_url_cannot_close_the_link() -> None:
    sent = message([program(url="https://example.go.kr/view?id=(1) x")])
    assert "](https://example.go.kr/view?id=%281%29%20x) · " in sent.markdown


def test_html_escapes_titles_and_links_only_web_urls() -> None:
    sent = message(
        [
            program("<script>alert(1)</script>", agency="A&B <기관>", url="javascript:alert(1)"),
            program("따옴표", url='https://example.go.kr/?a=1&b="x"'),
        ]
    )
    assert "<script>" not in sent.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; · A&amp;B &lt;기관&gt;" in sent.html
    assert 'href="javascript' not in sent.html
    assert "javascript:alert(1)" in sent.html  # shown as text, not linked
    assert 'href="https://example.go.kr/?a=1&amp;b=&quot;x&quot;"' in sent.html
    assert "](javascript" not in sent.markdown


def test_whitespace_is_collapsed_everywhere() -> None:
    sent = compose(
        "내\n 알림",
        Kind.new,
        [program("창업\n  도약\t패키지 ", agency=" 창업\r\n진흥원")],
        today=TODAY,
    )
    assert sent.title == "[Paperwork] 새 지원사업 1건 — 내 알림"
    for body in (sent.text, sent.markdown, sent.html):
        assert "창업 도약 패키지" in body
        assert "창업 진흥원" in body
        assert "내 알림'에서" in body or "내 알림&#x27;에서" in body


def test_all_programs_listed_without_a_limit() -> None:
    sent = message([program(f"사업 {n}") for n in range(50)], feed_url=FEED)
    assert listed(sent.text) == listed(sent.markdown) == 50
    assert sent.html.count("<li") == 50
    assert "외 " not in sent.text and FEED not in sent.text


def test_limit_keeps_whole_lines_and_counts_the_rest() -> None:
    programs = [program(f"2026년 창업 지원사업 {n}차 공고") for n in range(50)]
    sent = message(programs, limit=1000, feed_url=FEED, alert_url=SETTINGS)
    for body in (sent.text, sent.markdown):
        assert len(body) <= 1000
        assert 0 < listed(body) < 50
        assert listed(body) + more(body) == 50
        assert FEED in body
        assert body.endswith(SENDER) or body.endswith(SENDER[:-1] + "\\.")
    assert sent.html.count("<li") == 50  # e-mail is not limited


@pytest.mark.parametrize("limit", [180, 250, 400, 777, 2000])
@pytest.mark.parametrize("kind", [Kind.new, Kind.test])
def test_limit_is_never_exceeded_and_no_program_is_dropped(kind: Kind, limit: int) -> None:
    programs = [program(f"[공고] 사업_{n}", days_left=n - 5) for n in range(30)]
    sent = message(programs, kind, limit=limit, feed_url=FEED, alert_url=SETTINGS)
    for body in (sent.text, sent.markdown):
        assert len(body) <= limit
        assert listed(body) + more(body) == 30


def test_a_line_too_long_for_the_limit_has_its_title_cut() -> None:
    programs = [program("아주 긴 제목 " * 40), program()]
    full = message(programs[:1]).text
    limit = len(full) - 200
    sent = message(programs, limit=limit)
    for body in (sent.text, sent.markdown):
        assert len(body) <= limit
        assert listed(body) == 1
        assert "…" in body.splitlines()[2]
        assert more(body) == 1


def test_a_limit_below_the_footer_still_holds() -> None:
    sent = message([program()], limit=30, alert_url=SETTINGS)
    assert len(sent.text) <= 30 and len(sent.markdown) <= 30


@pytest.mark.parametrize("kind", [Kind.new, Kind.changed, Kind.reminder])
def test_no_programs_is_an_error_for_real_alerts(kind: Kind) -> None:
    with pytest.raises(ValueError):
        message([], kind)


def test_a_reminder_needs_its_days() -> None:
    with pytest.raises(ValueError):
        compose("내 창업 알림", Kind.reminder, [program()], today=TODAY)


def test_test_message_with_no_programs() -> None:
    sent = message([], Kind.test, alert_url=SETTINGS)
    assert sent.title == "[Paperwork] 테스트 알림 — 내 창업 알림"
    assert sent.text.startswith("알림 '내 창업 알림'의 채널이 잘 연결되었는지 확인하는 테스트")
    assert listed(sent.text) == listed(sent.markdown) == 0
    assert "<ul" not in sent.html
    assert sent.text.endswith(SENDER)


def test_test_message_lists_the_programs_given() -> None:
    sent = message([program(), program("두 번째 사업")], Kind.test)
    assert "지원사업 2건을 예시로" in sent.text
    assert listed(sent.text) == 2
