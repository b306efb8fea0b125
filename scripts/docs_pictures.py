"""Make the pictures in the README and the guides from the browser tests' screenshots.

Run the browser tests first (``make test``, or ``pytest tests/browser``); they save
full-page screenshots in test-artifacts/screenshots. This keeps the top of each page,
scales it down and reduces its colours so the committed PNGs stay small.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
IMAGES = ROOT / "docs" / "images"

# docs/images name: (screenshot name, height of the page kept, in screenshot pixels)
PICTURES = {
    "researcher-overview": ("demo-researcher-overview", 1500),
    "participant-session": ("demo-participant-session", 1400),
    "witness-testimony": ("demo-witness-testimony", 1400),
    "participant-recommendation": ("recommendation", 1300),
    "participant-ballot": ("ballot-vote", 1400),
    "results-summary": ("demo-researcher-results", 1500),
    "commissioner-response": ("demo-commissioner-response", 1500),
    "progress-page": ("demo-participant-progress", 1500),
    "challenge": ("demo-commissioner-challenge", 1500),
    "researcher-report": ("demo-researcher-report", 1400),
    "researcher-cohort": ("demo-researcher-cohort", 1400),
}
SCALE = 0.75
COLOURS = 64


def make(name: str, source: str, height: int) -> Path:
    image = Image.open(SCREENSHOTS / f"{source}.png").convert("RGB")
    image = image.crop((0, 0, image.width, min(image.height, height)))
    size = (round(image.width * SCALE), round(image.height * SCALE))
    image = image.resize(size, Image.LANCZOS).quantize(colors=COLOURS)
    target = IMAGES / f"{name}.png"
    image.save(target, optimize=True)
    return target


def main() -> int:
    missing = [s for s, _ in PICTURES.values() if not (SCREENSHOTS / f"{s}.png").exists()]
    if missing:
        print("Run the browser tests first; missing screenshots: " + ", ".join(missing))
        return 1
    for name, (source, height) in PICTURES.items():
        print(make(name, source, height).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
