"""Running state event handlers as Reflex runs them, on a real state tree, without a browser."""

import asyncio
import concurrent.futures
import inspect

from reflex.istate.data import RouterData
from reflex.state import State


def substate(cls, cookie: str = "", path: str = "/home"):
    """A fresh state tree whose request carries `cookie`, and its `cls` substate."""
    root = State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data(
        {
            "headers": {"cookie": cookie, "origin": "http://localhost:3000"},
            "pathname": path,
            "asPath": path,
            "query": {},
        }
    )
    return root.get_substate(cls.get_full_name().split(".")[1:])


def run(state, name, *args) -> list:
    """Run a handler (plain, coroutine or async generator); everything it returned or yielded, flattened."""

    async def drive():
        result = getattr(type(state), name).fn(state, *args)
        if inspect.isasyncgen(result):
            items = [item async for item in result]
        elif inspect.isawaitable(result):
            items = [await result]
        else:
            items = [result]
        flat = []
        for item in items:
            flat.extend(item if isinstance(item, list) else [item])
        return [item for item in flat if item is not None]

    # In a thread of its own: the browser tests' Playwright keeps an event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, drive()).result()


def loaded_vars(state) -> dict:
    """The state's public vars, to compare before and after a handler."""
    return {name: getattr(state, name) for name in state.base_vars}


def is_login_redirect(event) -> bool:
    """Whether an event sends the browser to the login page."""
    return event.handler.fn.__qualname__ == "_redirect" and str(event.args[0][1]).strip('"').startswith("/")
