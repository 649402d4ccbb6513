"""The rooms of `generator/` keep their rules (README, "For developers"): read -> compute ->
render -> build, and the MkDocs/Material glue. Checked on the code's syntax trees (imports and
calls), not on its text, so that a comment or a string naming a module is no offence."""
from __future__ import annotations

import ast
from pathlib import Path

from helpers import REPO

GENERATOR = REPO / "generator"
# What starts a process or writes to the file system, by module and by call.
PROCESS_MODULES = {"subprocess", "multiprocessing", "concurrent", "pty", "shutil", "tempfile"}
OS_CALLS = {"system", "popen", "fork", "forkpty", "spawnl", "spawnv", "spawnve", "posix_spawn", "execv",
            "execve", "execvp", "makedirs", "mkdir", "remove", "unlink", "rename", "replace", "rmdir",
            "removedirs", "symlink", "link", "truncate", "write", "open", "mkfifo", "chmod"}
PATH_WRITES = {"write_text", "write_bytes", "mkdir", "touch", "unlink", "rmdir", "symlink_to", "hardlink_to",
               "rename", "chmod"}
READ_MODES = set("rbt")


def modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def package_of(path: Path) -> list[str]:
    """The package of one of the repository's modules: ["generator", "build"]."""
    return list(path.relative_to(REPO).with_suffix("").parts[:-1])


def shown(path: Path) -> Path:
    return path.relative_to(REPO) if path.is_relative_to(REPO) else path


def imports(path: Path, package: list[str]) -> list[tuple[int, str]]:
    """(line, module) of every import of `path`, a module of `package`; relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1]) if node.level else ""
            if node.module:
                found.append((node.lineno, ".".join(filter(None, [base, node.module]))))
            else:  # from . import x: x may be a module
                found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def imports_mkdocs(path: Path, package: list[str]) -> list[str]:
    """The imports of `path` that bring MkDocs in: MkDocs itself, Material, or our glue."""
    return [f"{shown(path)}:{line}: imports {module}" for line, module in imports(path, package)
            if module.split(".")[0] in ("mkdocs", "material") or module.startswith("generator.mkdocs")]


def _read_only(mode) -> bool:
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) <= READ_MODES


def writes_or_starts(path: Path, package: list[str]) -> list[str]:
    """The imports and calls of `path` that write a file or start a process."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = shown(path)
    found = [f"{where}:{line}: imports {module}" for line, module in imports(path, package)
             if module.split(".")[0] in PROCESS_MODULES]
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id == "open":
            mode = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "mode"), ast.Constant("r"))
            if not _read_only(mode):
                found.append(f"{where}:{node.lineno}: open() to write (or in a mode not known to read only)")
        elif isinstance(function, ast.Attribute):
            owner = function.value
            if isinstance(owner, ast.Name) and owner.id == "os" and function.attr in OS_CALLS:
                found.append(f"{where}:{node.lineno}: os.{function.attr}()")
            elif function.attr in PATH_WRITES:
                found.append(f"{where}:{node.lineno}: .{function.attr}()")
            elif function.attr == "open" and node.args and not _read_only(node.args[0]):
                found.append(f"{where}:{node.lineno}: .open() to write (or in a mode not known to read only)")
    return found


def test_the_build_never_imports_mkdocs():
    """generator/build/ is plain Python: the day the engine changes, it is not what is ported."""
    assert modules(GENERATOR / "build")
    offences = [offence for path in modules(GENERATOR / "build")
                for offence in imports_mkdocs(path, package_of(path))]
    assert not offences, "\n".join(offences)


def test_render_never_writes_a_file_or_starts_a_process():
    """generator/render/ produces strings and bytes; generator/build/ writes them."""
    offences = [offence for path in modules(GENERATOR / "render")
                for offence in writes_or_starts(path, package_of(path))]
    assert not offences, "\n".join(offences)


def test_every_room_states_its_rule():
    for room in ("read", "compute", "render", "build", "mkdocs", "scaffold"):
        docstring = ast.get_docstring(ast.parse((GENERATOR / room / "__init__.py").read_text(encoding="utf-8")))
        assert docstring and "Rule:" in docstring, f"generator/{room}/__init__.py states no rule"


def test_the_checks_above_see_what_they_forbid(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from mkdocs.structure.pages import Page\nfrom ..mkdocs import wrap\nfrom . import files\n"
                      "import os, json\nimport subprocess\nopen('x', 'w')\nopen('y')\nos.makedirs('z')\n"
                      "from pathlib import Path\nPath('a').write_bytes(b'')\nPath('b').open('ab')\n"
                      "Path('c').open()\n'a'.replace('b', 'c')\n", encoding="utf-8")
    assert [o.split(": ", 1)[1] for o in imports_mkdocs(sample, ["generator", "build"])] == [
        "imports mkdocs.structure.pages", "imports generator.mkdocs"]
    assert [o.split(": ", 1)[1] for o in writes_or_starts(sample, ["generator", "render"])] == [
        "imports subprocess", "open() to write (or in a mode not known to read only)", "os.makedirs()",
        ".write_bytes()", ".open() to write (or in a mode not known to read only)"]
