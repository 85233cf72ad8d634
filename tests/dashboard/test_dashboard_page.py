"""/admin-dashboard over HTTP, no browser: the page and its files are served with a strict
Content-Security-Policy, every module the page imports exists, and none of it is in the API
schema."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

STATIC = Path(__file__).resolve().parents[2] / "src" / "paperwork" / "dashboard" / "static"
IMPORT = re.compile(r"""^import\s[^;]*?from\s+"(\.{1,2}/[^"]+)";""", re.MULTILINE | re.DOTALL)


async def test_the_page_is_korean_html_with_a_strict_policy(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin-dashboard")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="ko">' in html and "관리자 대시보드" in html
    assert '<script type="module" src="/admin-dashboard/static/js/app.js">' in html
    assert 'id="token-dialog"' in html
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    # Nothing inline that the policy would block.
    assert "<style" not in html and " style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


async def test_static_files_are_served_and_revalidated(client: httpx.AsyncClient) -> None:
    script = await client.get("/admin-dashboard/static/js/app.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert script.headers["cache-control"] == "no-cache"
    assert script.headers["x-content-type-options"] == "nosniff"
    again = await client.get(
        "/admin-dashboard/static/js/app.js", headers={"If-None-Match": script.headers["etag"]}
    )
    assert again.status_code == 304
    css = await client.get("/admin-dashboard/static/css/dashboard.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "Noto Sans KR" in css.text
    icon = await client.get("/admin-dashboard/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


async def test_missing_files_and_paths_outside_the_folder_are_404(
    client: httpx.AsyncClient,
) -> None:
    for path in (
        "/admin-dashboard/static/js/nope.js",
        "/admin-dashboard/static/../router.py",
        "/admin-dashboard/static/%2e%2e/router.py",
        "/admin-dashboard/static/..%2F..%2Fconfig.py",
        "/admin-dashboard/static/js",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.json()["success"] is False


async def test_every_imported_module_is_served(client: httpx.AsyncClient) -> None:
    modules = sorted(STATIC.rglob("*.js"))
    imports = {module: IMPORT.findall(module.read_text(encoding="utf-8")) for module in modules}
    assert len(modules) >= 8 and sum(map(len, imports.values())) >= 15
    for module, targets in imports.items():
        for target in targets:
            resolved = (module.parent / target).resolve()
            assert resolved.is_file(), f"{module.name} imports a missing {target}"
            url = "/admin-dashboard/static/" + resolved.relative_to(STATIC).as_posix()
            assert (await client.get(url)).status_code == 200, url


async def test_the_page_is_not_part_of_the_api_schema(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert not [path for path in paths if path.startswith("/admin-dashboard")]
    assert "/api/v1/stats/daily" in paths
