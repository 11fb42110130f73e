"""The shape of the package: no import circle among licex's modules, no module too long to read.

An import inside a function or under `if TYPE_CHECKING:` is a dependency too: deferring it only
hides a circle from Python, not from a reader following the code.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "licex"
MAX_LINES = 600


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, root: Path, modules: set[str]) -> set[str]:
    """The licex modules `path` imports, wherever the import stands: `from .x import y` names
    the module `x.y` when there is one, else `x`."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # `import licex.x.y as z`, a name inside a module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    paths = sorted(root.rglob("*.py"))
    modules = {module_name(path, root) for path in paths}
    return {module_name(path, root): imported_modules(path, root, modules) for path in paths}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph.get(module, ())):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_circle_finder_finds_a_circle_and_its_members():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_relative_imports_resolve_to_modules(tmp_path):
    package = tmp_path / "licex"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "one.py").write_text("from .sub import two\nfrom . import three\n")
    (package / "three.py").write_text("def f():\n    from .sub.two import x\n")
    (package / "sub" / "__init__.py").write_text("from ..one import y\n")
    (package / "sub" / "two.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..three import f\n")
    graph = import_graph(package)
    assert graph == {"licex": set(), "licex.one": {"licex.sub.two", "licex.three"},
                     "licex.three": {"licex.sub.two"}, "licex.sub": {"licex.one"},
                     "licex.sub.two": {"licex.three"}}
    assert circles(graph) == [["licex.sub.two", "licex.three"]]


def test_no_import_circle_among_licex_modules():
    assert circles(import_graph()) == []


def test_no_module_is_longer_than_a_reader_can_hold():
    long = {module_name(path): lines for path in sorted(PACKAGE.rglob("*.py"))
            if (lines := len(path.read_text("utf-8").splitlines())) > MAX_LINES}
    assert long == {}
