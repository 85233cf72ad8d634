"""robots.txt rules as RFC 9309 reads them: which paths one user agent may fetch (pure).

Not ``urllib.robotparser``: it knows neither the ``*`` and ``$`` wildcards (K-Startup's
robots.txt disallows ``/afile*/``) nor the longest-match precedence of RFC 9309. Fetching the
file (once per host, and what a missing or failing one means) is the client's job.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable


class RobotsRules:
    """The robots.txt rules that apply to one user agent, matched as RFC 9309 says."""

    def __init__(self, rules: list[tuple[str, bool]]) -> None:
        # (pattern, allowed): the longest matching pattern wins, Allow on a tie.
        self._rules = sorted(rules, key=lambda r: (-len(r[0]), not r[1]))
        self._compiled = [(_pattern_regex(p), allowed) for p, allowed in self._rules]

    @classmethod
    def allow_all(cls) -> RobotsRules:
        return cls([])

    @classmethod
    def parse(cls, lines: Iterable[str], product_token: str) -> RobotsRules:
        token = product_token.lower()
        ours: list[tuple[str, bool]] = []
        anyone: list[tuple[str, bool]] = []
        found_ours = False
        agents: list[str] = []
        in_rules = False  # a user-agent line after rules starts a new group
        for raw in lines:
            line = raw.split("#", 1)[0].strip()
            key, sep, value = line.partition(":")
            if not sep:
                continue
            key, value = key.strip().lower(), value.strip()
            if key == "user-agent":
                if in_rules:
                    agents, in_rules = [], False
                agents.append(value.split("/", 1)[0].strip().lower())
            elif key in ("allow", "disallow") and agents:
                in_rules = True
                if not value:  # "Disallow:" with nothing means no restriction
                    continue
                rule = (urllib.parse.unquote(value), key == "allow")
                if token in agents:
                    found_ours = True
                    ours.append(rule)
                if "*" in agents:
                    anyone.append(rule)
        # Groups naming us replace the "*" groups entirely (RFC 9309 §2.2.1).
        return cls(ours if found_ours else anyone)

    def allows(self, path: str) -> bool:
        path = urllib.parse.unquote(path)
        if path.split("?", 1)[0] == "/robots.txt":
            return True
        for regex, allowed in self._compiled:
            if regex.match(path):
                return allowed
        return True


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    anchored = pattern.endswith("$")
    body = ".*".join(re.escape(part) for part in pattern.rstrip("$").split("*"))
    return re.compile(body + (r"\Z" if anchored else ""), re.DOTALL)
