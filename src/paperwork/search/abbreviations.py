"""Agency and program abbreviations for search: which names mean the same thing ("중기부" and
"중소벤처기업부"), so a query word in either form finds documents that use the other.

The names live in data, not code: ``abbreviations.tsv`` in this package (reviewed like code), and
optionally an operator's own file in the same format that extends it (its path will come from a
setting, ``PAPERWORK_SEARCH_ABBREVIATIONS_FILE``; here it is an argument). A file is UTF-8, one
group of equivalent names per line separated by TABs, ``#`` comments and blank lines ignored.
Groups that share a name are merged, so an operator line "중기부<TAB>MSS" adds MSS to the
package's 중기부 group. A bad line is an error naming the file and the line: nothing is dropped
silently.

Expansion works on whole query words: "중기부" expands, "중기부지원" does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from paperwork.search.tokens import QueryTerm, query_term

PACKAGE_FILE = "abbreviations.tsv"

# Punctuation around a word ("(중기부)", "중기부,") is not part of the name it is looked up as.
_AROUND = re.compile(r"^[\W_]+|[\W_]+$")


def _key(folded: str) -> str:
    return _AROUND.sub("", folded)


class AbbreviationsFileError(ValueError):
    """A line of an abbreviations file that cannot be read; the message names file and line."""

    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(f"{source}, line {line}: {reason}")
        self.source = source
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Abbreviations:
    """Each known name (folded, punctuation around it dropped) mapped to every name of its group
    (folded, the name itself included), in the order the files list them."""

    groups: Mapping[str, tuple[str, ...]]

    def alternatives(self, term: QueryTerm) -> tuple[QueryTerm, ...]:
        """The terms any of which satisfies ``term``: the term itself first, then the other
        names of its group (just the term when it is not a known name)."""
        key = _key(term.text)
        names = self.groups.get(key)
        if names is None:
            return (term,)
        others = (query_term(name) for name in names if name != key)
        return (term, *(other for other in others if other is not None))

    def expand(self, terms: Iterable[QueryTerm]) -> list[tuple[QueryTerm, ...]]:
        """Each query term with its alternatives: a document matches the query when, for every
        group, it matches at least one term of it."""
        return [self.alternatives(term) for term in terms]


def parse_lines(text: str, *, source: str) -> list[tuple[str, ...]]:
    """The groups of names (folded) a file's text lists; raises :class:`AbbreviationsFileError`
    naming the first bad line."""
    groups: list[tuple[str, ...]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        names: list[str] = []
        for raw in content.split("\t"):
            name = raw.strip()
            if not name:
                continue  # two TABs in a row: an empty column, not a name
            if any(char.isspace() for char in name):
                raise AbbreviationsFileError(
                    source,
                    number,
                    f"{name!r} holds whitespace; a name is one word and names are separated "
                    "by TABs",
                )
            term = query_term(name)
            if term is None:
                raise AbbreviationsFileError(source, number, f"{name!r} has no letter or digit")
            if _key(term.text) not in names:
                names.append(_key(term.text))
        if len(names) < 2:
            raise AbbreviationsFileError(
                source, number, "a line needs at least two different names separated by a TAB"
            )
        groups.append(tuple(names))
    return groups


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")  # an editor's byte-order mark is not part of a name
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise AbbreviationsFileError(str(path), line, "not UTF-8") from error


def _merge(groups: Iterable[tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Groups sharing a name become one; each name mapped to its whole group."""
    merged: list[list[str]] = []
    for group in groups:
        overlapping = [g for g in merged if any(name in g for name in group)]
        combined: list[str] = []
        for names in [*overlapping, list(group)]:
            combined.extend(name for name in names if name not in combined)
        merged = [g for g in merged if g not in overlapping]
        merged.append(combined)
    return {name: tuple(group) for group in merged for name in group}


def load_abbreviations(operator_file: Path | None = None) -> Abbreviations:
    """The package's abbreviations, extended by ``operator_file`` when given."""
    package_text = resources.files("paperwork.search").joinpath(PACKAGE_FILE).read_text("utf-8")
    groups = parse_lines(package_text, source=f"paperwork/search/{PACKAGE_FILE}")
    if operator_file is not None:
        groups += parse_lines(_read(operator_file), source=str(operator_file))
    return Abbreviations(groups=_merge(groups))
