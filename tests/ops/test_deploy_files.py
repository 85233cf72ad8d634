"""The files of ``deploy/`` as an operator installs them. The nginx site passes ``nginx -t`` inside
a stock ``http {}`` block and, run in front of two real API processes started with the systemd
unit's own command line, answers through both, keeps request ids in both logs, compresses JSON,
keeps the dashboard's files, ignores a client's own X-Forwarded-For and hides a killed process
from GET clients. The units say what the deployment needs (and pass ``systemd-analyze verify``
where it exists); every setting the example environment file names is a real one.

nginx runs as the current user with everything (pid, logs, temp and cache paths) under the
test's folder; the site's production paths and ports are rewritten for that, and each rewrite
checks its text is still in the file."""

from __future__ import annotations

import grp
import ipaddress
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from local_servers import free_port
from paperwork.config import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SITE = DEPLOY / "nginx" / "paperwork.conf"
UNITS = DEPLOY / "systemd"
ENV_EXAMPLE = DEPLOY / "paperwork.env.example"
SAMPLE = Path(__file__).resolve().parents[2] / "src" / "paperwork" / "samples" / "bizinfo.json"

UNIT_BINARY = "/opt/paperwork/.venv/bin/paperwork"  # where the units expect the installed CLI
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
COMMAND_SECONDS = 120  # the most a CLI step (migrate, import) may take before the test fails
START_SECONDS = 30
HTTP_TIMEOUT = 10.0
LOG_SECONDS = 5.0  # the most a request's log line may trail its answer
NGINX_REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")

Unit = dict[str, dict[str, list[str]]]  # section → key → every value (keys may repeat)


