"""Uploads, batches, the job lifecycle, results and findings, tenant scoping."""

from __future__ import annotations

import pytest
from sandbox_helpers import CSV, TRADE_RECORD, UPLOADS, Api


@pytest.fixture(scope="module")
def tenant(api: Api) -> tuple[dict, dict[str, str]]:
    return api.tenant_headers()


@pytest.mark.parametrize("job_type", list(UPLOADS))
def test_each_upload_route_enqueues_a_job_of_its_type(api: Api, tenant, job_type: str) -> None:
    info, headers = tenant
    response = api.upload(UPLOADS[job_type], CSV[job_type], headers)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["jobId"].startswith("job_") and body["type"] == job_type and body["status"] == "queued"
    job = api.server.state.jobs[body["jobId"]]
    assert (job.tenant_id, job.type, len(job.rows)) == (info["id"], job_type, CSV[job_type].count("\n") - 1)


@pytest.mark.parametrize("job_type", list(UPLOADS))
def test_a_wrong_header_row_is_refused_with_details(api: Api, tenant, job_type: str) -> None:
    _, headers = tenant
    other = "CATALOG" if job_type != "CATALOG" else "TRADE"
    before = len(api.server.state.jobs)
    response = api.upload(UPLOADS[job_type], CSV[other], headers)
    assert response.status_code == 400 and api.error_code(response) == "invalid_file"
    details = response.json()["error"]["details"]
    assert isinstance(details, list) and all(isinstance(line, str) for line in details)
    assert any(line.startswith("missing column:") for line in details)
    assert len(api.server.state.jobs) == before


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", "the first line must be"),
        ("sku,name,hs_code,unit\n", "add at least one row"),
        ("sku,name,hs_code\nSKU-1,Laptop,8471\n", "missing column: unit"),
        ("sku,name,hs_code,unit,extra\nA,B,C,D,E\n", "unexpected column: extra"),
        ("sku,name,hs_code,unit\nA,B,C\n", "line 2: 3 cells"),
        ("sku,name,hs_code,unit\nA,,C,D\n", "line 2: name is empty"),
    ],
)
def test_catalog_file_problems_are_named(api: Api, tenant, text: str, expected: str) -> None:
    response = api.upload("/api/catalog/upload", text, tenant[1])
    assert response.status_code == 400 and api.error_code(response) == "invalid_file"
    assert any(expected in line for line in response.json()["error"]["details"]), response.json()


def test_bad_values_are_reported_by_line(api: Api, tenant) -> None:
    text = CSV["TRADE"].replace("12000", "lots").replace("2026-11-02", "yesterday")
    details = api.upload("/api/upload", text, tenant[1]).json()["error"]["details"]
    assert details == [
        "line 2: value_usd 'lots' is not a number",
        "line 3: date 'yesterday' is not a date like 2026-11-30",
    ]


def test_a_header_with_a_bom_and_spaces_is_fine(api: Api, tenant) -> None:
    text = "\ufeffsku , name,hs_code,unit\nSKU-1,Laptop,8471.30,pcs\n"
    assert api.upload("/api/catalog/upload", text, tenant[1]).status_code == 202


def test_an_upload_without_a_file_field_is_refused(api: Api, tenant) -> None:
    _, headers = tenant
    for kwargs in [{"json": {"file": "x"}}, {"files": {"other": ("a.csv", b"x")}}, {}]:
        response = api.post("/api/upload", headers=headers, **kwargs)
        assert response.status_code == 400 and api.error_code(response) == "invalid_file"
        assert response.json()["error"]["details"]


def test_batch_enqueues_a_trade_job(api: Api, tenant) -> None:
    response = api.post("/api/sima/batch", json={"records": [TRADE_RECORD, TRADE_RECORD]}, headers=tenant[1])
    assert response.status_code == 202
    body = response.json()
    assert (body["type"], body["status"]) == ("TRADE", "queued")
    assert len(api.server.state.jobs[body["jobId"]].rows) == 2


@pytest.mark.parametrize(
    "body",
    [{}, {"records": []}, {"records": "x"}, {"records": [1]}, {"records": [{**TRADE_RECORD, "value_usd": "lots"}]}],
)
def test_bad_batches_are_400(api: Api, tenant, body: dict) -> None:
    response = api.post("/api/sima/batch", json=body, headers=tenant[1])
    assert response.status_code == 400 and api.error_code(response) == "invalid_body"


