"""Write the JSON Schemas of the JSON outputs into docs/schemas/, generated from the
pydantic models in launch_tui/report/schemas.py.

    .venv/bin/python tools/json_schemas.py          # rewrite them (or: make schemas)
    .venv/bin/python tools/json_schemas.py --check  # exit 1 if a file is not current

tests/test_json_schemas.py fails while a published file differs from what this writes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from launch_tui.report.schemas import SCHEMAS  # noqa: E402

FOLDER = ROOT / "docs" / "schemas"


def rendered() -> dict[str, str]:
    return {name: json.dumps(make(), indent=2, ensure_ascii=False) + "\n" for name, make in SCHEMAS.items()}


def main(argv: list[str]) -> int:
    stale = [
        name
        for name, text in rendered().items()
        if not (FOLDER / name).exists() or (FOLDER / name).read_text(encoding="utf-8") != text
    ]
    if "--check" in argv:
        for name in stale:
            print(f"docs/schemas/{name} is not current: run `make schemas`", file=sys.stderr)
        return 1 if stale else 0
    FOLDER.mkdir(exist_ok=True)
    for name, text in rendered().items():
        (FOLDER / name).write_text(text, encoding="utf-8")
        print(f"wrote {FOLDER / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
