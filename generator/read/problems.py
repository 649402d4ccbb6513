"""Problems found in the input, each located at a file and line."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escaped(text: str) -> str:
    """`text` on one line, its control characters written as escapes ('\\n', '\\x07'), and never
    starting with '::': a line a GitHub Actions runner reads as a command ('::error ...') must not
    be printed from a file name, a title or a configured name. A terminal shows the escapes
    instead of obeying them (a carriage return would overwrite the line, a bell ring)."""
    text = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), text)
    return f"./{text}" if text.lstrip().startswith("::") else text


@dataclass(frozen=True, order=True)
class Problem:
    path: Path
    line: int
    message: str
    severity: str = "error"  # "error" stops the build; "warning" and "info" do not

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self, root: Path | None = None) -> str:
        path = self.path
        if root is not None:
            # The folder resolved, not the file: a symbolic link is named, not the file it leads to.
            real = self.path.parent.resolve() / self.path.name
            try:
                path = real.relative_to(root.resolve())
            except ValueError:
                pass
        prefix = "" if self.is_error else f"{self.severity}: "
        # A newline in a file name or in quoted text must not split the one line a problem takes:
        # editors and CI parse it, and a line of its own starting '::' is a workflow command.
        return escaped(f"{path}:{self.line}: {prefix}{self.message}")


class Problems(list):
    """All problems of one run, so that staff fix everything at once."""

    def add(self, path: Path, line: int, message: str, severity: str = "error") -> None:
        self.append(Problem(Path(path), int(line), message, severity))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.is_error]

    def sorted(self) -> list[Problem]:
        return sorted(self, key=lambda p: (str(p.path), p.line, p.message))


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'x'?)' when a close choice exists, else ''."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def one_of(choices) -> str:
    return ", ".join(f"'{c}'" for c in choices)
