"""robots.txt rules read from text: groups, wildcards, ``$`` anchors, longest match."""

from __future__ import annotations

from paperwork.collectors.robots import RobotsRules

K_STARTUP_LIKE = """\
User-agent: *
Disallow: /

User-agent: PaperworkAI
Disallow: /afile*/
Disallow: /web/
Allow: /web/contents/
Disallow: /*.pdf$
Disallow: /*print=
"""


def test_our_group_replaces_the_star_group() -> None:
    ours = RobotsRules.parse(K_STARTUP_LIKE.splitlines(), "PaperworkAI")
    assert ours.allows("/web/contents/bizpbanc-ongoing.do")  # longer Allow beats /web/
    assert ours.allows("/notice.pdf?download=1")  # "$" anchors the end
    for blocked in ("/afile/fileDownload/KEY", "/afileX/y", "/web/other", "/docs/a.pdf"):
        assert not ours.allows(blocked), blocked
    assert not ours.allows("/view.do?id=1&print=y")
    others = RobotsRules.parse(K_STARTUP_LIKE.splitlines(), "SomeoneElse")
    assert not others.allows("/web/contents/bizpbanc-ongoing.do")


def test_robots_txt_itself_and_empty_rules_are_allowed() -> None:
    rules = RobotsRules.parse(["User-agent: *", "Disallow: /", "Disallow:"], "PaperworkAI")
    assert rules.allows("/robots.txt")
    assert not rules.allows("/anything")
    assert RobotsRules.allow_all().allows("/anything")
