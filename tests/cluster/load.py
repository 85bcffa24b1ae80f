"""A bounded load loop for the failover scenarios: a few threads GET pages through nginx while something
happens to the cluster, keeping every answer that was not a success."""

import itertools
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Load:
    visitors: list  # one requests session per thread (through nginx)
    paths: list
    seconds: float  # at least this long, and until what happens meanwhile is over
    done: int = 0
    failures: list = field(default_factory=list)  # (seconds since start, path, status or error)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, while_loaded):
        """Load the site from one thread per visitor while ``while_loaded(load)`` runs in this thread, and at
        least ``seconds`` in all."""
        self.started, self.stop = time.monotonic(), threading.Event()
        threads = [threading.Thread(target=self._loop, args=(visitor, offset))
                   for offset, visitor in enumerate(self.visitors)]
        for thread in threads:
            thread.start()
        try:
            while_loaded(self)
            time.sleep(max(0.0, self.seconds - self.elapsed()))
        finally:
            self.stop.set()
            for thread in threads:
                thread.join()
        return self

    def elapsed(self):
        return time.monotonic() - self.started

    def _loop(self, visitor, offset):
        paths = itertools.islice(itertools.cycle(self.paths), offset, None)
        while not self.stop.is_set():
            path = next(paths)
            try:
                status = visitor.get(path).status_code
                failure = None if status == 200 else status
            except Exception as error:  # noqa: BLE001 - a failed request is what we count
                failure = f"{type(error).__name__}: {error}"
            with self._lock:
                self.done += 1
                if failure is not None:
                    self.failures.append((round(self.elapsed(), 2), path, failure))
