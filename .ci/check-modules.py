#!/usr/bin/env python3
"""Checks the core's module graph: one-way dependencies, no imports through re-exports.

Reads every `crate::...`, `super::...` and `self::...` path in the library's code (`use`
lines and paths written inline; comments, doc comments and `#[cfg(test)]` modules are
left out), resolves each name to the file that defines it, and fails when

  * two top-level modules depend on each other, directly or through others (a cycle);
  * two files depend on each other, directly or through others (a cycle inside a module,
    such as `reputation::names` <-> `reputation::thresholds`);
  * a path goes through the crate root's re-exports (`crate::Instance` instead of
    `crate::instance::Instance`).

A file's own `mod.rs` re-exporting its children is structure, not a dependency: the edge
from a `mod.rs` to the files below it is not counted, unless that `mod.rs` uses the name
in its own code. We wrote this instead of installing `cargo-modules` (its acyclicity check
builds rust-analyzer, minutes of CI on two cores) and because it also checks the
no-root-re-export rule, which `cargo-modules` does not.

Usage: python3 .ci/check-modules.py [SRC_DIR]   (exit 0 clean, 1 with problems listed)
"""

import os
import re
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "src"

DEF_RE = re.compile(
    r"^\s*pub(?:\([^)]*\))?\s+(?:const\s+fn|async\s+fn|unsafe\s+fn|fn|struct|enum|trait|type|const|static|mod|use)\s+([A-Za-z_][A-Za-z0-9_]*)"
)
MOD_DECL_RE = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+([a-z_][a-z0-9_]*)\s*;")
PATH_RE = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE_START_RE = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+")


def module_of(path):
    """`src/a/b.rs` -> ('a', 'b'); `src/a/mod.rs` -> ('a',); `src/lib.rs` -> ()."""
    rel = os.path.relpath(path, SRC)[:-3].split(os.sep)
    if rel == ["lib"]:
        return ()
    if rel[-1] == "mod":
        rel = rel[:-1]
    return tuple(rel)


def strip_code(text):
    """The text without comments, string literals and `#[cfg(test)]` items."""
    out = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""')
            i = j + 1
        elif text.startswith("#[cfg(test)]", i):
            # Skip the attribute and the item after it (to its closing brace or semicolon).
            j = i + len("#[cfg(test)]")
            depth = 0
            while j < n:
                c = text[j]
                if c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
                    if depth == 0:
                        j += 1
                        break
                elif c == ";" and depth == 0:
                    j += 1
                    break
                j += 1
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def expand_use(stmt):
    """`use a::{b, c::{d, e as f}};` -> ['a::b', 'a::c::d', 'a::c::e']."""
    stmt = re.sub(r"\s+", " ", stmt).strip()
    stmt = re.sub(r"^(?:pub(?:\([^)]*\))?\s+)?use\s+", "", stmt).rstrip(";")
    stmt = re.sub(r"\s+as\s+[A-Za-z_0-9]+", "", stmt).replace(" ", "")

    def expand(s):
        k = s.find("{")
        if k < 0:
            return [s]
        prefix, body = s[:k], s[k + 1 : s.rfind("}")]
        parts, depth, cur = [], 0, ""
        for c in body:
            if c == "," and depth == 0:
                parts.append(cur)
                cur = ""
                continue
            depth += c == "{"
            depth -= c == "}"
            cur += c
        if cur:
            parts.append(cur)
        res = []
        for part in parts:
            for e in expand(part):
                res.append(prefix.rstrip(":") if e == "self" else prefix + e)
        return res

    return expand(stmt)


