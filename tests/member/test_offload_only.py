"""The states reach the database only through mypage.state.offload (one worker thread, one session, committed).

Read from the source, so that a new helper with its own thread or session is caught here, not in production.
"""

import ast
from pathlib import Path

import mypage.state

STATE_DIR = Path(mypage.state.__file__).parent
ALLOWED = {
    ("offload.py", "db.session"),  # the one way
    ("offload.py", "asyncio.to_thread"),
    # /dev/gallery's sample screens: the page exists only when MYPAGE_ENV=development (test_dev_states.py).
    ("gallery.py", "db.session"),
    # メールアドレス変更's confirmation is sent before the answer, which depends on it (a mail, no database).
    ("account_settings.py", "asyncio.to_thread"),
}


def calls_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and f"{owner.id}.{node.func.attr}" in ("db.session", "asyncio.to_thread"):
                found.add(f"{owner.id}.{node.func.attr}")
    return found


def test_no_state_opens_its_own_session_or_thread():
    found = {(path.name, call) for path in sorted(STATE_DIR.glob("*.py")) for call in calls_of(path)}
    assert found - ALLOWED == set()
    assert ("offload.py", "db.session") in found  # the scan sees calls at all
