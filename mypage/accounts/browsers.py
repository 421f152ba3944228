"""A browser named from its User-Agent in plain words, for セキュリティ設定 and the new-device mail.

ua-parser (uap-core's rules) reads the User-Agent: "Chrome（Windows）", "Mobile Safari（iOS）".
"""

from __future__ import annotations

import functools

import ua_parser

UNKNOWN_BROWSER = "不明なブラウザ"


@functools.lru_cache(maxsize=512)
def browser_label(user_agent: str) -> str:
    """A User-Agent in plain words: "Chrome（Windows）", "Mobile Safari（iOS）", or 不明なブラウザ."""
    if not user_agent:
        return UNKNOWN_BROWSER
    parsed = ua_parser.parse(user_agent[:300])
    browser = parsed.user_agent.family if parsed.user_agent and parsed.user_agent.family != "Other" else ""
    system = parsed.os.family if parsed.os and parsed.os.family != "Other" else ""
    if not browser:
        return f"{UNKNOWN_BROWSER}（{system}）" if system else UNKNOWN_BROWSER
    return f"{browser}（{system}）" if system else browser
