#!/usr/bin/env python3
"""Prove that the top-level modules of src/ import each other one way only.

Counts every `crate::<module>` path (also inside `use crate::{a, b::c}` groups) in each
top-level module of src/ (`src/<module>.rs` or `src/<module>/`), skipping comments, then looks
for modules that reach each other, directly or in a circle. Code under `#[cfg(test)]` counts
too: a test that needs another stage is an arrow like any other.

Usage: scripts/module_imports.py [SRC_DIR] [--graph]
Exits 0 when the graph has no cycle, 1 when it has one (and names it).
"""

import os
import re
import sys
from collections import defaultdict

PATH = re.compile(r"\bcrate::(\{[^;]*?\}|[a-z_][a-z0-9_]*)", re.S)


def strip_comments(text):
    """Remove // and /* */ comments (doc comments name modules in prose and links)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def top_level_modules(src):
    """Module name -> the .rs files it is made of."""
    modules = {}
    for entry in sorted(os.listdir(src)):
        path = os.path.join(src, entry)
        if entry.endswith(".rs") and entry not in ("lib.rs", "main.rs"):
            modules[entry[:-3]] = [path]
        elif os.path.isdir(path):
            files = []
            for folder, _, names in os.walk(path):
                files += [os.path.join(folder, n) for n in names if n.endswith(".rs")]
            modules[entry] = sorted(files)
    return modules


def targets(path_text):
    """The top-level modules one `crate::…` path names."""
    if not path_text.startswith("{"):
        return {path_text}
    inner = path_text[1:-1]
    # Only the first segment of each item at depth 0 names a top-level module.
    names, depth, current = set(), 0, ""
    for ch in inner + ",":
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if depth == 0 and ch == ",":
            first = current.strip().split("::")[0].strip()
            if re.fullmatch(r"[a-z_][a-z0-9_]*", first):
                names.add(first)
            current = ""
        else:
            current += ch
    return names


def import_graph(src):
    """(module -> {imported module: count}, modules)."""
    modules = top_level_modules(src)
    graph = defaultdict(lambda: defaultdict(int))
    for module, files in modules.items():
        for path in files:
            with open(path, encoding="utf-8") as f:
                text = strip_comments(f.read())
            for match in PATH.finditer(text):
                for target in targets(match.group(1)):
                    if target in modules and target != module:
                        graph[module][target] += 1
    return graph, modules


def cycles(graph, modules):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(modules):
        if v not in index:
            visit(v)
    return found


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    src = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "src")
    graph, modules = import_graph(src)
    if "--graph" in sys.argv:
        for module in sorted(modules):
            uses = ", ".join(f"{t} ({n})" for t, n in sorted(graph[module].items()))
            print(f"{module} -> {uses or '(nothing)'}")
    found = cycles(graph, modules)
    pairs = [
        (a, b)
        for a in sorted(modules)
        for b in sorted(graph[a])
        if a < b and a in graph.get(b, {})
    ]
    for a, b in pairs:
        print(f"two-way: {a} <-> {b} ({graph[a][b]} paths one way, {graph[b][a]} back)")
    for component in found:
        print("circle: " + " -> ".join(component))
    if found:
        print(f"{len(found)} circle(s) among {len(modules)} top-level modules")
        return 1
    print(f"one way: no two of the {len(modules)} top-level modules import each other")
    return 0


if __name__ == "__main__":
    sys.exit(main())