def main():
    files = {}
    for root, _, names in os.walk(SRC):
        for name in names:
            if name.endswith(".rs"):
                path = os.path.join(root, name)
                files[module_of(path)] = path

    defs = {}  # module -> names defined there
    code = {}
    for mod, path in files.items():
        with open(path, encoding="utf-8") as f:
            text = strip_code(f.read())
        code[mod] = text
        names = set()
        for line in text.splitlines():
            m = DEF_RE.match(line)
            if m and not line.lstrip().startswith(("pub use", "pub(crate) use", "pub(super) use")):
                names.add(m.group(1))
            m = MOD_DECL_RE.match(line)
            if m:
                names.add(m.group(1))
        # Enum variants, struct fields and methods are reached through their type.
        defs[mod] = names

    def defining(module, name):
        """The file under `module` (itself first, then its descendants) defining `name`."""
        if name in defs.get(module, ()) and (module + (name,)) not in files:
            return module
        if (module + (name,)) in files:
            return module + (name,)
        found = [m for m in defs if m[: len(module)] == module and m != module and name in defs[m]]
        found.sort(key=len)
        return found[0] if found else module

    problems = []
    edges = {}  # file -> {file: example path}
    for mod, text in code.items():
        paths = []
        # `use` statements, grouped imports expanded.
        for m in re.finditer(r"(?m)^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+[^;]+;", text):
            paths.extend(expand_use(m.group(0)))
        # Inline paths outside `use` statements.
        inline = re.sub(r"(?m)^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+[^;]+;", "", text)
        paths.extend(m.group(0) for m in PATH_RE.finditer(inline))
        for p in paths:
            segs = [s for s in p.split("::") if s]
            if not segs or segs[0] not in ("crate", "super", "self"):
                continue
            if segs[0] == "crate":
                base, rest = (), segs[1:]
            else:
                base = mod
                while segs and segs[0] in ("super", "self"):
                    if segs[0] == "super":
                        # A `mod.rs` or a leaf file: `super` is the parent module.
                        base = base[:-1]
                    segs = segs[1:]
                rest = segs
            # Walk down through module files.
            target = base
            while rest and (target + (rest[0],)) in files:
                target = target + (rest[0],)
                rest = rest[1:]
            if target == () and rest and mod != ():
                problems.append(
                    f"{files[mod]}: `{p}` goes through the crate root's re-exports; "
                    f"import it from the module that defines it"
                )
                continue
            if rest:
                target = defining(target, rest[0])
            if target == mod or target == ():
                continue
            edges.setdefault(mod, {}).setdefault(target, p)

    # Re-export-only edges from a mod.rs to its descendants are structure, not use.
    def is_reexport_only(src, dst, text):
        if dst[: len(src)] != src:
            return False
        child = dst[len(src)]
        body = re.sub(r"(?m)^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+[^;]+;", "", text)
        return not re.search(r"\b" + re.escape(child) + r"::", body) and not any(
            re.search(r"\b" + re.escape(n) + r"\b", body) for n in defs.get(dst, ())
        )

    graph = {}
    for src, dsts in edges.items():
        for dst, p in dsts.items():
            if is_reexport_only(src, dst, code[src]):
                continue
            graph.setdefault(src, {})[dst] = p

    def sccs(g, nodes):
        index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

        def visit(v):
            index[v] = low[v] = counter[0]
            counter[0] += 1
            stack.append(v)
            on.add(v)
            for w in g.get(v, {}):
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in on:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(comp)

        sys.setrecursionlimit(10000)
        for v in nodes:
            if v not in index:
                visit(v)
        return out

    def show(m):
        return "::".join(m) or "crate"

    # Top-level modules.
    top = {}
    for src, dsts in graph.items():
        for dst, p in dsts.items():
            if src and dst and src[0] != dst[0]:
                top.setdefault((src[0],), {}).setdefault((dst[0],), f"{files[src]}: {p}")
    for comp in sccs(top, sorted({(m[0],) for m in files if m})):
        lines = [f"  {show(a)} -> {show(b)} ({top[a][b]})" for a in comp for b in comp if b in top.get(a, {})]
        problems.append("module cycle between " + ", ".join(sorted(show(c) for c in comp)) + ":\n" + "\n".join(lines))
    # Files.
    for comp in sccs(graph, sorted(files)):
        lines = [f"  {show(a)} -> {show(b)} ({graph[a][b]})" for a in comp for b in comp if b in graph.get(a, {})]
        problems.append("file cycle between " + ", ".join(sorted(show(c) for c in comp)) + ":\n" + "\n".join(lines))

    n_edges = sum(len(d) for d in graph.values())
    if problems:
        print("\n".join(problems))
        print(f"module check: {len(problems)} problem(s) in {len(files)} files, {n_edges} dependencies")
        return 1
    tops = sorted({(m[0],) for m in files if m})
    order = []
    remaining = {t: set(top.get(t, {})) for t in tops}
    while remaining:
        ready = sorted(t for t, deps in remaining.items() if not deps & set(remaining))
        order.extend(ready)
        for t in ready:
            del remaining[t]
    print("module check: no cycles, no root re-export imports; "
          f"{len(files)} files, {n_edges} dependencies")
    print("layers, bottom up: " + " < ".join(show(t) for t in order))
    return 0


if __name__ == "__main__":
    sys.exit(main())
