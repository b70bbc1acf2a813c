"""The national bureau as the platform sees it: an abstract receiver and its HTTPS implementation."""

import json
from urllib.parse import quote
from abc import ABC, abstractmethod
from dataclasses import dataclass

import requests

from hubei_data import signing


class BureauUnavailable(Exception):
    """The bureau did not answer usefully this time (5xx, 429, timeout, dropped): try again later."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


class BureauRefused(Exception):
    """The bureau refused the request itself (4xx other than 429): sending it again will not help."""


@dataclass(frozen=True)
class Receipt:
    """The bureau's answer to a batch: how many it received and which records it rejected, and why."""

    batch_id: str
    received: int
    accepted: int
    rejected: dict[str, str]
    duplicate: bool

    @classmethod
    def from_json(cls, answer: dict) -> "Receipt":
        return cls(
            batch_id=answer["batch_id"],
            received=answer["received"],
            accepted=answer["accepted"],
            rejected={r["key"]: r["reason"] for r in answer["rejected"]},
            duplicate=answer.get("duplicate", False),
        )


@dataclass(frozen=True)
class Record:
    """One record as sent: its key, the digest of its content and the content as JSON text."""

    key: str
    digest: str
    data: str


class Bureau(ABC):
    @abstractmethod
    def send_batch(self, feed: str, batch_id: str, records: list[Record]) -> Receipt: ...

    @abstractmethod
    def held(self, feed: str) -> dict[str, str]:
        """Every record the bureau holds for the feed: key → digest."""


class HttpBureau(Bureau):
    """The bureau's HTTP interface (docs/bureau-interface.md), every request signed."""

    def __init__(self, url: str, app_key: str, secret: str, timeout_seconds: float = 10.0):
        self.url, self.app_key, self.secret, self.timeout = url.rstrip("/"), app_key, secret, timeout_seconds
        self.session = requests.Session()

    def _request(self, method: str, path: str, body: bytes = b"") -> dict:
        headers = signing.sign(self.app_key, self.secret, method, path, body)
        headers["Content-Type"] = "application/json"
        try:
            answer = self.session.request(method, self.url + path, data=body, headers=headers, timeout=(5, self.timeout))
        except requests.RequestException as error:
            raise BureauUnavailable(f"{type(error).__name__}: {error}") from None
        if answer.status_code == 429 or answer.status_code >= 500:
            retry_after = answer.headers.get("Retry-After")
            raise BureauUnavailable(
                f"HTTP {answer.status_code}: {answer.text[:200]}",
                float(retry_after) if retry_after and retry_after.isdigit() else None,
            )
        if answer.status_code >= 400:
            raise BureauRefused(f"HTTP {answer.status_code}: {answer.text[:500]}")
        return answer.json()

    def send_batch(self, feed: str, batch_id: str, records: list[Record]) -> Receipt:
        items = ",".join(
            f'{{"key":{json.dumps(r.key, ensure_ascii=False)},"hash":"{r.digest}","data":{r.data}}}' for r in records
        )
        body = f'{{"batch_id":{json.dumps(batch_id)},"records":[{items}]}}'.encode()
        return Receipt.from_json(self._request("POST", f"/bureau/v1/feeds/{feed}/batches", body))

    def held(self, feed: str) -> dict[str, str]:
        found, after = {}, ""
        while True:
            page = self._request("GET", f"/bureau/v1/feeds/{feed}/records?after={quote(after)}&limit=10000")
            if not page["records"]:
                return found
            found.update((r["key"], r["hash"]) for r in page["records"])
            after = page["records"][-1]["key"]
