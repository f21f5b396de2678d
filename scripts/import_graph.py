"""Print the project's import graph: each module, the project modules it imports, and cycles.

    python scripts/import_graph.py            # every app
    python scripts/import_graph.py initiatives   # only modules under these packages

Reads the source with `ast` (nothing is imported or run), so it works without settings or a
database. An import inside a function counts too, marked with `*`: it still ties the modules.
Tests and migrations are left out; they are not part of the design.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "bench", "config", "initiatives", "residents", "staff")
SKIP = ("migrations", "tests", "__pycache__")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if not any(part in SKIP for part in path.relative_to(ROOT).parts):
                modules[module_name(path)] = path
    return modules


def resolve(name: str, known: dict[str, Path]) -> str | None:
    """Return the longest project module NAME refers to (a.b.c may be a name in a.b)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(name: str, path: Path, known: dict[str, Path]) -> dict[str, bool]:
    """Return {imported project module: imported at top level?} for module NAME."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    found: dict[str, bool] = {}
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from a import b, c`: b and c may be modules of their own or names in a.
            targets = [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            module = resolve(target, known)
            if module and module != name:
                found[module] = found.get(module, False) or id(node) in top_level
    return found


def cycles(graph: dict[str, dict[str, bool]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10000)
    for node in graph:
        if node not in index:
            visit(node)
    return groups


def main(only: list[str]) -> int:
    known = project_modules()
    graph = {name: imports_of(name, path, known) for name, path in known.items()}
    for name in sorted(graph):
        if only and name.split(".")[0] not in only:
            continue
        targets = ", ".join(
            f"{target}{'' if top else '*'}" for target, top in sorted(graph[name].items())
        )
        print(f"{name} -> {targets or '(none)'}")
    found = cycles(graph)
    print()
    print("(* = imported inside a function)")
    if not found:
        print("cycles: none")
    for group in found:
        print("cycle: " + " <-> ".join(group))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
