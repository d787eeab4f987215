"""Helpers for the sandbox tests: an httpx client that knows the sandbox's
credentials, token forging for the refusal tests, and sample files."""

from __future__ import annotations

import base64
import json
import re
import ssl
import time
import uuid

import httpx

from launch_tui.sandbox import SandboxServer

# Building a TLS context costs ~0.1 s; the sandbox is plain http, but httpx builds one
# per client anyway, so every client shares this one.
TLS = ssl.create_default_context()
REQUEST_ID = re.compile(r"^req_[0-9a-f]{16,}$")

CSV = {
    "TRADE": "date,hs_code,description,origin_country,destination_country,quantity,unit,value_usd\n"
    "2026-11-01,8471.30,Laptops,CN,US,10,pcs,12000\n"
    "2026-11-02,0901.21,Roasted coffee,BR,US,500,kg,4000.50\n",
    "SHIP": "shipment_id,carrier,origin_port,destination_port,departure_date,arrival_date,container_count\n"
    "SH-1,Maersk,CNSHA,USLAX,2026-10-01,2026-10-20,2\n"
    "SH-2,MSC,CNSHA,USNYC,2026-09-01,2026-10-15,1\n",
    "ORDERS": "order_id,order_date,customer_ref,sku,quantity,unit_price,currency\n"
    "O-1,2026-11-03,C-9,SKU-1,3,19.99,USD\n",
    "CATALOG": "sku,name,hs_code,unit\nSKU-1,Laptop,8471.30,pcs\n",
}
UPLOADS = {
    "TRADE": "/api/upload",
    "SHIP": "/api/ship/upload",
    "ORDERS": "/api/orders/upload",
    "CATALOG": "/api/catalog/upload",
}
TRADE_RECORD = {
    "date": "2026-11-01",
    "hs_code": "8471.30",
    "description": "Laptops",
    "origin_country": "CN",
    "destination_country": "US",
    "quantity": 10,
    "unit": "pcs",
    "value_usd": 12000,
}


def b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unsigned_token(tenant_id: str, alg: str = "none") -> str:
    """An `alg: none` token with otherwise valid claims."""
    now = int(time.time())
    claims = {"iss": "launch-sandbox", "sub": "key_x", "tid": tenant_id, "iat": now, "exp": now + 600}
    return f"{b64({'alg': alg, 'typ': 'JWT'})}.{b64(claims)}."


def slug() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


class Api(httpx.Client):
    """httpx against one sandbox, with shortcuts for the usual credentials."""

    def __init__(self, server: SandboxServer) -> None:
        super().__init__(base_url=server.base_url, timeout=10, verify=TLS)
        self.server = server
        self.creds = server.credentials

    @property
    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.creds['LAUNCH_ADMIN_TOKEN']}"}

    @property
    def render(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.creds['RENDER_API_KEY']}"}

    @property
    def github(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.creds['GITHUB_TOKEN']}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }

    def bearer(self, key: str | None = None) -> dict[str, str]:
        """Access-token headers for `key` (default: the sandbox's integration key)."""
        response = self.post("/api/auth/token/integration", json={"key": key or self.creds["LAUNCH_INTEGRATION_KEY"]})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['accessToken']}"}

    def new_tenant(self, **extra_headers: str) -> dict:
        response = self.post(
            "/api/admin/tenants", json={"name": "Test Co", "slug": slug()}, headers={**self.admin, **extra_headers}
        )
        assert response.status_code == 201, response.text
        return response.json()

    def new_key(self, tenant_id: str) -> dict:
        response = self.post(
            f"/api/admin/tenants/{tenant_id}/integration-keys", json={"label": "test"}, headers=self.admin
        )
        assert response.status_code == 201, response.text
        return response.json()

    def tenant_headers(self) -> tuple[dict, dict[str, str]]:
        """A fresh tenant and access-token headers for it."""
        tenant = self.new_tenant()
        return tenant, self.bearer(self.new_key(tenant["id"])["secret"])

    def upload(self, path: str, text: str, headers: dict[str, str], name: str = "data.csv") -> httpx.Response:
        return self.post(path, files={"file": (name, text.encode(), "text/csv")}, headers=headers)

    def error_code(self, response: httpx.Response) -> str:
        return response.json()["error"]["code"]
