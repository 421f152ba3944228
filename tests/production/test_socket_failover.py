"""Two workers' token managers on one real Redis: a stopped worker's tabs keep their tokens.

A duplicated tab still gets a new token (and so a fresh state); a tab reconnecting after its
worker crashed or let its sockets go keeps its own.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from redis.asyncio import Redis

from mypage.state import sockets
from mypage.state.sockets import FailoverTokenManager
from tests.redisserver import redis_server


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        yield url


def run_workers(redis_url: str, scenario) -> object:
    """Run `scenario(a, b)` with two workers' managers on the same Redis."""

    async def main():
        a, b = FailoverTokenManager(Redis.from_url(redis_url)), FailoverTokenManager(Redis.from_url(redis_url))
        try:
            return await scenario(a, b)
        finally:
            for manager in (a, b):
                await manager.close()

    # Its own thread: the session's Playwright keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, main()).result()


def test_a_duplicated_tab_gets_a_new_token_after_the_wait(redis_url):
    async def scenario(a, b):
        assert await a.link_token_to_sid("tab-1", "sid-a") is None
        started = time.monotonic()
        new = await b.link_token_to_sid("tab-1", "sid-b")
        return new, time.monotonic() - started

    new, waited = run_workers(redis_url, scenario)
    assert new not in (None, "tab-1")
    assert waited >= sockets.RELEASE_WAIT


def test_a_tab_whose_worker_crashed_keeps_its_token(redis_url):
    async def scenario(a, b):
        assert await a.link_token_to_sid("tab-2", "sid-a") is None
        # A crash: the heartbeat stops, the socket record stays behind in Redis.
        a._heartbeat_task.cancel()
        started = time.monotonic()
        kept = await b.link_token_to_sid("tab-2", "sid-b")
        return kept, time.monotonic() - started, await b._get_token_owner("tab-2", refresh=True), b.instance_id

    kept, waited, owner, b_id = run_workers(redis_url, scenario)
    assert kept is None
    assert owner == b_id
    assert waited < sockets.SILENCE + 1


def test_a_tab_whose_worker_lets_its_socket_go_while_restarting_keeps_its_token(redis_url):
    async def scenario(a, b):
        assert await a.link_token_to_sid("tab-3", "sid-a") is None

        async def restart_later():
            await asyncio.sleep(0.5)  # the old worker is alive and closing its sockets
            await a.disconnect_token("tab-3", "sid-a")

        release = asyncio.create_task(restart_later())
        kept = await b.link_token_to_sid("tab-3", "sid-b")
        await release
        return kept

    assert run_workers(redis_url, scenario) is None


def test_a_worker_that_stops_cleanly_takes_its_heartbeat_with_it(redis_url):
    async def scenario(a, b):
        assert await a.link_token_to_sid("tab-4", "sid-a") is None
        alive = await b.redis.exists(a._alive_key(a.instance_id))
        heart = a._alive_key(a.instance_id)
        await a.close()
        a.redis = Redis.from_url(redis_url)  # for the fixture's close
        return alive, await b.redis.exists(heart)

    assert run_workers(redis_url, scenario) == (1, 0)
