"""The one reader of kb's environment: settings and the gunicorn config use it.

environs (marshmallow underneath) casts each variable and, when a value does
not parse, raises `EnvValidationError` naming the variable
(`Environment variable "KB_LOGIN_FAILURE_LIMIT" invalid: Not a valid integer.`).
Variables come from the process environment, then from a `.env` file at the
project root when there is one (see `.env.example`); the file never
overrides the environment.
"""

from pathlib import Path

from environs import Env

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
env.read_env(BASE_DIR / ".env", recurse=False)


@env.parser_for("names")
def _names(value: str) -> list[str]:
    """Comma-separated names, spaces around them and empty items dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]
