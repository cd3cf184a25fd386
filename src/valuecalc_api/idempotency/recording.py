"""Holding a response until its transaction commits, and replaying it later."""

from __future__ import annotations

from starlette.types import Message, Send

from valuecalc_api.idempotency.repository import StoredResponse

# The headers a replay repeats; the rest (dates, rate limits) belong to the new answer.
REPLAYED_HEADERS = frozenset({b"content-type", b"location", b"etag"})


class HeldResponse:
    """A `send` that holds every message back and records status, headers and body bytes;
    `forward` sends them on once the request's transaction has committed, so a client
    never sees a success that was not kept."""

    def __init__(self) -> None:
        self._messages: list[Message] = []
        self.status: int | None = None
        self.complete = False
        self._headers: list[tuple[str, str]] = []
        self._chunks: list[bytes] = []
        self._no_store = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            headers: list[tuple[bytes, bytes]] = message.get("headers", [])
            self._no_store = any(
                name.lower() == b"cache-control" and _says_no_store(value)
                for name, value in headers
            )
            self._headers = [
                (name.decode("latin-1"), value.decode("latin-1"))
                for name, value in headers
                if name.lower() in REPLAYED_HEADERS
            ]
        elif message["type"] == "http.response.body":
            self._chunks.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                self.complete = True
        self._messages.append(message)

    async def forward(self, send: Send) -> None:
        for message in self._messages:
            await send(message)

    def response(self) -> StoredResponse:
        """What to store. A `Cache-Control: no-store` response (one that shows a secret,
        such as a new API key) is stored without its body and only its `Location`."""
        assert self.status is not None
        assert self.complete
        if self._no_store:
            location = [(name, value) for name, value in self._headers if name == "location"]
            return StoredResponse(status=self.status, headers=location, body=None)
        return StoredResponse(
            status=self.status, headers=list(self._headers), body=b"".join(self._chunks)
        )


def _says_no_store(cache_control: bytes) -> bool:
    directives = (part.strip().split(b"=")[0].lower() for part in cache_control.split(b","))
    return b"no-store" in directives


async def replay(send: Send, stored: StoredResponse) -> None:
    """Answer with a stored response, byte for byte, marked `Idempotent-Replayed: true`."""
    assert stored.body is not None
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in stored.headers]
    headers.append((b"content-length", str(len(stored.body)).encode()))
    headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": stored.status, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body, "more_body": False})
