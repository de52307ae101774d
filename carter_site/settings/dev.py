"""Development: one person on one machine, SQLite and demo content by default."""

from .base import *  # noqa: F403
from .environment import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
# A development-only key. prod.py refuses it (see KNOWN_DEVELOPMENT_KEYS there).
SECRET_KEY = env_str("SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
