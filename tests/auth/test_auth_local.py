"""Local mode: no identity provider, so loopback only, as the local administrator, and it says so."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mo.app import create_app
from mo.auth.http import bind_refusal
from mo.cli import main
from mo.config import LOCAL_ADMIN, Settings

ME = "query { me { actor { uuid } roles } }"


def test_local_mode_binds_to_loopback_only() -> None:
    local = Settings(keycloak_url=None)
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert bind_refusal(local, host) is None, host
    for host in ("0.0.0.0", "::", "192.168.1.10", "mo.example.org"):
        refusal = bind_refusal(local, host)
        assert refusal is not None and "local mode" in refusal and "MO_KEYCLOAK_URL" in refusal
    assert bind_refusal(Settings(keycloak_url="http://keycloak:8080"), "0.0.0.0") is None


def test_mo_serve_refuses_another_address_in_local_mode(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("mo.cli.get_settings", lambda: Settings(keycloak_url=None))
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--host", "0.0.0.0"])
    assert exited.value.code == 2
    assert "refusing to listen on 0.0.0.0" in capsys.readouterr().err


def test_mo_serve_says_it_runs_in_local_mode(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MO_KEYCLOAK")}
    env.update(MO_DATABASE_URL=f"sqlite:///{tmp_path / 'mo.sqlite'}", MO_PORT=str(port))
    server = subprocess.Popen(
        [sys.executable, "-m", "mo", "serve", "--upgrade"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        lines = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            lines.append(line)
            if "Uvicorn running" in line or not line:
                break
        output = "".join(lines)
        assert "local mode" in output and "loopback only" in output, output
        me = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": ME}, timeout=10).json()
        assert me == {"data": {"me": {"actor": {"uuid": str(LOCAL_ADMIN)}, "roles": ["admin"]}}}
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()


async def test_local_mode_serves_loopback_clients_as_the_local_admin(sqlite_engine: AsyncEngine) -> None:
    app = create_app(Settings(database_url=sqlite_engine.url.render_as_string(hide_password=False), keycloak_url=None))
    async with app.router.lifespan_context(app):
        for client, status in ((("127.0.0.1", 5555), 200), (("10.1.2.3", 5555), 403)):
            transport = httpx.ASGITransport(app=app, client=client)
            async with httpx.AsyncClient(transport=transport, base_url="http://mo") as http:
                response = await http.post("/graphql", json={"query": ME})
            assert response.status_code == status, response.text
    assert "local mode" in response.json()["reason"]
