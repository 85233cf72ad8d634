"""nginx in front of the API processes, as users run it: the site is the project's own
``deploy/nginx/paperwork.conf`` (an ``upstream paperwork_api`` with ``server 127.0.0.1:8006``
and ``server 127.0.0.1:8007``, ``listen 80``), its ports replaced by the suite's and its log
paths moved into the work directory, wrapped in a minimal top-level nginx.conf whose pid, logs
and temp paths are all in the work directory."""

from __future__ import annotations

import getpass
import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

import httpx

from bench.server import free_port
from chaos.processes import Managed, StackFailed, tail, wait_for

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "paperwork.conf"
SITE_PORTS = (8006, 8007)  # the API ports the site is written for

MAIN_CONF = """\
{user}worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {dir}/access.log;
    client_body_temp_path {dir}/temp/body;
    proxy_temp_path {dir}/temp/proxy;
    fastcgi_temp_path {dir}/temp/fastcgi;
    uwsgi_temp_path {dir}/temp/uwsgi;
    scgi_temp_path {dir}/temp/scgi;
    include {dir}/site.conf;
}}
"""


def render_site(template: str, api_ports: Sequence[int], listen_port: int, log_dir: Path) -> str:
    """The site with the suite's ports: the upstream's servers, in order, on ``api_ports``
    (a third site server line, if any, is dropped: the suite runs two), one ``listen`` on
    ``127.0.0.1:listen_port`` (an IPv6 twin dropped); its logs and cache go to ``log_dir``."""
    ports = iter(api_ports)
    # Comments go first: the site's commented-out TLS servers have listen lines of their own.
    template = re.sub(r"^\s*#.*$", "", template, flags=re.M)

    def upstream_server(match: re.Match[str]) -> str:
        port = next(ports, None)
        return "" if port is None else f"{match.group(1)}127.0.0.1:{port}{match.group(2)}"

    site = re.sub(
        rf"(\bserver\s+)127\.0\.0\.1:(?:{'|'.join(map(str, SITE_PORTS))})\b([^;]*;)",
        upstream_server,
        template,
    )
    listens = iter([f"listen 127.0.0.1:{listen_port};"])  # one listen; an IPv6 twin goes
    site = re.sub(r"\blisten\s+[^;]*;", lambda _m: next(listens, ""), site)
    # The site's own log format (its last word) is kept.
    site = re.sub(
        r"\baccess_log\s+\S+(\s+\w+)?\s*;",
        lambda m: f"access_log {log_dir}/access.log{m.group(1) or ''};",
        site,
    )
    site = re.sub(r"\berror_log\s+[^;]*;", f"error_log {log_dir}/error.log warn;", site)
    site = re.sub(r"\bproxy_cache_path\s+\S+", f"proxy_cache_path {log_dir}/cache", site)
    if f"127.0.0.1:{api_ports[0]}" not in site:
        raise StackFailed(
            f"the nginx site names no 'server 127.0.0.1:{SITE_PORTS[0]}' in its upstream"
        )
    return site


class Nginx:
    def __init__(self, workdir: Path, name: str, api_ports: Sequence[int], site: Path) -> None:
        self.dir = workdir / name
        self.port = free_port()
        self.api_ports = list(api_ports)
        self.site = site
        self.managed: Managed | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _write_config(self) -> Path:
        if not self.site.exists():
            raise StackFailed(f"no nginx site at {self.site} (pass --nginx-site)")
        (self.dir / "temp").mkdir(parents=True, exist_ok=True)
        site = render_site(self.site.read_text(), self.api_ports, self.port, self.dir)
        (self.dir / "site.conf").write_text(site)
        # As root, nginx would run its workers as nobody, who cannot use our temp paths.
        user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
        conf = self.dir / "nginx.conf"
        conf.write_text(MAIN_CONF.format(user=user, dir=self.dir))
        return conf

    def start(self) -> None:
        conf = self._write_config()
        command = ["nginx", "-p", str(self.dir), "-c", str(conf)]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
        if checked.returncode != 0:
            raise StackFailed(f"nginx -t refused the rendered site:\n{checked.stderr}")
        self.managed = Managed(
            "nginx",
            [*command, "-g", "daemon off;"],
            env=dict(os.environ),
            cwd=self.dir,
            log_path=self.dir / "stdout.log",
        )
        self.managed.start()
        wait_for("nginx to listen", self._answers, timeout=15)

    def _answers(self) -> bool:
        assert self.managed is not None
        self.managed.check_alive()
        try:
            httpx.get(f"{self.base_url}/health", timeout=2)
        except httpx.HTTPError:
            return False
        return True

    def stop(self) -> None:
        if self.managed is not None:
            self.managed.stop()

    def log_tail(self, lines: int = 20) -> str:
        """nginx's error log (why it answered a 502 or 504), after its own output."""
        own = self.managed.log_tail(lines) if self.managed else ""
        return "\n".join(part for part in (own, tail(self.dir / "error.log", lines)) if part)