def read_unit(path: Path) -> Unit:
    """A systemd unit file as systemd reads it: repeated keys add values (configparser would keep
    only the last ``After=``)."""
    unit: Unit = {}
    section: dict[str, list[str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = unit.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        section.setdefault(key.strip(), []).append(value.strip())
    return unit


def one(unit: Unit, key: str) -> str:
    values = unit["Service"].get(key) or unit["Unit"].get(key)
    assert values, f"no {key}="
    return values[-1]


def seconds(value: str) -> float:
    """``45s`` / ``30min`` / ``2`` (systemd's time spans, the forms these units use)."""
    match = re.fullmatch(r"(\d+)\s*(s|min)?", value)
    assert match, value
    return int(match[1]) * (60 if match[2] == "min" else 1)


def command_of(unit: Unit, *, port: int | None = None) -> list[str]:
    """The unit's ExecStart as this test can run it: this checkout's CLI instead of the
    installed one, ``%i`` as the instance (the port)."""
    argv = shlex.split(one(unit, "ExecStart"))
    assert argv[0] == UNIT_BINARY
    command = [sys.executable, "-m", "paperwork", *argv[1:]]
    return [str(port) if word == "%i" else word for word in command]


def example_settings() -> dict[str, str]:
    """The PAPERWORK_ lines of the example environment file, commented ones too: name → value."""
    found = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(#\s*)?(PAPERWORK_[A-Z0-9_]+)=(.*)$", line.strip())
        if match:
            found[match[2]] = match[3]
    return found


def example_values() -> dict[str, str]:
    """Only the settings the example really sets (uncommented)."""
    found = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, sep, value = line.partition("=")
            assert sep, f"not a KEY=value line: {line!r}"
            found[name] = value
    return found


# --- the example environment file ---


def test_every_setting_of_the_env_example_is_a_real_setting_and_it_loads() -> None:
    fields = {f"PAPERWORK_{name.upper()}" for name in Settings.model_fields}
    named = example_settings()
    assert set(named) - fields == set(), "the example names settings the code does not have"
    # Production essentials are in it.
    assert {
        "PAPERWORK_DATABASE_URL",
        "PAPERWORK_RATE_LIMIT_STORAGE",
        "PAPERWORK_TRUSTED_PROXIES",
        "PAPERWORK_PUBLIC_URL",
        "PAPERWORK_ENV_AI_FILE",
        "PAPERWORK_FILES_DIR",
        "PAPERWORK_FILES_URL",
        "PAPERWORK_LOG_LEVEL",
    } <= set(named)
    # The API units run --no-scheduler: a PAPERWORK_SCHEDULER line would only mislead.
    assert "PAPERWORK_SCHEDULER" not in named

    values = example_values()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        **{name.removeprefix("PAPERWORK_").lower(): value for name, value in values.items()},
    )
    assert settings.database_url.startswith("postgresql+asyncpg://")
    assert settings.rate_limit_storage.startswith("redis://")
    assert settings.trusted_proxies == [ipaddress.ip_network("127.0.0.1")]


def test_the_env_example_holds_no_secret() -> None:
    values = example_values()
    secret_names = [
        name for name in values if re.search(r"KEY|SECRET|PASSWORD|TOKEN", name.split("_", 1)[1])
    ]
    assert secret_names == [], "secrets belong in the operator's copy, commented out here"
    assert make_url(values["PAPERWORK_DATABASE_URL"]).password == "CHANGE-ME"


# --- the systemd units ---


def test_the_units_run_the_api_worker_and_migrations_as_the_deployment_needs(
    tmp_path: Path,
) -> None:
    api = read_unit(UNITS / "paperwork-api@.service")
    worker = read_unit(UNITS / "paperwork-worker.service")
    migrate = read_unit(UNITS / "paperwork-migrate.service")

    assert command_of(api, port=8006)[3:] == [
        "serve", "--host", "127.0.0.1", "--port", "8006", "--no-migrate", "--no-scheduler",
    ]  # fmt: skip
    assert command_of(worker)[3:] == ["worker"]
    assert command_of(migrate)[3:] == ["db", "upgrade"]
    assert one(migrate, "Type") == "oneshot"
    for long_running in (api, worker):
        assert one(long_running, "Restart") == "on-failure"
        assert one(long_running, "KillSignal") == "SIGTERM"
        # Nothing runs on a schema older than the code.
        assert "paperwork-migrate.service" in long_running["Unit"]["Requires"]
        assert "paperwork-migrate.service" in long_running["Unit"]["After"]
    # A worker's runs stop at an item and release their leases: it gets longer than a request.
    assert seconds(one(worker, "TimeoutStopSec")) > seconds(one(api, "TimeoutStopSec"))
    for unit in (api, worker, migrate):
        assert one(unit, "EnvironmentFile") == "/etc/paperwork/paperwork.env"
        assert one(unit, "User") == "paperwork"
        assert one(unit, "NoNewPrivileges") == "yes"
        assert one(unit, "ProtectSystem") == "strict"
        assert one(unit, "PrivateTmp") == "yes"
        assert "/var/lib/paperwork" in unit["Service"]["ReadWritePaths"]
        assert one(unit, "WorkingDirectory") == "/var/lib/paperwork"

    # systemd's own reading, when this machine has it (it is a tool here, not a service).
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return
    installed = tmp_path / "units"
    installed.mkdir()
    cli = Path(sys.executable).with_name("paperwork")  # the console script in this venv
    for path in UNITS.glob("*.service"):
        text = path.read_text(encoding="utf-8").replace(UNIT_BINARY, str(cli))
        (installed / path.name).write_text(text, encoding="utf-8")
    # The API template is verified as an instance, as systemd would start it.
    names = ("paperwork-api@8006.service", "paperwork-worker.service", "paperwork-migrate.service")
    verify = subprocess.run(
        [analyze, "verify", *(str(installed / name) for name in names)],
        env={**os.environ, "SYSTEMD_UNIT_PATH": f"{installed}:"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    complaints = [
        line for line in (verify.stdout + verify.stderr).splitlines() if "paperwork" in line
    ]
    assert verify.returncode == 0 and complaints == [], verify.stdout + verify.stderr


# --- the nginx site ---


@dataclass
class NginxSite:
    prefix: Path
    conf: Path
    port: int
    upstream_ports: tuple[int, int]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, *extra: str) -> list[str]:
        assert NGINX is not None
        error_log = self.prefix / "logs" / "error.log"
        return [NGINX, "-p", str(self.prefix), "-c", str(self.conf), "-e", str(error_log), *extra]

    def access_log(self) -> str:
        path = self.prefix / "logs" / "paperwork.access.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, f"{old!r} is no longer in {SITE.name}: update this test's rewrite"
    return text.replace(old, new)


@pytest.fixture
def nginx_site(tmp_path: Path) -> NginxSite:
    """The site with its ports and production paths moved into the test's folder, included in
    an ``http {}`` block like Debian's (which already turns gzip on)."""
    if NGINX is None:
        if IN_CI:
            pytest.fail("CI=true but nginx is not installed: the deploy tests must run")
        pytest.skip("nginx is not installed")
    prefix = tmp_path / "nginx"
    for folder in ("logs", "temp"):
        (prefix / folder).mkdir(parents=True)
    port, first, second = free_port(), free_port(), free_port()
    site = SITE.read_text(encoding="utf-8")
    site = _replace(site, "server 127.0.0.1:8006 ", f"server 127.0.0.1:{first} ")
    site = _replace(site, "server 127.0.0.1:8007 ", f"server 127.0.0.1:{second} ")
    site = _replace(site, "    listen 80;", f"    listen 127.0.0.1:{port};")
    site = _replace(site, "    listen [::]:80;", "")
    site = _replace(site, "/var/log/nginx/", f"{prefix}/logs/")
    site = _replace(site, "/var/lib/nginx/paperwork-cache", f"{prefix}/cache")
    (prefix / "paperwork.conf").write_text(site, encoding="utf-8")

    # nginx started by root would hand its workers to `nobody`, who cannot enter tmp_path.
    user = ""
    if os.geteuid() == 0:
        user = f"user {pwd.getpwuid(0).pw_name} {grp.getgrgid(os.getegid()).gr_name};"
    mime_types = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    temp = prefix / "temp"
    conf = prefix / "nginx.conf"
    conf.write_text(
        f"""
daemon off;
{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log;
events {{ worker_connections 256; }}
http {{
    {mime_types}
    default_type application/octet-stream;
    gzip on;
    access_log {prefix}/logs/access.log;
    client_body_temp_path {temp}/client_body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {prefix}/paperwork.conf;
}}
""",
        encoding="utf-8",
    )
    return NginxSite(prefix, conf, port, (first, second))


def test_the_nginx_site_passes_nginx_t(nginx_site: NginxSite) -> None:
    checked = subprocess.run(nginx_site.command("-t"), capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr


@dataclass
class ApiProcess:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _run(command: list[str], env: dict[str, str], cwd: Path) -> None:
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, timeout=COMMAND_SECONDS)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args} stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{url} did not answer within {START_SECONDS} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture
def deployment(nginx_site: NginxSite, tmp_path: Path) -> Iterator[list[ApiProcess]]:
    """A migrated SQLite database holding the bizinfo sample, two API processes started with the
    unit's command line on the site's upstream ports, and nginx in front of them."""
    key_file = tmp_path / ".env.ai"
    key_file.write_text("API_RATE_LIMIT=100000\n", encoding="utf-8")
    key_file.chmod(0o600)
    env = {
        **os.environ,
        "PAPERWORK_DATABASE_URL": f"sqlite:///{tmp_path / 'paperwork.db'}",
        "PAPERWORK_ENV_AI_FILE": str(key_file),
        "PAPERWORK_FILES_DIR": str(tmp_path / "files"),
        "PAPERWORK_RATE_LIMIT_STORAGE": "memory://",
        # nginx is on this host, as in the example file.
        "PAPERWORK_TRUSTED_PROXIES": example_values()["PAPERWORK_TRUSTED_PROXIES"],
        "PAPERWORK_LOG_LEVEL": "INFO",  # the access lines, with their request ids
    }
    _run(command_of(read_unit(UNITS / "paperwork-migrate.service")), env, tmp_path)
    _run([sys.executable, "-m", "paperwork", "import", "bizinfo", str(SAMPLE)], env, tmp_path)

    api_unit = read_unit(UNITS / "paperwork-api@.service")
    started: list[subprocess.Popen[bytes]] = []
    apis = []
    try:
        for port in nginx_site.upstream_ports:
            log = tmp_path / f"api-{port}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    command_of(api_unit, port=port),
                    env=env,
                    cwd=tmp_path,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            started.append(process)
            apis.append(ApiProcess(port, process, log))
        for api in apis:
            _wait_for(f"http://127.0.0.1:{api.port}/health", api.process, api.log)
        error_log = nginx_site.prefix / "logs" / "error.log"
        nginx = subprocess.Popen(
            nginx_site.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        started.append(nginx)
        _wait_for(f"{nginx_site.base_url}/health", nginx, error_log)
        yield apis
    finally:
        for process in started:
            _stop(process)


def _lines_with(read_log: Callable[[], str], word: str) -> list[str]:
    """The log's lines holding ``word`` (a whole space-separated word). Both nginx and the API
    write a request's line just after its answer has gone out: it may trail a little."""
    deadline = time.monotonic() + LOG_SECONDS
    while True:
        lines = [line for line in read_log().splitlines() if word in line.split(" ")]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def _line_of(read_log: Callable[[], str], request_id: str) -> str:
    lines = _lines_with(read_log, f"request_id={request_id}")
    assert len(lines) == 1, f"request {request_id} in the log: {lines}"
    return lines[0]


def test_nginx_in_front_of_two_api_processes(
    nginx_site: NginxSite, deployment: list[ApiProcess]
) -> None:
    first, second = deployment
    direct = httpx.get(f"http://127.0.0.1:{first.port}/api/v1/programs", timeout=HTTP_TIMEOUT)
    assert direct.status_code == 200 and direct.json()["data"]["total"] > 0

    with httpx.Client(base_url=nginx_site.base_url, timeout=HTTP_TIMEOUT) as client:
        # Answers come through, from both processes in turn.
        answers = [client.get("/api/v1/programs") for _ in range(4)]
        assert [answer.status_code for answer in answers] == [200] * 4
        assert {a.json()["data"]["total"] for a in answers} == {direct.json()["data"]["total"]}
        assert _lines_with(nginx_site.access_log, f"upstream=127.0.0.1:{first.port}")
        assert _lines_with(nginx_site.access_log, f"upstream=127.0.0.1:{second.port}")

        # JSON is compressed (the processes send it plain).
        assert direct.headers.get("content-encoding") is None
        assert answers[0].headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in answers[0].headers["vary"]

        # nginx gives a request without an id its own; the answer and both logs carry it.
        request_id = answers[0].headers["x-request-id"]
        assert NGINX_REQUEST_ID.match(request_id)
        _line_of(nginx_site.access_log, request_id)
        _line_of(lambda: first.log_text() + second.log_text(), request_id)
        # A client's own id is kept all the way.
        own = client.get("/health", headers={"X-Request-ID": "deploy-check-1"})
        assert own.headers["x-request-id"] == "deploy-check-1"
        _line_of(nginx_site.access_log, "deploy-check-1")

        # The dashboard's files: nginx keeps them; browsers still revalidate (the app's header).
        static = [client.get("/admin-dashboard/static/js/app.js") for _ in range(2)]
        assert [s.status_code for s in static] == [200, 200]
        assert [s.headers["x-cache-status"] for s in static] == ["MISS", "HIT"]
        assert static[0].content == static[1].content
        assert static[1].headers["cache-control"] == "no-cache"

    # A client's own X-Forwarded-For gains nothing: the API names the address nginx saw.
    spoofer = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=nginx_site.base_url, transport=spoofer, timeout=5) as client:
        spoofed = client.get(
            "/api/v1/programs",
            headers={"X-Forwarded-For": "203.0.113.9", "X-Request-ID": "deploy-spoof-1"},
        )
    assert spoofed.status_code == 200
    line = _line_of(lambda: first.log_text() + second.log_text(), "deploy-spoof-1")
    assert "client=127.0.0.2" in line.split(" ")

    # One process dies (kill -9): GETs keep being answered, the failed try moved to the other.
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=15)
    with httpx.Client(base_url=nginx_site.base_url, timeout=HTTP_TIMEOUT) as client:
        after_kill = [client.get("/api/v1/programs") for _ in range(6)]
    assert [answer.status_code for answer in after_kill] == [200] * 6
    # (nginx writes the addresses it tried: "upstream=A:port, B:port".)
    assert _lines_with(nginx_site.access_log, f"upstream=127.0.0.1:{first.port},")

    # The other stops as its unit stops it (SIGTERM), within TimeoutStopSec and cleanly: the
    # app's shutdown ran. (uvicorn re-raises the signal once done; systemd counts an end by
    # SIGTERM as a clean one, so Restart=on-failure leaves it stopped.)
    stop_seconds = seconds(one(read_unit(UNITS / "paperwork-api@.service"), "TimeoutStopSec"))
    second.process.send_signal(signal.SIGTERM)
    assert second.process.wait(timeout=stop_seconds) in (0, -signal.SIGTERM)
    assert "app.stopped" in second.log_text()
    # With no process left, the dashboard's files are still served from nginx's copy.
    with httpx.Client(base_url=nginx_site.base_url, timeout=HTTP_TIMEOUT) as client:
        kept = client.get("/admin-dashboard/static/js/app.js")
    assert kept.status_code == 200 and kept.content == static[0].content
