"""Say which Debian package to install when a system library the app needs is missing."""

from __future__ import annotations

import sys

MIN_PYTHON = (3, 11)


def main() -> int:
    if sys.version_info < MIN_PYTHON:
        print(
            f"Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer is needed; this is "
            f"{sys.version.split()[0]}. On Debian: apt-get install python3 python3-venv",
            file=sys.stderr,
        )
        return 1
    try:
        import weasyprint  # noqa: F401
    except OSError as error:
        print(
            "WeasyPrint, which makes the PDF reports, cannot load a system library:\n"
            f"    {error}\n"
            "On Debian or Ubuntu install it with:\n"
            "    sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0\n"
            "then run the command again.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
