"""The web app look-alike (the target's `web_url`) and an index at `/` for people
who open the sandbox in a browser."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="api-url" content="{api_url}">
<title>Acme Platform (sandbox)</title>
</head>
<body>
<h1>Acme Platform</h1>
<p>The sandbox's web app. It talks to the API at <code>{api_url}</code>.</p>
</body>
</html>
"""


async def web_page(request: Request) -> HTMLResponse:
    world = request.app.state.world
    if world.faults.web_needs_slash and not request.url.path.endswith("/"):
        # Some apps (a static export, a sub-path mount) answer only at the URL as published.
        return HTMLResponse("<!doctype html><title>404</title><p>Not Found</p>", status_code=404)
    # The page says which API it uses, exactly as the Render env var does (wherever it is set).
    api_url = world.render.effective_env(world.web_service_id)["API_URL"]
    return HTMLResponse(PAGE.format(api_url=escape(api_url)))


async def index(request: Request) -> JSONResponse:
    world = request.app.state.world
    return JSONResponse(
        {
            "service": "launch-tui sandbox",
            "scenarios": list(world.scenarios),
            "health": f"{world.base_url}/health",
            "render": f"{world.base_url}/render/v1",
            "github": f"{world.base_url}/github",
            "web": world.web_url,
        }
    )


routes = [
    Route("/", index, methods=["GET"]),
    # Both spellings answer 200 (but see web-needs-slash): a redirect would fail a client that does not follow it.
    Route("/web", web_page, methods=["GET"]),
    Route("/web/", web_page, methods=["GET"]),
]
