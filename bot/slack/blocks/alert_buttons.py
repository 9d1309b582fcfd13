"""The alert message's buttons, the value they carry, and the modals two of them open.

Every button carries the same value, an `AlertRef` written `v1|<kpi>|<episode>`: a button
press comes back from Slack as plain JSON anyone in the workspace could forge, so the value
is parsed strictly on receipt (`AlertRef.parse`), and whatever does not match is refused
before anything is read or written. The press is then checked against the stored state: a
button of an episode that has ended changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.slack.blocks.ids import ActionId, BlockId, CallbackId
from bot.slack.blocks.limits import BUTTON_TEXT, VIEW_TITLE
from bot.slack.blocks.message import context, plain
from bot.slack.copy import normalize_locale, t
from bot.slack.copy.keys import Text
from storage.actions import MAX_ACTION_LENGTH
from storage.alerts import MAX_REASON_CHARS

_VALUE = re.compile(r"v1\|([a-z][a-z0-9_]{0,99})\|([1-9][0-9]{0,8})")
_CHANNEL = re.compile(r"[CDG][A-Z0-9]{2,20}")
# What an input label or placeholder may hold.
INPUT_LABEL = 2000
OPTION_TEXT = 75


@dataclass(frozen=True)
class AlertRef:
    """Which alert a button belongs to: a KPI's episode."""

    kpi: str
    episode: int

    @property
    def value(self) -> str:
        """The button value."""
        return f"v1|{self.kpi}|{self.episode}"

    @classmethod
    def parse(cls, value: object) -> AlertRef | None:
        """The alert a button value names; None for anything not written by `value`."""
        if not isinstance(value, str) or len(value) > 120:
            return None
        match = _VALUE.fullmatch(value)
        return None if match is None else cls(match.group(1), int(match.group(2)))


@dataclass(frozen=True)
class ModalContext:
    """What a modal opened from an alert button remembers (`private_metadata`): the alert,
    and the channel it was pressed in, whose membership the submission checks again."""

    ref: AlertRef
    channel: str

    @property
    def value(self) -> str:
        """The private metadata."""
        return f"{self.ref.value}|{self.channel}"

    @classmethod
    def parse(cls, value: object) -> ModalContext | None:
        """The context a modal's metadata names; None for anything `value` did not write."""
        if not isinstance(value, str) or len(value) > 160:
            return None
        head, _, channel = value.rpartition("|")
        ref = AlertRef.parse(head)
        if ref is None or not _CHANNEL.fullmatch(channel):
            return None
        return cls(ref, channel)


class SnoozeLength(StrEnum):
    """How long a snooze lasts."""

    DAY = "1d"
    WEEK = "1w"
    NEXT_PERIOD = "next_period"  # until the KPI's next period starts


_SNOOZE_LABELS = {
    SnoozeLength.DAY: Text.SNOOZE_DAY,
    SnoozeLength.WEEK: Text.SNOOZE_WEEK,
    SnoozeLength.NEXT_PERIOD: Text.SNOOZE_NEXT_PERIOD,
}


def snooze_length_label(length: SnoozeLength, locale: str) -> str:
    """The name of a snooze's length, as the snooze modal offers it: 1日 or 1 day."""
    return t(locale, _SNOOZE_LABELS[length])


def _button(label: Text, action: ActionId, ref: AlertRef, locale: str) -> ButtonElement:
    return ButtonElement(
        text=plain(t(locale, label), BUTTON_TEXT), action_id=action.value, value=ref.value
    )


