"""Problems found in inputs or in the published package, phrased for the person who must fix them."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # file the problem is in, relative to the repository root
    line: int | None  # 1-based line (or CSV row number) where known
    field: str | None  # column or key concerned
    message: str  # what is wrong — how to fix it
    severity: str = "error"  # "error" fails the command; "warning" is reported and repaired

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        label = "" if self.severity == "error" else f" {self.severity}:"
        return f"{where}:{label}{field} {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


class InputError(Exception):
    """Raised by a stage when an input cannot be turned into rows; carries the problems found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
