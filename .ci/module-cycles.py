#!/usr/bin/env python3
"""Fails when modules of one crate import each other in a circle.

Every `crate::a::b` and `super::x` path in a file is an edge to the module it
names. Edges are lifted to the two sibling modules under their nearest common
parent (a parent and its own children may use each other: that is how a
folder shares its types); a cycle among siblings is reported.
"""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
failed = False


def module_path(src, file):
    parts = list(file.relative_to(src).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts.pop()
    return tuple(parts)


for src in sorted(root.glob("crates/*/src")) + [root / "bench/src"]:
    files = {module_path(src, f): f for f in src.rglob("*.rs")}
    modules = set(files)
    edges = {}
    for module, file in files.items():
        text = re.sub(r"#\[cfg\(test\)\]\s*mod tests \{.*", "", file.read_text(), flags=re.S)
        text = re.sub(r"//.*", "", text)
        paths = [(m.group(1), m.group(2)) for m in re.finditer(r"\b(crate|super)((?:::\w+)+)", text)]
        for m in re.finditer(r"\b(crate|super)((?:::\w+)*)::\{([^{}]*)\}", text):
            paths += [(m.group(1), f"{m.group(2)}::{item.strip()}") for item in m.group(3).split(",") if item.strip()]
        for anchor, tail in paths:
            base = () if anchor == "crate" else module[:-1]
            target = base + tuple(re.findall(r"\w+", tail))
            while target and target not in modules:
                target = target[:-1]
            common = 0
            while common < min(len(module), len(target)) and module[common] == target[common]:
                common += 1
            if common == len(module) or common == len(target):
                continue  # a parent and its child
            a, b = module[: common + 1], target[: common + 1]
            edges.setdefault(a, set()).add(b)
    # Tarjan's strongly connected components.
    index, low, stack, on, counter, cycles = {}, {}, [], set(), [0], []

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(component)

    sys.setrecursionlimit(10000)
    for v in list(edges):
        if v not in index:
            visit(v)
    crate = src.parent.name
    for component in cycles:
        failed = True
        names = sorted("::".join(m) for m in component)
        print(f"{crate}: modules import each other in a circle: {' <-> '.join(names)}")

if failed:
    sys.exit(1)
print("no import cycles between modules")
