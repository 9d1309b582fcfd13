"""Block Kit builders: pure functions from engine objects to Slack messages and views."""
