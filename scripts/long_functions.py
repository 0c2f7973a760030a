#!/usr/bin/env python3
"""List the library functions of src/ longer than a limit (150 lines by default).

A function runs from its `fn` line to its closing brace; braces inside strings, characters and
comments do not count. Test modules (`#[cfg(test)] mod tests`) are left out: they are not library
code. Usage: scripts/long_functions.py [SRC_DIR] [--limit N] [--all]
Exits 1 when a function is over the limit.
"""

import os
import re
import sys

FN = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+([A-Za-z_][A-Za-z0-9_]*)")


def code_only(text):
    """The text with strings, chars and comments blanked (newlines kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:]) and not (i and (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = re.match(r"r(#*)\"", text[i:]).group(1)
            end = text.find('"' + hashes, i + 2 + len(hashes))
            j = n if end < 0 else end + 1 + len(hashes)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(re.sub(r"[^\n]", " ", text[i : j + 1]))
            i = j + 1
        elif c == "'" and re.match(r"'(\\.|[^\\'])'|'\\u\{[0-9a-fA-F]+\}'", text[i:]):
            m = re.match(r"'(\\.|[^\\'])'|'\\u\{[0-9a-fA-F]+\}'", text[i:])
            out.append(" " * len(m.group(0)))
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    """(name, first line, line count) of each function outside test modules."""
    with open(path, encoding="utf-8") as f:
        lines = code_only(f.read()).split("\n")
    found, skip_until = [], -1
    for number, line in enumerate(lines):
        if number <= skip_until:
            continue
        if re.match(r"\s*#\[cfg\(test\)\]", line):
            end = block_end(lines, number)
            if end is not None and any(re.match(r"\s*(pub\s+)?mod\s", l) for l in lines[number : number + 3]):
                skip_until = end
            continue
        match = FN.match(line)
        if match:
            end = block_end(lines, number)
            if end is not None:
                found.append((match.group(1), number + 1, end - number + 1))
    return found


def block_end(lines, start):
    """The line of the brace that closes the first block opened at or after `start`."""
    depth, opened = 0, False
    for number in range(start, len(lines)):
        for c in lines[number]:
            if c == "{":
                depth += 1
                opened = True
            elif c == "}":
                depth -= 1
                if opened and depth == 0:
                    return number
            elif c == ";" and not opened:
                return None  # a declaration without a body
    return None


def main():
    args = sys.argv[1:]
    limit = int(args[args.index("--limit") + 1]) if "--limit" in args else 150
    rest = [a for i, a in enumerate(args) if not a.startswith("--") and (i == 0 or args[i - 1] != "--limit")]
    src = rest[0] if rest else os.path.join(os.path.dirname(__file__), "..", "src")
    rows = []
    for folder, _, names in os.walk(src):
        for name in names:
            if name.endswith(".rs"):
                path = os.path.join(folder, name)
                rows += [(length, os.path.relpath(path, src), line, fn) for fn, line, length in functions(path)]
    rows.sort(reverse=True)
    shown = rows if "--all" in args else [r for r in rows if r[0] > limit]
    for length, path, line, fn in shown:
        print(f"{length:5} src/{path}:{line} {fn}")
    longest = rows[0][0] if rows else 0
    print(f"{len([r for r in rows if r[0] > limit])} function(s) over {limit} lines; the longest has {longest}")
    return 1 if any(r[0] > limit for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
