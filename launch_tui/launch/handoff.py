"""What the customer receives besides the secret: a minimal API usage guide and
first-upload CSV templates, written next to the session (0600 files in a 0700
folder). They hold placeholders, never the key."""

from __future__ import annotations

from pathlib import Path

from launch_tui.clients.platform import CSV_HEADERS, RESULTS_PATHS, UPLOAD_PATHS, sample_csv
from launch_tui.files import ensure_private_dir, write_private
from launch_tui.launch.live import LiveLaunch
from launch_tui.session import EventKind, NewEvent

TEMPLATE_TYPES = ("TRADE", "SHIP", "ORDERS")
GUIDE = "api-usage-guide.md"


def handoff_folder(launch: LiveLaunch) -> Path:
    return launch.live.path.with_name(launch.live.path.stem + "-handoff")


def usage_guide(base_url: str, customer: str, key_prefix: str | None) -> str:
    prefix = f" (it starts with `{key_prefix}`)" if key_prefix else ""
    uploads = "\n".join(f"| {kind} | `POST {UPLOAD_PATHS[kind]}` | `{CSV_HEADERS[kind]}` |" for kind in TEMPLATE_TYPES)
    return f"""# {customer}: getting started with the API

Base URL: `{base_url}`

Your integration key was given to you once{prefix}. Keep it secret: store it in your
secret manager and export it as `LAUNCH_KEY` for the examples below. We never store it
and cannot show it again; if it leaks, ask us to revoke it and issue a new one.

## 1. Exchange the key for an access token (valid 15 minutes)

```sh
curl -sS -X POST {base_url}/api/auth/token/integration \\
  -H 'Content-Type: application/json' \\
  -d "{{\\"key\\": \\"$LAUNCH_KEY\\"}}"
# -> {{"accessToken": "...", "tokenType": "Bearer", "expiresIn": 900}}
export TOKEN=...   # the accessToken from the answer
```

## 2. Enqueue a job: upload a CSV

| type | route | header row |
|---|---|---|
{uploads}

```sh
curl -sS -X POST {base_url}{UPLOAD_PATHS["TRADE"]} \\
  -H "Authorization: Bearer $TOKEN" \\
  -F file=@first-upload-trade.csv
# -> 202 {{"jobId": "job_...", "type": "TRADE", "status": "queued"}}
```

TRADE records can also be sent as JSON: `POST {base_url}/api/sima/batch` with `{{"records": [...]}}`.

## 3. Poll the job until it is `succeeded` (or `failed`)

```sh
curl -sS {base_url}/api/jobs/job_... -H "Authorization: Bearer $TOKEN"
# -> {{"id": "job_...", "status": "queued" | "running" | "succeeded" | "failed", ...}}
```

Poll every few seconds; on HTTP 429, wait the `Retry-After` seconds first.

## 4. Read the results

```sh
curl -sS "{base_url}{RESULTS_PATHS["TRADE"]}?jobId=job_..." -H "Authorization: Bearer $TOKEN"    # TRADE
curl -sS "{base_url}{RESULTS_PATHS["SHIP"]}?jobId=job_..." -H "Authorization: Bearer $TOKEN"  # SHIP
```

Every answer carries an `x-request-id` header: quote it when you contact support.
"""


def write_handoff(launch: LiveLaunch) -> dict[str, str]:
    """Write (or rewrite) the guide and templates; record where they are."""
    folder = handoff_folder(launch)
    ensure_private_dir(folder)
    files = {
        "guide": _write(
            folder / GUIDE,
            usage_guide(launch.target.api_url, launch.target.customer.name, launch.facts.key_prefix).encode(),
        )
    }
    for kind in TEMPLATE_TYPES:
        files[kind.lower()] = _write(folder / f"first-upload-{kind.lower()}.csv", sample_csv(kind))
    launch.record(NewEvent(kind=EventKind.HANDOFF_WRITTEN, item="onboarding.handoff", data={"files": files}))
    return files


def _write(path: Path, content: bytes) -> str:
    write_private(path, content, replace=True)
    return str(path)
