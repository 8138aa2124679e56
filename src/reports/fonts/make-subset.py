#!/usr/bin/python3
"""Rebuild NotoSansSC-Regular-GB2312.otf, the chart's bundled font.

Why a subset: the full Noto Sans CJK collection is ~20 MB per weight; the chart
needs Simplified Chinese unit names, digits and punctuation. GB 2312's 6,763
hanzi cover the names of every department and county office in the plans we
know; any extra characters found in the repo's plan data are added too.

Runs offline on Debian: apt-get install fonts-noto-cjk python3-fonttools
Usage (from the repo root): /usr/bin/python3 src/reports/fonts/make-subset.py
"""
import pathlib
import re
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
OUT = HERE / "NotoSansSC-Regular-GB2312.otf"


def gb2312() -> set[int]:
    # Every assigned two-byte code of GB 2312 (rows 0xA1-0xF7, cells 0xA1-0xFE).
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def ranges() -> set[int]:
    spans = [
        (0x20, 0x7E),      # ASCII
        (0xA0, 0xFF),      # Latin-1: · × ÷ °
        (0x2000, 0x206F),  # general punctuation: — “ ” …
        (0x2190, 0x21FF),  # arrows, for movers ↑ ↓
        (0x2460, 0x24FF),  # circled numbers ①
        (0x25A0, 0x25FF),  # geometric shapes ■ ● ▲ ▼
        (0x3000, 0x303F),  # CJK punctuation 、。《》【】
        (0xFF00, 0xFFEF),  # full-width forms （）：％
    ]
    return {c for a, b in spans for c in range(a, b + 1)}


def repo_hanzi() -> set[int]:
    found = set()
    for folder in ("data", "test/fixtures"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in {".yaml", ".yml", ".json", ".csv", ".txt"}:
                text = path.read_text(encoding="utf-8", errors="ignore")
                found.update(ord(ch) for ch in re.findall(r"[\u3400-\u9fff]", text))
    return found


def main() -> None:
    collection = TTCollection(SOURCE)
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    wanted = gb2312() | ranges() | repo_hanzi()
    options = subset.Options()
    options.hinting = False           # resvg ignores hints; saves ~10 %
    options.name_IDs = ["*"]          # keep copyright and licence strings (OFL 1.1)
    options.name_languages = ["*"]
    options.notdef_outline = True     # a visible box if a character is missing
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font.save(OUT)
    print(f"{OUT.name}: {len(font.getBestCmap())} characters, {OUT.stat().st_size} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
