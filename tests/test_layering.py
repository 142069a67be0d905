"""The packages below the views form layers: each imports only packages of lower layers, so there is
no import cycle and a newcomer can read them bottom up. Views (blueprint modules), CLI commands and
the app's assembly (``lms/__init__.py``, ``extension.py``, ``models.py``, ``cli.py``, ``errors.py``)
sit on top and may import anything."""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import lms

ROOT = Path(lms.__file__).resolve().parent
ASSEMBLY = {"__init__", "extension", "models", "cli", "errors"}

# Bottom to top. A package may import its own layer's shared modules only when listed lower.
LAYERS: list[set[str]] = [
    {"extensions", "config", "i18n"},
    {"db", "web", "signals", "caching", "mail", "backups", "images", "jobs", "secretbox", "outbound"},
    {"outbox"},
    {"schools"},
    {"accounts"},
    {"sso"},
    {"catalog"},
    {"content"},
    {"search"},
    {"quizzes"},
    {"assignments"},
    {"progress"},
    {"certificates"},
    {"skills"},
    {"xapi"},
    {"authoring", "reports"},
    {"access"},
    {"admin"},
    {"lti"},
    {"cohorts"},
    {"admissions"},
    {"notifications"},
    {"portfolio"},
    {"privacy"},
    {"help"},
]
LAYER_OF = {name: index for index, layer in enumerate(LAYERS) for name in layer}


def is_view(tree: ast.Module) -> bool:
    """A module that makes a blueprint or defines CLI commands is a view: it may import anything."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in ("Blueprint", "AppGroup", "group", "command"):
                return True
    return False


def imported_packages(path: Path, tree: ast.Module) -> set[str]:
    """The top-level ``lms`` packages or modules that a module imports, lazily or not, its own left out."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    own = parts[0]
    found = set()
    for node in ast.walk(tree):
        targets: list[list[str]] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[:len(parts) - node.level]
                module = base + (node.module.split(".") if node.module else [])
                targets = [module] if module else [[alias.name] for alias in node.names]
            elif node.module and node.module.split(".")[0] == "lms":
                module = node.module.split(".")[1:]
                targets = [module] if module else [[alias.name] for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [alias.name.split(".")[1:] for alias in node.names if alias.name.startswith("lms.")]
        found.update(target[0] for target in targets if target and target[0] != own)
    return found


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        package = path.relative_to(ROOT).parts[0].removesuffix(".py")
        if package in ASSEMBLY or is_view(tree):
            continue
        graph[package] |= imported_packages(path, tree)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path that comes back to its start, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"content": {"catalog"}, "catalog": {"quizzes"}, "quizzes": {"content"}}) == \
        ["catalog", "quizzes", "content", "catalog"]
    assert find_cycle({"quizzes": {"content"}, "content": {"catalog"}}) is None


def test_a_view_is_told_from_a_service():
    assert is_view(ast.parse('bp = Blueprint("x", __name__)'))
    assert not is_view(ast.parse("def enrol(user, course):\n    return None"))
    relative = imported_packages(ROOT / "progress" / "services.py",
                                 ast.parse("from ..quizzes.models import Quiz\nfrom . import models\nfrom .. import signals"))
    assert relative == {"quizzes", "signals"}


def test_no_import_cycle_between_packages_below_the_views():
    assert find_cycle(package_graph()) is None


def test_every_package_imports_only_lower_layers():
    graph = package_graph()
    unplaced = sorted(set(graph) - set(LAYER_OF))
    assert not unplaced, f"place these packages in LAYERS: {unplaced}"
    upward = sorted(f"{source} -> {target}" for source, targets in graph.items() for target in targets
                    if LAYER_OF.get(target, -1) >= LAYER_OF[source] and target not in ASSEMBLY)
    assert not upward, f"imports that go up or sideways: {upward}"
    assembly = sorted(f"{source} -> {target}" for source, targets in graph.items() for target in targets if target in ASSEMBLY)
    assert not assembly, f"packages below the views import the app's assembly: {assembly}"
