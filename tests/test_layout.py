"""The package layout the README describes: a small root, one subpackage per outside boundary, no import circles.

Imports are read from the source (``ast``), wherever they stand: module level, inside functions (lazy imports
are still dependencies) and under ``TYPE_CHECKING`` (a type shared by two modules belongs below both).
"""

from __future__ import annotations

import ast
from pathlib import Path

from aces.paths import repo_root

PACKAGE = repo_root() / "loaders" / "aces"
ROOT_LIMIT = 10
BOUNDARIES = ("cli", "corpus", "hf", "doccano", "convert", "validate", "versions", "report")


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, package): p for p in sorted(package.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The ``aces`` modules ``path`` imports (``from a.b import c`` is ``a.b.c`` when ``c`` is a module, else
    ``a.b``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return {m for m in found if m in known and m != name}


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    found = modules(package)
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a path ``[a, b, ..., a]``, or None (depth-first search, colours)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_module_imports_itself_through_others() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_sees_a_circle_through_a_lazy_import(tmp_path: Path) -> None:
    package = tmp_path / "aces"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from aces.sub import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    from aces.c import X\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from aces import a\n")
    assert find_cycle(import_graph(package)) == ["aces.a", "aces.sub.b", "aces.c", "aces.a"]
    (package / "c.py").write_text("X = 1\n")
    assert find_cycle(import_graph(package)) is None


def test_the_root_holds_only_what_everything_shares() -> None:
    root = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(root) <= ROOT_LIMIT, root
    assert not [name for name in root if name.startswith("cli_")]
    for boundary in BOUNDARIES:
        assert (PACKAGE / boundary / "__init__.py").is_file(), boundary


def test_nothing_imports_the_command_line() -> None:
    graph = import_graph()
    outside = {m: deps for m, deps in graph.items() if not m.startswith("aces.cli")}
    users = sorted(m for m, deps in outside.items() if any(d.startswith("aces.cli") for d in deps))
    assert users == []


def test_utf16_is_counted_only_at_the_doccano_boundary() -> None:
    """``to_utf16``/``from_utf16`` are defined in ``aces.offsets`` and used by the doccano converter alone."""
    users = sorted(
        module_name(p)
        for p in PACKAGE.rglob("*.py")
        if p.name != "offsets.py" and ("to_utf16" in (text := p.read_text(encoding="utf-8")) or "from_utf16" in text)
    )
    assert users == ["aces.doccano.convert"]
