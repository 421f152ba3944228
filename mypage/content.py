"""Operator content pages: Markdown files under assets/content/, with the operator's words."""

from pathlib import Path

from mypage.settings import ROOT

CONTENT_DIR = ROOT / "assets" / "content"


def read(name: str, directory: Path = CONTENT_DIR) -> str:
    """The Markdown of one content page."""
    return (directory / f"{name}.md").read_text(encoding="utf-8")
