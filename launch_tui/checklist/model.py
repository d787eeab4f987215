"""The checklist model: sections and items, validated when loaded."""

from __future__ import annotations

import hashlib
import tomllib
from enum import StrEnum
from functools import cached_property
from importlib import resources
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from launch_tui.errors import LaunchError

ITEM_ID = r"^[a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*$"


class Kind(StrEnum):
    AUTO = "auto"  # the wizard checks it itself, read-only
    ACTION = "action"  # the wizard changes the platform, after the operator confirms
    MANUAL = "manual"  # a person confirms, with who and when
    RECORD = "record"  # a person fills in fields


class Integration(StrEnum):
    RENDER = "render"
    GITHUB = "github"
    WEB = "web"


class RecordField(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    label: str
    type: Literal["text", "date", "choice", "gaps"]
    choices: tuple[str, ...] = ()
    optional: bool = False


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=ITEM_ID)]
    kind: Kind
    text: Annotated[str, Field(min_length=1)]
    details: tuple[str, ...] = ()
    integration: Integration | None = None
    fallback: Literal["manual"] | None = None
    depends_on: tuple[str, ...] = ()
    useful_age_hours: Annotated[int, Field(gt=0)] | None = None
    fields: tuple[RecordField, ...] = ()

    @property
    def section_id(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def runbook_text(self) -> str:
        """The runbook's wording: the line, then its sub-bullets."""
        return "\n".join([self.text, *(f"  - {detail}" for detail in self.details)])

    @model_validator(mode="after")
    def _record_has_fields(self) -> Item:
        if (self.kind is Kind.RECORD) != bool(self.fields):
            raise ValueError(f"{self.id}: record items, and only they, have fields")
        if self.integration and self.kind is not Kind.AUTO:
            raise ValueError(f"{self.id}: only auto items name an integration")
        return self


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z]+(?:-[a-z]+)*$")]
    number: int
    title: str
    short: Annotated[str, Field(min_length=1, max_length=16)]  # for the sidebar at 80 columns
    notes: tuple[str, ...] = ()
    items: tuple[Item, ...]

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


class Checklist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    sections: tuple[Section, ...]
    content_hash: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Checklist:
        seen: set[str] = set()
        for number, section in enumerate(self.sections, start=1):
            if section.number != number:
                raise ValueError(f"section {section.id} is numbered {section.number}, expected {number}")
            for item in section.items:
                if item.section_id != section.id:
                    raise ValueError(f"{item.id} is filed under section {section.id}")
                if item.id in seen:
                    raise ValueError(f"item id {item.id} appears twice")
                seen.add(item.id)
        for item in self.items:
            for dependency in item.depends_on:
                if dependency not in seen:
                    raise ValueError(f"{item.id} depends on unknown item {dependency}")
        return self

    @cached_property
    def by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def sections_by_id(self) -> dict[str, Section]:
        return {section.id: section for section in self.sections}

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def item(self, item_id: str) -> Item:
        try:
            return self.by_id[item_id]
        except KeyError:
            raise LaunchError(f"unknown checklist item {item_id!r}") from None

    def section(self, section_id: str) -> Section:
        try:
            return self.sections_by_id[section_id]
        except KeyError:
            known = ", ".join(self.sections_by_id)
            raise LaunchError(f"unknown section {section_id!r}; choose one of: {known}") from None


def parse_checklist(raw: bytes) -> Checklist:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
        data["content_hash"] = "sha256:" + hashlib.sha256(raw).hexdigest()
        return Checklist.model_validate(data)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LaunchError(f"the checklist data is not valid TOML: {exc}") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise LaunchError(f"the checklist data is invalid at {where}: {error['msg']}") from None


_cached: Checklist | None = None


def load_checklist() -> Checklist:
    """The built-in checklist (parsed once per process)."""
    global _cached
    if _cached is None:
        _cached = parse_checklist(resources.files(__package__).joinpath("items.toml").read_bytes())
    return _cached


def runbook_text() -> str:
    return resources.files(__package__).joinpath("runbook.md").read_text(encoding="utf-8")
