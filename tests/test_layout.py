"""The shape of the package: no import cycles, no oversized modules or functions.

The imports are read from the source with :mod:`ast`, never executed, and
every import counts: at module level, inside a function (the lazy imports
that keep ``callcoach --help`` quick) and under ``TYPE_CHECKING``. A cycle
through any of them means two modules cannot be understood, tested or moved
one without the other.

Sizes: a module is at most 700 lines; a function at most 80, counted from
its first decorator to its last line (docstring included).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "analyzer"
ROOT = PACKAGE.parent

MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 80
#: Functions over the limit in code another team owns, at their current size.
#: An entry may shrink (and should then be removed), never grow.
KNOWN_LONG_FUNCTIONS = {
    "analyzer/readers/vtt.py::cue_block": 100,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _target(name: str, known: set[str]) -> str | None:
    """The module an import of ``name`` loads: ``name`` or its longest known prefix."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def import_graph() -> dict[str, set[str]]:
    """Each ``analyzer`` module to the ``analyzer`` modules it imports."""
    modules = _modules()
    known = set(modules)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [_target(a.name, known) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base_parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(base_parts + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                # `from pkg import sub` loads the submodule; `from mod import name` the module.
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in known else _target(base, known)
                    for a in node.names
                ]
            else:
                continue
            graph[name].update(t for t in targets if t is not None and t != name)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
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
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _function_sizes() -> dict[str, int]:
    sizes: dict[str, int] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                key = f"{rel}::{node.name}"
                sizes[key] = max(sizes.get(key, 0), node.end_lineno - first + 1)
    return sizes


def test_layout_import_graph_sees_lazy_and_relative_imports():
    graph = import_graph()
    assert "analyzer.analysis" in graph["analyzer"]  # lazy, inside __getattr__
    assert "analyzer.nlp.pipeline" in graph["analyzer.analysis"]
    assert "analyzer.errors" in graph["analyzer.readers.vtt"]  # `from ..errors import`
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_layout_no_import_cycle():
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles among analyzer modules: " + "; ".join(" <-> ".join(c) for c in cycles)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_layout_module_at_most_700_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by what it does"


def test_layout_functions_at_most_80_lines():
    sizes = _function_sizes()
    too_long = {
        key: n
        for key, n in sizes.items()
        if n > max(MAX_FUNCTION_LINES, KNOWN_LONG_FUNCTIONS.get(key, 0))
    }
    assert not too_long, f"functions over {MAX_FUNCTION_LINES} lines: {too_long}"
    stale = {key: sizes.get(key) for key in KNOWN_LONG_FUNCTIONS if sizes.get(key, 0) <= MAX_FUNCTION_LINES}
    assert not stale, f"these functions are short enough now; remove them from KNOWN_LONG_FUNCTIONS: {stale}"


def test_layout_cli_commands_import_the_library_never_each_other():
    graph = import_graph()
    commands = [m for m in graph if m.startswith("analyzer.cli.") and m != "analyzer.cli.common"]
    assert {"analyzer.cli.feedback", "analyzer.cli.score"} <= set(commands)
    for command in commands:
        others = {m for m in graph[command] if m.startswith("analyzer.cli")} - {"analyzer.cli.common"}
        assert not others, f"{command} imports {sorted(others)}"


def test_layout_scoring_never_imports_training():
    graph = import_graph()
    training = {"analyzer.classifier.training", "analyzer.classifier.crossval", "analyzer.classifier.card"}
    for module in ("analyzer.classifier.model", "analyzer.analysis"):
        assert not graph[module] & training, f"{module} imports {sorted(graph[module] & training)}"
