"""A tab whose worker stops keeps its state on the worker it reconnects to.

Reflex records in Redis which worker holds each tab's websocket. A connection that brings a
token already on record is taken for a duplicated browser tab and handed a new token, i.e. an
empty state (reflex-dev/reflex#6345). A worker that stops, by a restart or a crash, leaves its
records behind (a restart clears them only once its last socket has closed), so every tab that
reconnects to another worker would lose what was typed and the CAPTCHA it was shown.

Each worker therefore keeps a heartbeat key in Redis. A record of a worker whose heartbeat has
stopped is a leftover and is cleared; a record of a live worker is waited on briefly, since a
restarting worker releases its tabs' records as its sockets close. Only what is still held
after that is a duplicated tab, which gets a fresh state as before (a few seconds later).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
import time

from reflex.utils.tasks import ensure_task
from reflex.utils.token_manager import RedisTokenManager

logger = logging.getLogger(__name__)

BEAT = 0.5  # seconds between heartbeats
SILENCE = 1.5  # a worker unheard for this long has stopped (3 missed beats)
RELEASE_WAIT = 3.0  # how long a record held by a live worker is waited on

# Delete the record only if it is still the one that was judged stale (another worker may have
# taken the token over meanwhile).
_DELETE_IF_SAME = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class FailoverTokenManager(RedisTokenManager):
    """Reflex's Redis token manager that tells a stopped worker's records from a duplicated tab."""

    _heartbeat_task: asyncio.Task | None = None

    @staticmethod
    def _alive_key(instance_id: str) -> str:
        return f"mypage_worker_alive_{instance_id}"

    async def _beat(self) -> None:
        await self.redis.set(self._alive_key(self.instance_id), b"1", px=int(SILENCE * 1000))

    async def _heartbeat(self) -> None:
        while True:
            await self._beat()
            await asyncio.sleep(BEAT)

    async def link_token_to_sid(self, token: str, sid: str) -> str | None:
        """Reflex's link, after clearing a record that a stopped worker left for this token."""
        record = self.token_to_socket.get(token)
        if record is None or record.sid != sid:
            try:
                if self._heartbeat_task is None:
                    await self._beat()  # before this worker's first record, so no one takes it for dead
                ensure_task(self, "_heartbeat_task", self._heartbeat, suppress_exceptions=[Exception])
                await self._release_stale(token)
            except Exception as error:  # Redis trouble: Reflex's own handling decides, as without us
                logger.error("socket record check failed: %s", error)
        return await super().link_token_to_sid(token, sid)

    async def _release_stale(self, token: str) -> None:
        """Clear the token's record if its worker stopped or let it go; wait briefly for a live one."""
        key = self._get_redis_key(token)
        deadline = time.monotonic() + RELEASE_WAIT
        while True:
            raw = await self.redis.get(key)
            if not raw:
                return
            owner = pickle.loads(raw)
            if owner.instance_id == self.instance_id:
                held = self.sid_to_token.get(owner.sid) == token
            else:
                held = bool(await self.redis.exists(self._alive_key(owner.instance_id)))
            if not held:
                await self.redis.eval(_DELETE_IF_SAME, 1, key, raw)
                logger.info("took over a tab whose worker had stopped")
                return
            if time.monotonic() >= deadline:
                return
            await asyncio.sleep(0.1)

    async def close(self) -> None:
        """Stop the heartbeat and say so at once: the other workers need not wait for it to fall silent."""
        if self._heartbeat_task is not None:
            self._heartbeat_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat_task
            self._heartbeat_task = None
        with contextlib.suppress(Exception):
            await self.redis.delete(self._alive_key(self.instance_id))
        await super().close()


@contextlib.asynccontextmanager
async def failover_tokens(app):
    """A lifespan task: before the worker accepts sockets, give it the failover token manager."""
    namespace = app.event_namespace
    if namespace is not None and type(namespace._token_manager) is RedisTokenManager:
        namespace._token_manager = FailoverTokenManager(namespace._token_manager.redis)
    yield
