"""Where the product team's pages are: `python -m mypage.operator.devpages [--wait]`, used by `make run`.

Prints the addresses of メール確認 and 画面ギャラリー when MYPAGE_ENV is development, and
nothing otherwise. With --wait it first waits (in the background of `make run`) until the
portal answers, so that the lines come after the build's output instead of before it.
"""

from __future__ import annotations

import argparse
import time
import urllib.request

from mypage import outbox, routes
from mypage.settings import Settings, get_settings


def lines(settings: Settings | None = None) -> list[str]:
    """The lines to print: the two addresses, or none outside development."""
    settings = settings or get_settings()
    if not outbox.dev_tools_enabled(settings):
        return []
    base = settings.base_url.rstrip("/")
    return [
        f"メール確認（ポータルが送信したメール）: {base}{routes.DEV_MAIL}",
        f"画面ギャラリー（全画面・全状態）:       {base}{routes.DEV_GALLERY}",
        "デモを初期状態に戻す:                   .venv/bin/mypage demo --reset",
    ]


def wait_until_up(url: str, timeout: float = 1800) -> bool:
    """Whether the URL answered within the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return True
        except OSError:
            time.sleep(2)
    return False


def main(argv: list[str] | None = None) -> None:
    """Print the addresses, after the portal answers with --wait."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wait", action="store_true", help="wait until the portal answers first")
    args = parser.parse_args(argv)
    found = lines()
    if not found:
        return
    if args.wait and not wait_until_up(f"http://localhost:{get_settings().port}/ping"):
        return
    print("\n" + "\n".join(found) + "\n", flush=True)


if __name__ == "__main__":
    main()
