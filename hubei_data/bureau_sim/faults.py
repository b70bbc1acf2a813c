"""Faults the simulator injects on demand, to drill the platform's retries and resumption."""

import random
import threading
from dataclasses import asdict, dataclass, fields, replace


@dataclass(frozen=True)
class Faults:
    """Rates are per batch request, 0 to 1.

    error_rate: 503 before anything is stored. rate_limit_rate: 429 with Retry-After.
    latency_ms: added to every request. timeout_rate: the batch is stored, then the answer
    comes after `timeout_seconds` (later than a client waits). drop_rate: the batch is
    stored, then the connection is closed with no answer at all.
    """

    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    latency_ms: int = 0
    timeout_rate: float = 0.0
    timeout_seconds: float = 30.0
    drop_rate: float = 0.0

    def __post_init__(self) -> None:
        for name in ("error_rate", "rate_limit_rate", "timeout_rate", "drop_rate"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must lie between 0 and 1")
        if self.latency_ms < 0 or self.timeout_seconds < 0:
            raise ValueError("latency_ms and timeout_seconds must not be negative")

    def updated(self, changes: dict) -> "Faults":
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown faults: {', '.join(unknown)}")
        return replace(self, **changes)

    def as_dict(self) -> dict:
        return asdict(self)


class Dice:
    """A seeded source of fault decisions, shared by the server's threads."""

    def __init__(self, seed: int | None):
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def roll(self, rate: float) -> bool:
        with self._lock:
            return rate > 0 and self._random.random() < rate