def alert_buttons(kpi_id: str, episode: int, locale: str) -> ActionsBlock:
    """The buttons under an alert: acknowledge, snooze, record an action, details."""
    ref = AlertRef(kpi_id, episode)
    if AlertRef.parse(ref.value) != ref:
        raise ValueError(f"not an alert a button can name: {kpi_id!r} episode {episode!r}")
    locale = normalize_locale(locale)
    acknowledge = _button(Text.ALERT_BUTTON_ACKNOWLEDGE, ActionId.ALERT_ACKNOWLEDGE, ref, locale)
    acknowledge.style = "primary"
    return ActionsBlock(
        block_id=f"{BlockId.ALERT_BUTTONS}.{kpi_id}.{episode}",
        elements=[
            acknowledge,
            _button(Text.ALERT_BUTTON_SNOOZE, ActionId.ALERT_SNOOZE, ref, locale),
            _button(Text.ALERT_BUTTON_RECORD_ACTION, ActionId.ALERT_RECORD_ACTION, ref, locale),
            _button(Text.ALERT_BUTTON_DETAILS, ActionId.ALERT_DETAILS, ref, locale),
        ],
    )


def _modal(
    callback: CallbackId, title: Text, submit: Text, where: ModalContext, locale: str
) -> View:
    return View(
        type="modal",
        callback_id=callback.value,
        private_metadata=where.value,
        title=plain(t(locale, title), VIEW_TITLE),
        submit=plain(t(locale, submit), VIEW_TITLE),
        close=plain(t(locale, Text.CLOSE), VIEW_TITLE),
    )


def snooze_modal(where: ModalContext, kpi_name: str, locale: str) -> View:
    """Ask why and how long to snooze an alert (the reason is required)."""
    locale = normalize_locale(locale)
    view = _modal(CallbackId.ALERT_SNOOZE, Text.SNOOZE_TITLE, Text.SNOOZE_SUBMIT, where, locale)
    options = [
        Option(value=length.value, text=plain(t(locale, label), OPTION_TEXT))
        for length, label in _SNOOZE_LABELS.items()
    ]
    view.blocks = [
        context(t(locale, Text.ALERT_MODAL_KPI, kpi=kpi_name)),
        InputBlock(
            block_id=BlockId.SNOOZE_LENGTH.value,
            label=plain(t(locale, Text.SNOOZE_LENGTH_LABEL), INPUT_LABEL),
            element=StaticSelectElement(
                action_id=ActionId.SNOOZE_LENGTH.value, options=options, initial_option=options[0]
            ),
        ),
        InputBlock(
            block_id=BlockId.SNOOZE_REASON.value,
            label=plain(t(locale, Text.SNOOZE_REASON_LABEL), INPUT_LABEL),
            element=PlainTextInputElement(
                action_id=ActionId.SNOOZE_REASON.value,
                multiline=True,
                max_length=MAX_REASON_CHARS,
            ),
        ),
    ]
    return view


def record_action_modal(where: ModalContext, kpi_name: str, locale: str) -> View:
    """Ask what will be done about an alert, by whom, by when."""
    locale = normalize_locale(locale)
    view = _modal(
        CallbackId.ALERT_RECORD_ACTION,
        Text.RECORD_ACTION_TITLE,
        Text.RECORD_ACTION_SUBMIT,
        where,
        locale,
    )
    view.blocks = [
        context(t(locale, Text.ALERT_MODAL_KPI, kpi=kpi_name)),
        InputBlock(
            block_id=BlockId.ACTION_TEXT.value,
            label=plain(t(locale, Text.RECORD_ACTION_TEXT_LABEL), INPUT_LABEL),
            element=PlainTextInputElement(
                action_id=ActionId.ACTION_TEXT.value, multiline=True, max_length=MAX_ACTION_LENGTH
            ),
        ),
        InputBlock(
            block_id=BlockId.ACTION_OWNER.value,
            label=plain(t(locale, Text.RECORD_ACTION_OWNER_LABEL), INPUT_LABEL),
            element=UserSelectElement(action_id=ActionId.ACTION_OWNER.value),
            optional=True,
        ),
        InputBlock(
            block_id=BlockId.ACTION_DUE.value,
            label=plain(t(locale, Text.RECORD_ACTION_DUE_LABEL), INPUT_LABEL),
            element=DatePickerElement(action_id=ActionId.ACTION_DUE.value),
            optional=True,
        ),
    ]
    return view
