"""Lighthouse on every page of MyPage next to a blank Reflex app, both production builds run side by side.

Lighthouse (npm `lighthouse`, installed into .tools/ like bun) runs with its default mobile profile
(simulated slow 4G, 4x CPU slowdown) against Debian's Chromium. The member pages are measured
with the session cookie of a login made through the browser. Prints performance, accessibility,
FCP, LCP, TBT and bytes per page, with ratios to the blank app; the JSON reports go to
bench/results/lighthouse/ (BENCH_LH_RUNS runs per page, medians; BENCH_LH_PAGES=/,/bills for a few).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess

from bench.bench_startup import ROOT, side_by_side

LIGHTHOUSE_VERSION = "13.5.0"
TOOLS = ROOT / ".tools"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "bench" / "results" / "lighthouse"
RUNS = int(os.environ.get("BENCH_LH_RUNS", "1"))
DEMO_LOGIN = ("hanako01", "Hakkoda8Ringo")  # the demo's registered subscriber (mypage/operator/demo.py)
# Headless Chromium with the browser tests' flags (tests/browser/support.py).
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run \
--disable-background-networking --disable-component-update --disable-sync"
METRICS = {  # column → Lighthouse audit
    "FCP": "first-contentful-paint",
    "LCP": "largest-contentful-paint",
    "TBT": "total-blocking-time",
    "bytes": "total-byte-weight",
}


def install_lighthouse() -> None:
    """npm's lighthouse in .tools/, beside bun; nothing to do once it is there."""
    if not LIGHTHOUSE.exists():
        subprocess.run(
            [
                "npm",
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(TOOLS),
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            check=True,
        )


def pages() -> tuple[list[str], list[str]]:
    """The public and member paths to measure (all of them unless BENCH_LH_PAGES names some)."""
    from mypage import routes

    # Each path as the server serves it without a redirect (/register → /register/ would add one).
    public = [
        routes.LOGIN,
        routes.REGISTER,
        routes.FORGOT_ID,
        routes.FORGOT_PASSWORD,
        routes.FAQ,
        routes.TERMS,
        routes.IMPORTANT,
    ]
    member = list(routes.MEMBER_PAGES)
    chosen = os.environ.get("BENCH_LH_PAGES")
    if chosen:
        wanted = chosen.split(",")
        public, member = [p for p in public if p in wanted], [p for p in member if p in wanted]
    return public, member


def lighthouse(url: str, name: str, cookie: str = "") -> dict[str, float]:
    """One page's median figures over RUNS Lighthouse runs."""
    runs = []
    for run in range(RUNS):
        report = RESULTS / f"{name}-{run}.json"
        command = [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            "--only-categories=performance,accessibility",
            f"--chrome-flags={CHROME_FLAGS}",
        ]
        if cookie:
            command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
        env = {**os.environ, "CHROME_PATH": os.environ.get("MYPAGE_CHROMIUM", "/usr/bin/chromium")}
        for _attempt in range(3):  # on a busy machine Lighthouse sometimes loses the trace (NO_NAVSTART)
            done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            data = json.loads(report.read_text()) if report.exists() else {}
            if done.returncode == 0 and not data.get("runtimeError"):
                break
        else:
            raise RuntimeError(f"Lighthouse failed on {url}: {done.stderr[-2000:]}")
        final = data.get("finalDisplayedUrl", url)
        if final.rstrip("/") != url.rstrip("/"):
            raise RuntimeError(f"{url} ended on {final}: the session cookie was not accepted")
        figures = {category: data["categories"][category]["score"] for category in ("performance", "accessibility")}
        figures.update({column: data["audits"][audit]["numericValue"] for column, audit in METRICS.items()})
        runs.append(figures)
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def log_in(url: str) -> str:
    """Log in through the login form in Chromium; the browser's cookies as one Cookie header."""
    from playwright.sync_api import sync_playwright

    from mypage import routes
    from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, wait_for_app

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url + routes.LOGIN)
        wait_for_app(page)
        page.get_by_label("ログインID").fill(DEMO_LOGIN[0])
        page.get_by_label("パスワード").fill(DEMO_LOGIN[1])
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(re.compile(re.escape(url + routes.HOME)), timeout=60_000)
        cookies = page.context.cookies(url)
        browser.close()
    return "; ".join(f"{c['name']}={c['value']}" for c in cookies)


def table(blank: dict[str, float], results: dict[str, dict[str, float]]) -> str:
    """The figures as a Markdown table, each with its ratio to the blank app's."""
    lines = [
        "| page | performance | accessibility | FCP | LCP | TBT | bytes |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]

    def row(name: str, f: dict[str, float], ratios: bool) -> str:
        def ratio(key: str) -> str:
            return f" ({f[key] / blank[key]:.2f}×)" if ratios and blank[key] else ""

        return (
            f"| {name} | {f['performance']:.2f}{ratio('performance')} | {f['accessibility']:.2f} "
            f"| {f['FCP'] / 1000:.1f} s{ratio('FCP')} | {f['LCP'] / 1000:.1f} s{ratio('LCP')} "
            f"| {f['TBT']:.0f} ms | {f['bytes'] / 1024:.0f} KiB{ratio('bytes')} |"
        )

    lines.append(row("blank Reflex app", blank, ratios=False))
    lines += [row(f"`{path}`", figures, ratios=True) for path, figures in results.items()]
    return "\n".join(lines)


def main() -> None:
    install_lighthouse()
    shutil.rmtree(RESULTS, ignore_errors=True)
    RESULTS.mkdir(parents=True)
    public, member = pages()
    with side_by_side() as (blank_url, url):
        cookie = log_in(url) if member else ""
        # The blank app at the start, the middle and the end: the machine's load changes meanwhile.
        paths = public + member
        blanks = [lighthouse(blank_url + "/", "blank-start")]
        results = {}
        for i, path in enumerate(paths):
            if i == len(paths) // 2:
                blanks.append(lighthouse(blank_url + "/", "blank-middle"))
            name = "mypage" + (path.replace("/", "-") if path != "/" else "-login")
            results[path] = lighthouse(url + path.rstrip("/") + "/", name, cookie if path in member else "")
        blanks.append(lighthouse(blank_url + "/", "blank-end"))
    blank = {key: statistics.median(b[key] for b in blanks) for key in blanks[0]}
    print(
        f"Lighthouse {LIGHTHOUSE_VERSION}, mobile (simulated slow 4G, 4× CPU), Chromium; "
        f"{RUNS} run(s) per page (medians; the blank app 3× as many), ratios to the blank Reflex app"
    )
    print(table(blank, results))


if __name__ == "__main__":
    main()
