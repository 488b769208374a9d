"""The core never imports Textual: only dispatch/tui and the field-unit screen may."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import dispatch

PACKAGE = Path(dispatch.__file__).resolve().parent
UI_ALLOWED = ("tui", "unit")  # the console and the field-unit client's screen


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _is_ui(path: Path) -> bool:
    rel = path.relative_to(PACKAGE).parts
    if rel[0] == "tui":
        return True
    # In the field-unit client only its screen modules may draw.
    return rel[0] == "unit" and len(rel) > 1 and rel[-1].startswith(("screen", "app"))


def test_no_core_module_imports_textual() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if not _is_ui(path)
        and any(n == "textual" or n.startswith("textual.") for n in _imports(path))
    ]
    assert offenders == []


def test_importing_every_core_module_loads_no_textual() -> None:
    core = sorted(
        ".".join(("dispatch", *path.relative_to(PACKAGE).with_suffix("").parts))
        .removesuffix(".__init__")
        for path in PACKAGE.rglob("*.py")
        if not _is_ui(path) and path.name != "__main__.py"
    )
    code = "import importlib, sys\n" + "".join(
        f"importlib.import_module({name!r})\n" for name in core
    ) + "print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_eval_or_exec_in_the_package() -> None:
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec"), f"{path}: {node.func.id}()"
