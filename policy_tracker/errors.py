"""The one error hierarchy: library code raises these, the CLI shows them once."""

from __future__ import annotations


class PolicyTrackerError(Exception):
    """Base of every error the tool reports to a user."""

    exit_code = 2

    def __init__(self, message: str, where: str = "", line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.line = line
        self.col = col

    def location(self) -> str:
        """`file:line:col` (or as much of it as is known)."""
        if not self.where:
            return ""
        if self.line:
            return f"{self.where}:{self.line}:{self.col or 1}"
        return self.where

    def __str__(self) -> str:
        loc = self.location()
        return f"{loc}: {self.message}" if loc else self.message


class InputError(PolicyTrackerError):
    """Bad input or usage: exit status 2."""


class UsageError(InputError, TypeError, ValueError):
    """A function of the Python API was called with a wrong argument (its message names the
    function and the argument). Also a TypeError and a ValueError, so code that catches those
    keeps working."""


class LoadError(InputError):
    """A file or blob is not acceptable YAML for this tool."""


class ValidationError(InputError):
    """A snapshot or policy breaks the schema or a semantic rule."""

    def __init__(self, problems: tuple[LoadError, ...]) -> None:
        first = problems[0]
        super().__init__(first.message, first.where, first.line, first.col)
        self.problems = problems


class NotFoundError(InputError):
    """A named policy, track, snapshot, path or date does not exist."""


class EnvironmentFailure(PolicyTrackerError):
    """The machine or repository cannot do what was asked: exit status 3."""

    exit_code = 3


class GitError(EnvironmentFailure):
    """Git history cannot be read as asked."""


class BadRefError(InputError):
    """A git ref is refused before it reaches git."""


class OutputError(EnvironmentFailure):
    """An output file cannot be written."""


class OutputClosed(EnvironmentFailure):
    """The reader of standard output went away (`| head`): stop quietly."""

    exit_code = 141


class DiffBudgetError(EnvironmentFailure):
    """The comparison engine reached a limit; a partial result is never returned."""
