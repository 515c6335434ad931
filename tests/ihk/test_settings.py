"""Production settings: no start without a secret key; Django's deployment checks pass."""

from tests.commands import run_manage


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", DEBUG="False", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY muss gesetzt sein" in result.stderr


def test_production_refuses_the_development_key():
    result = run_manage("check", DEBUG="False", SECRET_KEY="django-insecure-dev-only-never-use-in-production")
    assert result.returncode != 0
    assert "Entwicklungs- oder zu kurzer Schlüssel" in result.stderr


def test_deploy_checks_pass_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY="x" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
        ALLOWED_HOSTS="ihk.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
