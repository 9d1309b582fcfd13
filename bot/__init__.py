"""Slack app, CLI and the settings that wire kpibot together."""
