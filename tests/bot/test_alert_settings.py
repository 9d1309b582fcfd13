"""The alert settings: the leadership mention validated at start, the alerts channel's
default, and the policy they make."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from bot.jobs.alerts import policy_from
from bot.settings import SettingCode, SettingProblem, Settings
from bot.settings_problems import setting_problem_message
from kpi_engine.levels import Level


def test_leadership_mentions_are_normalised_from_groups_users_and_bare_ids() -> None:
    settings = Settings.model_validate(
        {"leadership_mention": "<!subteam^S0LEADS|@leads>, <@U0BOSS>, W0GRID"}
    )
    assert settings.leadership_mention == ["<!subteam^S0LEADS>", "<@U0BOSS>", "<@W0GRID>"]


@pytest.mark.parametrize(
    "mention", ["<!channel>", "@here", "<!subteam^s0lower>", "<@U0BOSS", "C0CHANNEL", "U0 X"]
)
def test_anything_else_is_refused_with_what_to_write(mention: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings.model_validate({"leadership_mention": mention})
    (error,) = refused.value.errors()
    assert (error["type"], error["ctx"]) == (SettingCode.NOT_A_MENTION, {"value": mention})
    words = setting_problem_message(
        SettingProblem("KPIBOT_LEADERSHIP_MENTION", SettingCode.NOT_A_MENTION, error["ctx"]), "en"
    )
    assert words == (
        f"KPIBOT_LEADERSHIP_MENTION: not a Slack mention: {mention!r} (write "
        "<!subteam^S012AB3CD> for a user group, or <@U012AB3CD> or U012AB3CD for a person; "
        "comma-separated)"
    )


def test_the_alerts_channel_defaults_to_the_team_channel() -> None:
    assert Settings.model_validate({"channel_team": "C0TEAM"}).alerts_channel == "C0TEAM"
    both = Settings.model_validate({"channel_team": "C0TEAM", "channel_alerts": "C0ALERTS"})
    assert both.alerts_channel == "C0ALERTS"
    with pytest.raises(ValidationError) as refused:
        Settings.model_validate({"channel_alerts": "#alerts"})
    assert [error["type"] for error in refused.value.errors()] == [SettingCode.NOT_A_CHANNEL]


def test_the_policy_follows_the_settings() -> None:
    default = policy_from(Settings.model_validate({}))
    assert default.confirmations == {Level.YELLOW: 2, Level.ORANGE: 2, Level.RED: 0}
    assert (default.red_repeat, default.orange_repeat) == (timedelta(hours=24), timedelta(hours=72))
    custom = policy_from(
        Settings.model_validate(
            {"alert_confirmations": 3, "alert_confirmations_red": 1, "red_repeat_hours": 6}
        )
    )
    assert custom.confirmations == {Level.YELLOW: 3, Level.ORANGE: 3, Level.RED: 1}
    assert custom.red_repeat == timedelta(hours=6)
    assert Settings.model_validate({}).alert_interval == timedelta(minutes=15)
    with pytest.raises(ValidationError):
        Settings.model_validate({"alert_resolved_notice_levels": "green"})
