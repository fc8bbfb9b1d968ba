"""The hub's open connections in this process, and delivering committed events to them.

Each connection has a bounded queue of encoded messages, drained by its own writer task while there is something
to send. Delivery only appends to
queues, so one client that stops reading never delays another: when its queue is full, or a write to it has not
been taken within the write deadline, it is disconnected with the Close message and 1013 (it resyncs from its
last event id when it comes back). Batches from the bus are delivered in order by one task.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schoolchat.db import Database
from schoolchat.db.types import utcnow
from schoolchat.i18n.catalog import text
from schoolchat.i18n.context import reading_in
from schoolchat.i18n.languages import DEFAULT_LANGUAGE, Language
from schoolchat.realtime import audience
from schoolchat.realtime.access import revoked_tokens
from schoolchat.realtime.events import Event, EventType, in_reader_language
from schoolchat.realtime.membership import Membership
from schoolchat.realtime.schemas import event_json
from schoolchat.realtime.signalr import protocol
from schoolchat.realtime.transport import FrameSocket

log = logging.getLogger(__name__)

COALESCE_CHARS = 64 * 1024
CLIENT_METHOD = "event"  # the client-side handler every event is pushed to: connection.on("event", ...)


@dataclass(frozen=True, slots=True)
class CloseReason:
    """Why the server ends a connection: the Close message's text, whether to reconnect, the WebSocket code.

    The text is a sentence of the catalog, written when the Close message is sent: in the connection's language
    (the hub's serving task reads in it)."""

    sentence: Callable[[], str] | None
    allow_reconnect: bool
    code: int = 1000

    @property
    def error(self) -> str | None:
        return self.sentence() if self.sentence else None


CLIENT_CLOSED = CloseReason(None, allow_reconnect=False)
SLOW_CONSUMER = CloseReason(lambda: text("realtime.slow_consumer"), True, 1013)
SESSION_ENDED = CloseReason(lambda: text("auth.session_ended"), False, 1008)
SERVER_SHUTDOWN = CloseReason(lambda: text("realtime.server_restarting"), True, 1001)
CLIENT_TIMEOUT = CloseReason(lambda: text("realtime.client_timeout"), True, 1001)


@dataclass(eq=False, slots=True)
class Connection:
    """One hub connection: its queue of encoded messages, written into the socket at once while it takes them,
    and the writer task that drains the queue while it does not (a client reading slowly).

    The writer exists only while a write waits, and the queue only once something was queued: an idle
    connection (most of them, most of the time) holds no task, timer, lock, future or deque of its own.
    """

    id: str
    user_id: int
    token_id: int | None
    limit: int
    ended: Callable[[Connection], None]  # called once, when it stops: the hub closes the socket
    language: Language = (
        DEFAULT_LANGUAGE  # the person's, when it opened: what its events' sentences are written in
    )
    socket: FrameSocket | None = None  # set once the hub has taken the socket over
    pending: deque[str] | None = None
    reason: CloseReason | None = None
    last_sent: float = field(default_factory=time.monotonic)
    last_received: float = field(default_factory=time.monotonic)
    writing_since: float | None = (
        None  # when the write under way began; the sweep enforces the deadline on it
    )
    expires_at: datetime | None = None  # when the credential it opened with runs out
    reader: asyncio.Task[Any] | None = None  # the task answering its calls, while there are some
    writer: asyncio.Task[None] | None = None

    def push(self, frame: str) -> bool:
        """Queue one encoded message and write it (``flush``); False when the queue is full (the caller
        disconnects the client)."""
        if not self.enqueue(frame):
            return False
        self.flush()
        return True

    def enqueue(self, frame: str) -> bool:
        """Queue one encoded message to be written by the next ``flush``, with whatever else is queued by then;
        False when the queue is full."""
        if self.reason is not None:
            return True
        if self.pending is None:
            self.pending = deque()
        elif len(self.pending) >= self.limit:
            return False
        self.pending.append(frame)
        return True

    def flush(self) -> None:
        """Write what is queued: at once while the socket takes it and no write is under way (a message to a
        class online costs no task per member), else through the writer, which waits for a slow reader."""
        if self.writer is not None or not self.pending or self.reason is not None:
            return
        socket = self.socket
        if socket is not None:
            while self.pending and socket.writable:
                socket.send_text(self._take())
                self.last_sent = time.monotonic()
            if not self.pending:
                self.pending = None
                return
        self.writer = asyncio.create_task(self._write())

    def keep_alive(self) -> None:
        """A Ping, written at once when nothing is being written (no task for it), else queued behind it."""
        self.push(protocol.PING)

    def stop(self, reason: CloseReason) -> None:
        """End the connection for ``reason`` (the first reason given wins)."""
        if self.reason is None:
            self.reason = reason
            if self.writer is not None and self.writer is not asyncio.current_task():
                self.writer.cancel()
            if self.reader is not None and self.reader is not asyncio.current_task():
                self.reader.cancel()
            self.ended(self)

    async def _write(self) -> None:
        """Send what is queued, several messages per frame (the protocol allows it) up to ``COALESCE_CHARS``, so
        no frame grows past what clients accept (1 MiB in some); end when the queue is empty."""
        try:
            while self.pending and self.socket is not None:
                self.writing_since = time.monotonic()
                await self.socket.drained()
                self.socket.send_text(self._take())
                self.last_sent = time.monotonic()
                self.writing_since = None
            self.pending = None
        finally:
            self.writer = None

    def _take(self) -> str:
        """The next frame's text: queued messages joined up to ``COALESCE_CHARS`` (at least one)."""
        assert self.pending
        parts = [self.pending.popleft()]
        size = len(parts[0])
        while self.pending and size < COALESCE_CHARS:
            parts.append(self.pending.popleft())
            size += len(parts[-1])
        return "".join(parts)


class Registry:
    """Connections by user; delivers bus batches in order, and keeps connections alive or times them out.

    Keep-alive, client timeouts and the write deadline are one sweep over all connections, rather than a timer
    per connection and per message: a timer per message cost more than the send itself at thousands of members.
    The sweep runs every quarter of the keep-alive interval (or half the client timeout or write deadline, when
    shorter) and pings the sockets that would otherwise go quiet for longer than the interval before the next
    round: a quiet socket gets a Ping every three quarters of the interval to the whole interval (11.25-15 s at
    the default 15 s; the clients' own timeout is twice the interval), where pinging everything quiet for half
    the interval, every half interval, sent one every 7.5 s. A write past its deadline is noticed up to one
    round late.
    """

    def __init__(
        self,
        db: Database,
        membership: Membership,
        *,
        keepalive_seconds: float,
        client_timeout_seconds: float,
        write_timeout_seconds: float,
    ) -> None:
        self._db = db
        self._membership = membership
        self._keepalive = keepalive_seconds
        self._client_timeout = client_timeout_seconds
        self._write_timeout = write_timeout_seconds
        self._by_user: dict[int, set[Connection]] = {}
        self._inbox: asyncio.Queue[Sequence[Event]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    def __len__(self) -> int:
        return sum(len(conns) for conns in self._by_user.values())

    def add(self, conn: Connection) -> None:
        self._by_user.setdefault(conn.user_id, set()).add(conn)

    def remove(self, conn: Connection) -> None:
        conns = self._by_user.get(conn.user_id)
        if conns is not None:
            conns.discard(conn)
            if not conns:
                del self._by_user[conn.user_id]

    async def on_events(self, events: Sequence[Event]) -> None:
        """The bus subscriber: hand the batch to the delivery task and return at once."""
        self._inbox.put_nowait(events)

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._run(), name="realtime-delivery"),
            asyncio.create_task(self._sweep(), name="realtime-keepalive"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for conn in self._all():
            conn.stop(SERVER_SHUTDOWN)

    def _all(self) -> list[Connection]:
        return [conn for conns in self._by_user.values() for conn in conns]

    def _rounds(self) -> tuple[float, float]:
        """Seconds between sweeps, and how long a socket may have been quiet before a sweep pings it."""
        every = min(self._keepalive / 4, self._client_timeout / 2, self._write_timeout / 2)
        return every, max(0.0, self._keepalive - every)

    async def _sweep(self) -> None:
        """Ping quiet connections; drop clients silent too long, clients that have not taken a write within the
        deadline, and sockets whose credential has expired or was revoked. Revocations normally arrive at once as
        ``session.ended`` on the bus; the sweep also catches those made where no bus reaches (the command line, a
        roster import, Redis down), at the cost of one indexed query per 500 open credentials, every half
        keep-alive interval at most."""
        every, quiet = self._rounds()
        checked = 0.0
        while True:
            await asyncio.sleep(every)
            revoked: set[int] = set()
            if time.monotonic() - checked >= self._keepalive / 2 - every / 2:
                checked = time.monotonic()
                try:
                    revoked = await revoked_tokens(
                        self._db, {c.token_id for c in self._all() if c.token_id is not None}
                    )
                except Exception:  # the database is away for a moment: keep pinging, check again next round
                    log.warning("could not check the open sockets' credentials", exc_info=True)
            now, wall = time.monotonic(), utcnow()
            for conn in self._all():
                if conn.token_id in revoked or (conn.expires_at is not None and conn.expires_at <= wall):
                    conn.stop(SESSION_ENDED)
                elif conn.writing_since is not None and now - conn.writing_since > self._write_timeout:
                    conn.stop(SLOW_CONSUMER)
                elif now - conn.last_received > self._client_timeout:
                    conn.stop(CLIENT_TIMEOUT)
                elif now - conn.last_sent >= quiet and not conn.pending:
                    conn.keep_alive()

    async def _run(self) -> None:
        while True:
            batch = list(await self._inbox.get())
            while not self._inbox.empty():  # commits that piled up meanwhile: one membership query for all
                batch.extend(self._inbox.get_nowait())
            try:
                await self.deliver(batch)
            except Exception:
                log.exception("delivering %d events failed", len(batch))

    async def deliver(self, events: Sequence[Event]) -> None:
        if not self._by_user or not events:
            return
        async with self._db.read() as conn:
            allowed = await audience.recipients(conn, self._membership, events)
        touched: set[Connection] = set()
        for event in events:
            if event.type is EventType.SESSION_ENDED:
                self._end_session(event)
            targets = [c for user_id in allowed[event.id] for c in self._by_user.get(user_id, ())]
            if not targets:
                continue
            touched.update(targets)
            # Encoded once, or once per language among the targets when it carries a sentence.
            frames: dict[Language | None, str] = {}
            per_language = in_reader_language(event.payload)
            for target in targets:
                language = target.language if per_language else None
                if language not in frames:
                    with reading_in(target.language):
                        frames[language] = protocol.invocation(CLIENT_METHOD, event_json(event))
                if not target.enqueue(frames[language]):
                    target.stop(SLOW_CONSUMER)
        for target in touched:  # each socket's share of the batch, written together
            target.flush()

    def _end_session(self, event: Event) -> None:
        token_id = event.payload.get("token_id")
        for conn in list(self._by_user.get(event.user_id or 0, ())):
            if conn.token_id == token_id:
                conn.stop(SESSION_ENDED)
