"""Fixtures every test may use, and a private data folder for the whole run."""

import os
import tempfile

from tests.postgres import postgres_database, postgres_server  # noqa: F401  (pytest finds fixtures by name)

# Pages open the course's store on first use; in tests it must never be the user's own
# (platformdirs' data folder). Set before any test imports the app, and inherited by the
# app servers the browser tests start.
os.environ["HINGE_DATA_DIR"] = tempfile.mkdtemp(prefix="hinge-test-data-")
os.environ.pop("DATABASE_URL", None)
