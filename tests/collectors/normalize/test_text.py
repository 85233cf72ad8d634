"""Portal text made plain: entities, tags, scripts, NFC, line breaks, comma lists."""

from __future__ import annotations

from paperwork.collectors.normalize.text import clean_multiline, clean_text, split_list


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
