"""Vendor the fragments of GitHub's OpenAPI description that launch-tui relies on into
tests/contracts/github/: per endpoint, its response schemas ($refs resolved, OpenAPI 3.0
`nullable` turned into JSON Schema) and GitHub's published examples.

    cd /tmp && npm pack @octokit/openapi && tar xzf octokit-openapi-*.tgz
    python3 tools/extract_github_contracts.py /tmp/package

Run it again when GitHub publishes a new description; the contract tests then say
whether the clients and the look-alike still match. Only what the tests need is kept
(descriptions dropped), not the multi-megabyte description itself.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests/contracts/github"
SPEC_FILE = "generated/api.github.com.json"

# operationId-ish file name -> (path, the statuses whose schema we keep)
ENDPOINTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "get-branch": ("/repos/{owner}/{repo}/branches/{branch}", ("200", "404")),
    "get-branch-protection": ("/repos/{owner}/{repo}/branches/{branch}/protection", ("200", "404")),
    "get-branch-rules": ("/repos/{owner}/{repo}/rules/branches/{branch}", ("200",)),
    "get-repo-rulesets": ("/repos/{owner}/{repo}/rulesets", ("200", "404")),
    "get-repo-ruleset": ("/repos/{owner}/{repo}/rulesets/{ruleset_id}", ("200", "404")),
    "list-workflow-runs": ("/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", ("200",)),
    "list-check-runs-for-ref": ("/repos/{owner}/{repo}/commits/{ref}/check-runs", ("200",)),
    "get-combined-status-for-ref": ("/repos/{owner}/{repo}/commits/{ref}/status", ("200", "404")),
}
DROP = {"description", "example", "examples", "externalDocs", "readOnly", "writeOnly", "deprecated"}


def pointer(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def schema(spec: dict[str, Any], node: Any, seen: tuple[str, ...] = ()) -> Any:
    """Resolve $refs, drop prose, and turn `nullable: true` into a JSON Schema null."""
    if isinstance(node, list):
        return [schema(spec, item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:  # a recursive schema: accept anything below the loop
            return {}
        return schema(spec, pointer(spec, ref), (*seen, ref))
    out = {
        key: schema(spec, value, seen)
        if key in ("properties", "items", "additionalProperties", "allOf", "anyOf", "oneOf", "not")
        else value
        for key, value in node.items()
        if key not in DROP and not key.startswith("x-")
    }
    if "properties" in out:
        out["properties"] = {name: schema(spec, value, seen) for name, value in node["properties"].items()}
    if out.pop("nullable", False):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def example_value(spec: dict[str, Any], example: dict[str, Any]) -> Any:
    return pointer(spec, example["$ref"])["value"] if "$ref" in example else example.get("value")


def extract(package: Path) -> None:
    meta = json.loads((package / "package.json").read_text())
    spec = json.loads((package / SPEC_FILE).read_text())
    licence = (package / "LICENSE").read_text()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "LICENSE-octokit-openapi").write_text(licence)
    source = {
        "package": f"{meta['name']}@{meta['version']}",
        "repository": "https://github.com/octokit/openapi",
        "upstream": "https://github.com/github/rest-api-description",
        "file": SPEC_FILE,
        "licence": "MIT, Copyright (c) 2020 Octokit contributors (see LICENSE-octokit-openapi)",
    }
    for name, (path, statuses) in ENDPOINTS.items():
        operation = spec["paths"][path]["get"]
        responses: dict[str, Any] = {}
        for status in statuses:
            reply = operation["responses"][status]
            reply = pointer(spec, reply["$ref"]) if "$ref" in reply else reply
            content = reply.get("content", {}).get("application/json", {})
            responses[status] = {
                "schema": schema(spec, content.get("schema", {})),
                "examples": {key: example_value(spec, value) for key, value in content.get("examples", {}).items()},
            }
        parameters = [pointer(spec, p["$ref"]) if "$ref" in p else p for p in operation.get("parameters", [])]
        document = {
            "source": {**source, "json_pointer": "/paths/" + path.replace("~", "~0").replace("/", "~1") + "/get"},
            "operationId": operation["operationId"],
            "method": "GET",
            "path": path,
            "summary": operation.get("summary", ""),
            "description": operation.get("description", ""),
            "query": {p["name"]: schema(spec, p.get("schema", {})) for p in parameters if p["in"] == "query"},
            "responses": responses,
        }
        (OUT / f"{name}.json").write_text(json.dumps(document, indent=1, sort_keys=False) + "\n")
        print(f"{name}: {(OUT / f'{name}.json').stat().st_size // 1024} KiB")


if __name__ == "__main__":
    extract(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/package"))
