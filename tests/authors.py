"""Who the tests' changes to the measurements are by, for the history they leave."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.measurements import Author

TEST_AUTHOR = Author(by="test", at=datetime(2026, 11, 23, 1, 2, 3, tzinfo=UTC))
