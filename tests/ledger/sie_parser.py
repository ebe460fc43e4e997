"""A small SIE 4 reader for the tests: enough to read back what the export writes, written
from the SIE 4B specification (fields separated by spaces, quoted strings with backslash
escapes, object lists in braces, vouchers as #VER followed by a {…} block of #TRANS)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Voucher:
    series: str
    number: str
    date: str
    text: str
    rows: list[tuple[str, list[str], Decimal]] = field(default_factory=list)


@dataclass
class SieFile:
    labels: dict[str, list[list[str]]] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    objects: dict[tuple[str, str], str] = field(default_factory=dict)
    vouchers: list[Voucher] = field(default_factory=list)


def tokens(line: str) -> list[str]:
    out, i = [], 0
    while i < len(line):
        ch = line[i]
        if ch == " ":
            i += 1
        elif ch == '"':
            i += 1
            text = []
            while line[i] != '"':
                if line[i] == "\\":
                    i += 1
                text.append(line[i])
                i += 1
            out.append("".join(text))
            i += 1
        elif ch == "{":
            end = line.index("}", i)
            out.append(line[i:end + 1])
            i = end + 1
        else:
            end = line.find(" ", i)
            end = len(line) if end == -1 else end
            out.append(line[i:end])
            i = end
    return out


def parse(content: bytes) -> SieFile:
    text = content.decode("cp437")
    assert "\r\n" in text, "SIE lines end in CR LF"
    sie = SieFile()
    current: Voucher | None = None
    for raw in text.split("\r\n"):
        line = raw.strip()
        if not line:
            continue
        if line == "{":
            assert current is not None
            continue
        if line == "}":
            current = None
            continue
        label, *rest = tokens(line)
        if label == "#VER":
            current = Voucher(rest[0], rest[1], rest[2], rest[3])
            sie.vouchers.append(current)
        elif label == "#TRANS":
            assert current is not None, "#TRANS outside a voucher"
            objects = tokens(rest[1][1:-1])
            current.rows.append((rest[0], objects, Decimal(rest[2])))
        elif label == "#KONTO":
            sie.accounts[rest[0]] = rest[1]
        elif label == "#OBJEKT":
            sie.objects[(rest[0], rest[1])] = rest[2]
        else:
            sie.labels.setdefault(label, []).append(rest)
    return sie