def test_job_moves_from_queued_to_running_to_succeeded(api: Api, tenant, clock) -> None:
    _, headers = tenant
    job_id = api.upload("/api/upload", CSV["TRADE"], headers).json()["jobId"]
    seconds = api.server.state.job_seconds

    def job() -> dict:
        response = api.get(f"/api/jobs/{job_id}", headers=headers)
        assert response.status_code == 200
        return response.json()

    first = job()
    assert (first["id"], first["type"], first["status"], first["progress"], first["error"]) == (
        job_id,
        "TRADE",
        "queued",
        0.0,
        None,
    )
    clock.advance(seconds * 0.6)
    running = job()
    assert running["status"] == "running" and 0 < running["progress"] < 1
    result = api.get("/api/sima/results", params={"jobId": job_id}, headers=headers)
    assert result.status_code == 409 and api.error_code(result) == "job_not_finished"
    clock.advance(seconds)
    done = job()
    assert (done["status"], done["progress"]) == ("succeeded", 1.0)
    assert done["createdAt"] <= done["updatedAt"]


def test_trade_results_come_from_the_uploaded_rows(api: Api, tenant, clock) -> None:
    _, headers = tenant
    job_id = api.upload("/api/upload", CSV["TRADE"], headers).json()["jobId"]
    clock.advance(api.server.state.job_seconds + 0.01)
    body = api.get("/api/sima/results", params={"jobId": job_id}, headers=headers).json()
    assert body["jobId"] == job_id and body["total"] == 2 == len(body["items"])
    laptops, coffee = body["items"]
    assert (laptops["hsCode"], laptops["valueUsd"], laptops["dutyRate"], laptops["estimatedDutyUsd"]) == (
        "8471.30",
        12000.0,
        0.04,
        480.0,
    )
    assert (coffee["description"], coffee["dutyRate"], coffee["estimatedDutyUsd"]) == ("Roasted coffee", 0.09, 360.04)


def test_ship_findings_come_from_the_uploaded_rows(api: Api, tenant, clock) -> None:
    _, headers = tenant
    job_id = api.upload("/api/ship/upload", CSV["SHIP"], headers).json()["jobId"]
    early = api.get("/api/ship/findings", params={"jobId": job_id}, headers=headers)
    assert early.status_code == 409 and api.error_code(early) == "job_not_finished"
    clock.advance(api.server.state.job_seconds + 0.01)
    body = api.get("/api/ship/findings", params={"jobId": job_id}, headers=headers).json()
    assert body["total"] == 2
    assert [(f["shipmentId"], f["transitDays"], f["finding"]) for f in body["items"]] == [
        ("SH-1", 19, "on_schedule"),
        ("SH-2", 44, "long_transit"),
    ]


def test_results_need_a_job_id_of_the_right_type(api: Api, tenant, clock) -> None:
    _, headers = tenant
    assert api.error_code(api.get("/api/sima/results", headers=headers)) == "invalid_query"
    ship_job = api.upload("/api/ship/upload", CSV["SHIP"], headers).json()["jobId"]
    clock.advance(api.server.state.job_seconds + 0.01)
    wrong = api.get("/api/sima/results", params={"jobId": ship_job}, headers=headers)
    assert wrong.status_code == 400 and api.error_code(wrong) == "wrong_job_type"
    assert "/api/ship/findings" in wrong.json()["error"]["message"]


def test_unknown_jobs_are_404(api: Api, tenant) -> None:
    _, headers = tenant
    for path in [
        "/api/jobs/job_missing",
        "/api/sima/results?jobId=job_missing",
        "/api/ship/findings?jobId=job_missing",
    ]:
        response = api.get(path, headers=headers)
        assert response.status_code == 404 and api.error_code(response) == "job_not_found", path


def test_another_tenants_job_is_404(api: Api, tenant, clock) -> None:
    _, owner = tenant
    _, stranger = api.tenant_headers()
    job_id = api.upload("/api/upload", CSV["TRADE"], owner).json()["jobId"]
    clock.advance(api.server.state.job_seconds + 0.01)
    assert api.get(f"/api/jobs/{job_id}", headers=owner).status_code == 200
    for path in [f"/api/jobs/{job_id}", f"/api/sima/results?jobId={job_id}"]:
        response = api.get(path, headers=stranger)
        assert response.status_code == 404 and api.error_code(response) == "job_not_found"


def test_jobs_really_finish_in_real_time(api: Api, tenant) -> None:
    """No clock tricks: the server's own time moves the job (job_seconds=0.3 here)."""
    import time

    _, headers = tenant
    job_id = api.upload("/api/orders/upload", CSV["ORDERS"], headers).json()["jobId"]
    deadline = time.monotonic() + 5
    while api.get(f"/api/jobs/{job_id}", headers=headers).json()["status"] != "succeeded":
        assert time.monotonic() < deadline, "the job never finished"
        time.sleep(0.05)
