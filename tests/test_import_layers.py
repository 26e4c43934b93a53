"""The course's imports point down, never in circles, and Streamlit stays in the pages.

Read from the source with `ast` (nothing is imported, so nothing runs): every `import` and
`from ... import` of a course module, at the top of a file or inside a function alike. An
import deferred into a function to dodge a circle is still a circle: the two modules still
need each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The layers, lowest first: a module may import its own layer's modules and those below.
LAYERS = (
    ("course.thresholds", "course.settings", "course.typed", "course.native_output"),
    ("course.body", "course.landmarks", "course.motions", "course.silhouettes", "course.synthetic_landmarks"),
    ("course.content", "course.writing", "course.progress"),
    ("course.analysis",),
    ("course.figures", "course.store"),
    ("course.views",),
    ("course.app", "course.cli", "course.content_check"),
)
NO_STREAMLIT = (
    "course.analysis",
    "course.figures",
    "course.store",
    "course.content",
    "course.body",
    "course.landmarks",
    "course.motions",
    "course.silhouettes",
    "course.thresholds",
)


def module_files(package_dir: Path) -> dict[str, Path]:
    """Each module of the package at `package_dir` by its dotted name (a package by its own)."""
    names = {}
    for path in package_dir.rglob("*.py"):
        parts = path.relative_to(package_dir.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def imports_of(name: str, path: Path, known: set[str]) -> dict[str, set[str]]:
    """What the module `name` imports: course modules (resolved to the module, or the package
    when the name imported is not a module of its own) and other top-level packages."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    inside, outside = set(), set()
    root = name.split(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            if target.split(".")[0] != root:
                outside.add(target.split(".")[0])
                continue
            while target not in known and "." in target:  # `import course.a.b` of a name, not a module
                target = target.rpartition(".")[0]
            if target != name:
                inside.add(target)
    return {"inside": inside, "outside": outside}


def import_graph(package_dir: Path) -> dict[str, dict[str, set[str]]]:
    files = module_files(package_dir)
    return {name: imports_of(name, path, set(files)) for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(name: str) -> int:
    for number, layer in enumerate(LAYERS):
        if any(name == top or name.startswith(top + ".") for top in layer):
            return number
    raise AssertionError(f"{name} is in no layer: add it to LAYERS")


@pytest.fixture(scope="module")
def course_graph():
    return import_graph(ROOT / "course")


def test_the_course_imports_no_module_that_imports_it_back(course_graph):
    circles = cycles({name: found["inside"] for name, found in course_graph.items()})
    assert circles == [], "modules that import each other, directly or round a circle: " + "; ".join(
        " <-> ".join(group) for group in circles
    )


def test_every_import_points_down_or_within_its_own_layer(course_graph):
    upward = [
        f"{name} imports {target}"
        for name, found in course_graph.items()
        if name != "course"
        for target in found["inside"]
        if target != "course" and layer_of(target) > layer_of(name)
    ]
    assert upward == []


def test_streamlit_is_imported_by_the_pages_only(course_graph):
    leaks = [
        name
        for name, found in course_graph.items()
        if "streamlit" in found["outside"] and any(name == top or name.startswith(top + ".") for top in NO_STREAMLIT)
    ]
    assert leaks == []


def test_the_checker_finds_a_circle_even_through_a_deferred_import(tmp_path):
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "till.py").write_text("from shop.stock import count\n")
    (package / "stock.py").write_text("def count():\n    from shop import till  # deferred\n    return till\n")
    (package / "sign.py").write_text("import shop.till\nimport os\n")
    graph = import_graph(package)
    assert cycles({name: found["inside"] for name, found in graph.items()}) == [["shop.stock", "shop.till"]]
    assert graph["shop.sign"] == {"inside": {"shop.till"}, "outside": {"os"}}
