"""音声で聞く beside every image CAPTCHA: the same digits spoken, for those who cannot see the image.

A real button (reachable and pressed by keyboard, named for screen readers) plays the
sound, again at each press; the audio element itself has no controls, so the form keeps
one tab stop for it. The sound comes from mypage.web.http (routes.CAPTCHA_AUDIO) and
changes with the image.
"""

from __future__ import annotations

import reflex as rx

from mypage import styles

AUDIO_ID = "captcha-audio"
# load() picks up a new challenge's sound; a refused play() (no audio device) is not an error.
_PLAY = (
    f"(() => {{ const a = document.getElementById('{AUDIO_ID}');"
    " if (a) { a.load(); a.play().catch(() => {}); } })()"
)


def audio_captcha(src: rx.Var) -> rx.Component:
    """音声で聞く and its audio element, for the challenge whose sound is at `src`."""
    return rx.cond(
        src != "",
        rx.flex(
            rx.button(
                "音声で聞く",
                type="button",
                title="画像の4桁の数字を日本語で読み上げます",
                variant="outline",
                on_click=rx.call_script(_PLAY),
                aria_controls=AUDIO_ID,
                style=styles.button,
            ),
            rx.el.audio(id=AUDIO_ID, src=src, preload="none"),
            align="center",
            wrap="wrap",
            gap="0.75rem",
        ),
        rx.fragment(),
    )
