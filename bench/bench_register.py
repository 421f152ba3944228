"""Registration: median server time of 次へ (registration.prepare) and 登録する (registration.register),
with bcrypt's share (timed inside 次へ) shown on its own, so that the overhead over bcrypt is visible.

Core level, on a fresh SQLite database in a temporary folder, at the production bcrypt
cost (MYPAGE_BCRYPT_ROUNDS, 12 unless set). The mail is timed apart (written to an outbox).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_REGISTRATIONS", "15"))


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="mypage-bench-register-"))
    os.environ.setdefault("MYPAGE_DATABASE_URL", f"sqlite:///{folder / 'bench.db'}")
    os.environ.setdefault("MYPAGE_BCRYPT_ROUNDS", "12")
    os.environ.setdefault("MYPAGE_OUTBOX_DIR", str(folder / "outbox"))
    os.environ.pop("MYPAGE_SMTP_HOST", None)
    from sqlmodel import Session

    from mypage import db
    from mypage.accounts import captcha, registration
    from mypage.security import hash_password
    from mypage.settings import get_settings
    from tests.register.factories import add_customer, form

    url = f"sqlite:///{folder / 'register.db'}"
    db.upgrade(url)
    engine = db.engine_for(url)
    captcha._new_answer = lambda: "4242"  # a known answer, checked the real way
    rounds = get_settings().bcrypt_rounds

    times: dict[str, list[float]] = {k: [] for k in ("image", "next", "bcrypt", "overhead", "register", "mail")}
    with Session(engine, expire_on_commit=False) as session:
        hash_password("warm-up")
        for run in range(RUNS + 1):
            customer, code = add_customer(session)
            challenge: list[str] = []

            def image(s=session, out=challenge):
                out.append(captcha.new_challenge(s)[0])
                s.commit()

            result: list = []
            spent: list[float] = []

            def hasher(password: str, out=spent) -> str:
                start = time.perf_counter()
                try:
                    return hash_password(password)
                finally:
                    out.append((time.perf_counter() - start) * 1000)

            def next_step(s=session, c=customer, k=code, out=result, run=run, challenge_id=challenge):
                filled = form(c, k, login_id=f"bench{run:04d}", captcha="4242")
                out.append(registration.prepare(s, filled, challenge_id[0], hasher=hasher))
                s.commit()

            def register(s=session, out=result):
                out.append(registration.register(s, out[0][1]))
                s.commit()

            def send(s=session, out=result):
                registration.send_verification(s, *out[1])

            figures = {"image": timed(image), "next": timed(next_step)}
            figures["bcrypt"] = spent[0]
            figures["overhead"] = figures["next"] - spent[0]
            assert result[0][2] == {}, result[0][2]
            figures["register"] = timed(register)
            figures["mail"] = timed(send)
            if run:  # the first run warms caches and imports
                for name, value in figures.items():
                    times[name].append(value)

    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"median ms over {RUNS} registrations, bcrypt cost {rounds}, SQLite file")
    print(
        f"  次へ      {median['next']:8.1f}   = bcrypt {median['bcrypt']:.1f} + the rest {median['overhead']:.1f}"
        " (fields, CAPTCHA, code pair, look-ups, audit, commit)"
    )
    print(f"  登録する  {median['register']:8.1f}   (no bcrypt: the hash was made on 次へ)")
    print(f"  mail      {median['mail']:8.1f}   (verification mail to the outbox, after the commit)")
    print(f"  画像認証  {median['image']:8.1f}   (a new CAPTCHA image, on opening the form or a failed 次へ)")


if __name__ == "__main__":
    main()
