"""``/admin-dashboard``: the operators' page (one Jinja2 shell; the views are small ES modules
under ``static/`` reading the same JSON API as every other client). Neither the page nor its
files are part of the API schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from paperwork import __version__

HERE = Path(__file__).parent
PAGE_PATH = "/admin-dashboard"
STATIC_PATH = f"{PAGE_PATH}/static"

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=HERE / "templates")
# Served through a route rather than a Mount: older FastAPI releases drop mounts of an
# included router. StaticFiles still does the work (paths kept inside the folder, ETags, 304s).
static_files = StaticFiles(directory=HERE / "static")

# The page runs only its own files: no inline script or style, no other origin. A violation
# shows up as a console error, which the browser tests treat as a failure.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@router.get(PAGE_PATH, response_class=HTMLResponse)
async def dashboard_page(request: Request) -> Any:
    root = request.scope.get("root_path", "").rstrip("/")
    response = templates.TemplateResponse(
        request,
        "dashboard.html",
        {"static": root + STATIC_PATH, "api_base": root, "version": __version__},
    )
    response.headers.update(SECURITY_HEADERS)
    response.headers["Cache-Control"] = "no-cache"
    return response


@router.get(STATIC_PATH + "/{path:path}")
async def dashboard_static(
    request: Request, path: Annotated[str, PathParam(max_length=200)]
) -> Any:
    response = await static_files.get_response(path, request.scope)
    # Revalidate every time (a 304 when unchanged): the modules import one another by plain
    # relative URLs, so a cached old module could meet a new one after an upgrade.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
