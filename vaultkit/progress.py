"""A progress bar on stderr for long runs (parsing notes, fetching images); silent when off."""

from __future__ import annotations

from types import TracebackType


class ProgressBar:
    """`with ProgressBar(total, enabled) as bar: … bar.advance()`; rich is imported only when on."""

    def __init__(self, total: int, enabled: bool, label: str = "checking images") -> None:
        self.total = total
        self.label = label
        self.enabled = enabled and total > 0
        self._progress = None
        self._task = None

    def __enter__(self) -> ProgressBar:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn(self.label),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=self.total)
        return self

    def advance(self, *_args: object, count: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, count)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
