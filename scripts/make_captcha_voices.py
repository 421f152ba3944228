"""Make the Japanese digit clips of the audio CAPTCHA (音声で聞く) with Debian's espeak-ng.

    apt-get install espeak-ng
    .venv/bin/python scripts/make_captcha_voices.py

Writes mypage/accounts/captcha_voices/<digit>/<n>.wav: each digit read by espeak-ng's
Japanese voice at a few speeds and pitches, converted to what the `captcha` package's
AudioCaptcha mixes (8 kHz, 8-bit unsigned, mono). The clips are kept in the repository,
so the portal needs no speech engine at run time.
"""

from __future__ import annotations

import array
import subprocess
import tempfile
import wave
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "mypage" / "accounts" / "captcha_voices"
WORDS = {
    "0": "ぜろ",
    "1": "いち",
    "2": "にい",
    "3": "さん",
    "4": "よん",
    "5": "ごお",
    "6": "ろく",
    "7": "なな",
    "8": "はち",
    "9": "きゅう",
}
# (words per minute, pitch 0-99): a little variety between clips of the same digit.
VARIANTS = ((140, 45), (165, 60), (125, 35))
RATE = 8000


def to_captcha_wave(source: Path, target: Path) -> None:
    """A 16-bit espeak-ng wave as 8 kHz 8-bit unsigned mono, trimmed of silence at both ends."""
    with wave.open(str(source)) as w:
        rate, frames = w.getframerate(), w.readframes(w.getnframes())
    samples = array.array("h", frames)
    count = int(len(samples) * RATE / rate)
    out = bytearray()
    for i in range(count):
        pos = i * rate / RATE
        j = int(pos)
        k = min(j + 1, len(samples) - 1)
        value = samples[j] + (samples[k] - samples[j]) * (pos - j)
        out.append(max(0, min(255, int(value / 256) + 128)))
    loud = [i for i, v in enumerate(out) if abs(v - 128) > 6]
    if loud:
        out = out[max(loud[0] - 200, 0) : loud[-1] + 200]
    with wave.open(str(target), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(RATE)
        w.writeframes(bytes(out))


def main() -> None:
    """Write every clip."""
    with tempfile.TemporaryDirectory() as tmp:
        for digit, word in WORDS.items():
            folder = OUT / digit
            folder.mkdir(parents=True, exist_ok=True)
            for n, (speed, pitch) in enumerate(VARIANTS):
                raw = Path(tmp) / f"{digit}-{n}.wav"
                subprocess.run(
                    ["espeak-ng", "-v", "ja", "-s", str(speed), "-p", str(pitch), "-w", str(raw), word], check=True
                )
                to_captcha_wave(raw, folder / f"{n}.wav")
    print(f"wrote {len(WORDS) * len(VARIANTS)} clips under {OUT}")


if __name__ == "__main__":
    main()
