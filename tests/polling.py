"""Waiting in tests: poll with a deadline instead of sleeping a fixed time."""

import time


def wait_for(condition, seconds: float = 5.0, what: str = "the condition", interval: float = 0.02):
    """Poll until the condition holds (and return what it returned), or fail after `seconds` naming `what`."""
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {seconds} s for {what}")
        time.sleep(interval)
    return found
