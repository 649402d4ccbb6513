"""The repository stands on its own: what a fresh clone needs is declared and inside it.

CI runs in a fresh clone with a fresh virtual environment, which catches an undeclared import
or a file read from outside the repository. These tests catch the same two mistakes on a
developer's machine, where a package installed by hand or a folder beside the clone hides them.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON_FOLDERS = ("generator", "tests", "bench", "tools")


def tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    return [REPO / name for name in listed.decode().split("\0") if name]


def python_files() -> list[Path]:
    """The project's Python files: not those of the environments and tools the tests install
    into hidden folders (.venv, tests/.cache, tests/.npm)."""
    return sorted(p for folder in PYTHON_FOLDERS for p in (REPO / folder).rglob("*.py")
                  if not any(part.startswith(".") for part in p.relative_to(REPO).parts))


def imported_modules(path: Path) -> set[str]:
    """Top-level names of the absolute imports of one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def declared_distributions() -> set[str]:
    """The project's own requirements, runtime and every extra, as installed from pyproject.toml."""
    requirements = metadata.requires("statuspress") or []
    return {normalize(re.match(r"[A-Za-z0-9._-]+", requirement).group(0)) for requirement in requirements}


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_import_is_the_standard_library_the_project_or_a_declared_dependency():
    local = {"generator"} | {p.stem for p in python_files()}
    providers = metadata.packages_distributions()
    declared = declared_distributions()
    undeclared = []
    for path in python_files():
        for module in sorted(imported_modules(path)):
            if module in sys.stdlib_module_names or module in local or module == "__future__":
                continue
            dists = {normalize(d) for d in providers.get(module, [])}
            if not dists & declared:
                undeclared.append(f"{path.relative_to(REPO)}: imports '{module}' "
                                  f"(from {sorted(dists) or 'no installed package'}), not declared in pyproject.toml")
    assert not undeclared, "\n".join(undeclared)


def test_the_check_above_sees_an_undeclared_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import frontmatter\nimport numpy.linalg\nfrom os import path\n", encoding="utf-8")
    assert imported_modules(sample) == {"frontmatter", "numpy", "os"}
    assert "python-frontmatter" in declared_distributions()
    assert "numpy" not in declared_distributions()


OUTSIDE = re.compile(r"\.\./shared|parents\[[2-9]\]\s*/|/work/|os\.pardir")


def test_no_file_refers_to_a_folder_outside_the_repository():
    offending = []
    for path in tracked_files():
        if path.suffix not in {".py", ".md", ".toml", ".yml", ".yaml", ".cfg", ".sh", ".html", ""} or not path.is_file():
            continue
        if path == Path(__file__).resolve():
            continue  # the pattern itself
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").split("\n"), 1):
            if OUTSIDE.search(line):
                offending.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not offending, "\n".join(offending)


MAX_TRACKED_BYTES = 1024 * 1024  # a clone carries every version of every file for ever


def test_no_tracked_file_is_over_a_megabyte():
    """A wheel, a built site or a recording committed by mistake weighs on every clone: the
    repository holds sources, and what it needs is installed or made."""
    large = [f"{path.relative_to(REPO)}: {path.stat().st_size:,} bytes" for path in tracked_files()
             if path.is_file() and path.stat().st_size > MAX_TRACKED_BYTES]
    assert not large, "\n".join(large)
