"""`make run`: the embedded SQLite demo. DEBUG on, so development keys are allowed."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECURE_COOKIES", "false")

from config.settings.base import *  # noqa: F403
