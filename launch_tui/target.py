"""The target file: which platform, which customer, which integrations. No secrets."""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from launch_tui.errors import UsageError
from launch_tui.files import read_regular
from launch_tui.toml_depth import MAX_DEPTH, too_deep

MAX_TARGET_BYTES = 1 << 20
LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(value: str) -> str:
    """A base URL (clients append paths to it): checked, trailing slash dropped."""
    return check_page_url(value).rstrip("/")


def check_page_url(value: str) -> str:
    """A URL requested as it is (the web app's): checked, but kept as written, trailing
    slash and all; a server may answer `/app` and `/app/` differently. Compare such URLs
    with `normalise_url`, never by rewriting them."""
    value = value.strip()
    parts = urlsplit(value)
    if "@" in parts.netloc:  # never echoed: what stands before the @ may be a password
        raise ValueError(
            "the URL holds a user name or password (user:password@host); remove it: launch-tui takes "
            "credentials from environment variables only"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL; write it like https://api.example.com")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(f"{value!r} uses http://; use https:// (plain http is allowed only on loopback)")
    if parts.query or parts.fragment:
        raise ValueError(f"{value!r} has a query or fragment; give the base URL only")
    if any(ord(ch) < 32 or ch.isspace() for ch in value):
        raise ValueError("the URL contains spaces or control characters")
    return value


def normalise_url(value: str) -> str:
    """Compare URLs the way a person would: scheme and host case-insensitive, no trailing slash."""
    parts = urlsplit(value.strip())
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}{port}{parts.path.rstrip('/')}"


def check_slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(f"{value!r} is not a slug; use lowercase letters, digits and dashes, like acme-freight")
    return value


def check_repo(value: str) -> str:
    # `.` and `..` would walk up the GitHub API's path instead of naming a repository.
    if not REPO.match(value) or any(part in (".", "..") for part in value.split("/")):
        raise ValueError(f"{value!r} is not owner/name, like acme/platform")
    return value


def check_branch(value: str) -> str:
    # Git's own rule (git check-ref-format): no real branch has these, and `..` or an empty
    # segment would walk the GitHub API's path once the name is put in a URL.
    parts = value.split("/")
    if (
        ".." in value
        or any(part in ("", ".") or part.startswith(".") or part.endswith(".lock") for part in parts)
        or any(ord(ch) <= 32 or ord(ch) == 127 or ch in "~^:?*[\\" for ch in value)
        or value.endswith(".")
        or "@{" in value
    ):
        raise ValueError(f"{value!r} is not a git branch name, like main or release/2026-12")
    return value


def check_name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("the name is empty")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("the name contains control characters")
    return value


Url = Annotated[str, AfterValidator(check_url)]
PageUrl = Annotated[str, AfterValidator(check_page_url)]
Slug = Annotated[str, AfterValidator(check_slug)]
Name = Annotated[str, Field(max_length=200), AfterValidator(check_name)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Customer(_Section):
    name: Name
    tenant_slug: Slug


class RenderTarget(_Section):
    api_url: Url = "https://api.render.com/v1"
    api_service_id: Annotated[str, Field(pattern=r"^srv-[A-Za-z0-9]+$")]
    web_service_id: Annotated[str, Field(pattern=r"^srv-[A-Za-z0-9]+$")] | None = None


class GitHubTarget(_Section):
    api_url: Url = "https://api.github.com"
    repo: Annotated[str, AfterValidator(check_repo)]
    branch: Annotated[str, Field(min_length=1, max_length=255), AfterValidator(check_branch)] = "main"
    contract_check: Annotated[str, Field(min_length=1)] = "api-contract-gate"
    force_rls_check: Annotated[str, Field(min_length=1)] = "staging-force-rls"
    nightly_workflow: Annotated[str, Field(min_length=1)] = "nightly-validation.yml"
    nightly_max_age_hours: Annotated[int, Field(gt=0, le=24 * 30)] = 36


class Target(_Section):
    environment: Literal["staging", "production"]
    api_url: Url
    web_url: PageUrl | None = None
    team_mode: Literal["solo", "multi"]
    customer: Customer
    render: RenderTarget | None = None
    github: GitHubTarget | None = None

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


def first_error(exc: ValidationError) -> str:
    """One line from pydantic's error list: where, and what is wrong."""
    return describe_error(exc.errors()[0])


def describe_error(error: Mapping[str, Any]) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "the file"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "is required but missing"
    elif error["type"] == "extra_forbidden":
        message = "is not a known setting (check the spelling)"
    elif error["type"] == "literal_error":
        message = f"must be {error['ctx']['expected']}, not {error['input']!r}"
    return f"{where}: {message}"


def target_from_dict(data: dict, source: str = "target") -> Target:
    try:
        return Target.model_validate(data)
    except ValidationError as exc:
        raise UsageError(f"{source}: {first_error(exc)}") from None


def load_target(path: str | Path) -> Target:
    path = Path(path)
    try:
        raw = read_regular(path, MAX_TARGET_BYTES)  # a FIFO or /dev/zero: refused, not read
        if too_deep(raw):
            raise UsageError(f"{path}: arrays or tables nest deeper than {MAX_DEPTH} levels; this is not a target file")
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such target file; pass --target with the path of a target TOML file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a target file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: is not UTF-8 text; save the target file as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML ({exc}); fix the file and try again") from None
    except RecursionError:
        raise UsageError(f"{path}: its values nest too deeply; this is not a target file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    return target_from_dict(data, str(path))


def target_to_dict(target: Target) -> dict:
    return target.model_dump(mode="json", exclude_none=True)
