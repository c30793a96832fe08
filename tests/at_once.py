"""Work started from several threads at the same instant, for the races the tests try."""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_at_once(work: list[Callable[[], object]]) -> list[BaseException]:
    """Run each callable in its own thread, all released together by a barrier; what they
    raised (the caller asserts it is empty)."""
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(one: Callable[[], object]) -> None:
        try:
            barrier.wait()
            one()
        except BaseException as exc:  # collected for the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors
