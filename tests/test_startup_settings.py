"""Settings come from keywords, the environment, ``.env`` and defaults, in that
order, and parse as they did under pydantic-settings (see ``mo.config``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mo.config import DEFAULT_SQLITE, Settings, SettingsError


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ``MO_`` variables of the caller's, and a working directory without ``.env``."""
    for name in list(os.environ):
        if name.lower().startswith("mo_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_without_environment() -> None:
    settings = Settings()
    assert settings.database_url == DEFAULT_SQLITE
    assert (settings.host, settings.port, settings.sql_echo) == ("127.0.0.1", 5000, False)
    assert settings.keycloak_url is None
    assert settings.relay_lease_seconds == 30.0 and isinstance(settings.relay_lease_seconds, float)


def test_a_keyword_beats_the_environment_which_beats_dot_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("MO_PORT=6001\nMO_HOST=0.0.0.0\nmo_timezone=UTC\nOTHER=1\n", encoding="utf-8")
    monkeypatch.setenv("MO_PORT", "6002")
    assert Settings().port == 6002
    assert Settings().host == "0.0.0.0"
    assert Settings().timezone == "UTC"
    assert Settings(port=6003).port == 6003


def test_variable_names_are_matched_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("mo_keycloak_realm", "lower")
    assert Settings().keycloak_realm == "lower"


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", True), ("true", True), ("True", True), ("YES", True), ("on", True), ("t", True), ("y", True),
     ("0", False), ("false", False), ("No", False), ("off", False), ("f", False), ("n", False)],
)
def test_booleans(monkeypatch: pytest.MonkeyPatch, text: str, value: bool) -> None:
    monkeypatch.setenv("MO_SQL_ECHO", text)
    assert Settings().sql_echo is value


@pytest.mark.parametrize(
    ("text", "value"),
    [("5000", 5000), (" 5001 ", 5001), ("5_002", 5002), ("5003.0", 5003), ("+5004", 5004), ("-1", -1)],
)
def test_integers(monkeypatch: pytest.MonkeyPatch, text: str, value: int) -> None:
    monkeypatch.setenv("MO_PORT", text)
    assert Settings().port == value


@pytest.mark.parametrize(
    ("variable", "text"),
    [("MO_PORT", ""), ("MO_PORT", "50.5"), ("MO_PORT", "0x10"), ("MO_PORT", "1e3"), ("MO_PORT", "5000."),
     ("MO_SQL_ECHO", ""), ("MO_SQL_ECHO", " true"), ("MO_SQL_ECHO", "2"),
     ("MO_RELAY_LEASE_SECONDS", ""), ("MO_RELAY_LEASE_SECONDS", "soon")],
)
def test_a_value_that_does_not_parse_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, text: str
) -> None:
    monkeypatch.setenv(variable, text)
    with pytest.raises(SettingsError, match=f"^{variable}="):
        Settings()


def test_numbers_and_optional_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MO_RELAY_LEASE_SECONDS", "1e2")
    monkeypatch.setenv("MO_KEYCLOAK_URL", "")
    settings = Settings()
    assert settings.relay_lease_seconds == 100.0
    assert settings.keycloak_url == ""  # set but empty: local mode, as before


def test_keywords_are_checked_and_text_is_parsed() -> None:
    assert Settings(port="7000").port == 7000
    assert Settings(relay_poll_seconds=1).relay_poll_seconds == 1.0
    assert Settings(keycloak_url=None).keycloak_url is None
    assert Settings(unknown="ignored").port == 5000
    with pytest.raises(SettingsError):
        Settings(port="x")
    with pytest.raises(SettingsError):
        Settings(database_url=None)


@pytest.mark.parametrize(
    ("url", "normalised"),
    [("postgresql://u@h/d", "postgresql+psycopg://u@h/d"), ("postgres://h/d", "postgresql+psycopg://h/d"),
     ("sqlite:///x.db", "sqlite+aiosqlite:///x.db")],
)
def test_database_urls_get_the_async_drivers(monkeypatch: pytest.MonkeyPatch, url: str, normalised: str) -> None:
    assert Settings(database_url=url).database_url == normalised
    monkeypatch.setenv("MO_DATABASE_URL", url)
    assert Settings().database_url == normalised
