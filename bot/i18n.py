"""Every user-facing string of the Slack app, in Japanese (`ja`, the default) and English.

Templates are Slack mrkdwn: `*bold*` and backquotes are markup, and they never contain
`&`, `<` or `>` raw, so a builder escapes only the values it formats into them.
"""

# Full-width brackets and the wave dash are the correct punctuation of Japanese copy.
# ruff: noqa: RUF001

from __future__ import annotations

from enum import StrEnum
from typing import Any

from kpi_engine.catalog import Tier, Unit, UpdateFrequency
from kpi_engine.levels import Level

DEFAULT_LOCALE = "ja"
LOCALES = ("ja", "en")


class Text(StrEnum):
    """The key of one user-facing string."""

    # Shared pieces
    RANGE = "range"
    UNTIL = "until"
    AS_OF = "as_of"
    SAMPLE = "sample"
    COUNT_ITEMS = "count_items"
    COUNT_PEOPLE = "count_people"
    FIELD = "field"
    PAREN = "paren"
    SEPARATOR = "separator"
    MORE = "more"
    BUTTON_DETAILS = "button_details"
    # Levels
    LEVEL_GREEN = "level_green"
    LEVEL_YELLOW = "level_yellow"
    LEVEL_ORANGE = "level_orange"
    LEVEL_RED = "level_red"
    LEVEL_NO_DATA = "level_no_data"
    LEVEL_INSUFFICIENT_DATA = "level_insufficient_data"
    # Tiers and update frequencies
    TIER_STRATEGIC = "tier_strategic"
    TIER_BUSINESS = "tier_business"
    TIER_OPERATIONAL = "tier_operational"
    TIER_CUSTOMER = "tier_customer"
    FREQUENCY_REALTIME = "frequency_realtime"
    FREQUENCY_DAILY = "frequency_daily"
    FREQUENCY_WEEKLY = "frequency_weekly"
    FREQUENCY_MONTHLY = "frequency_monthly"
    FREQUENCY_QUARTERLY = "frequency_quarterly"
    # One KPI
    KPI_BASIS_PREVIOUS = "kpi_basis_previous"
    KPI_NO_DATA = "kpi_no_data"
    KPI_INSUFFICIENT = "kpi_insufficient"
    KPI_CURRENT = "kpi_current"
    KPI_PREVIOUS = "kpi_previous"
    KPI_LAST_YEAR = "kpi_last_year"
    KPI_TARGET = "kpi_target"
    KPI_NO_TARGET = "kpi_no_target"
    KPI_LONG_TERM_GOAL = "kpi_long_term_goal"
    KPI_DUE = "kpi_due"
    KPI_NO_DUE = "kpi_no_due"
    KPI_JUDGED_NOW = "kpi_judged_now"
    KPI_ATTAINMENT = "kpi_attainment"
    KPI_VS_PREVIOUS = "kpi_vs_previous"
    KPI_VS_LAST_YEAR = "kpi_vs_last_year"
    KPI_PROJECTED_VS_PREVIOUS = "kpi_projected_vs_previous"
    KPI_PROJECTED_VS_LAST_YEAR = "kpi_projected_vs_last_year"
    KPI_PROJECTION = "kpi_projection"
    KPI_TREND = "kpi_trend"
    KPI_RULE = "kpi_rule"
    KPI_METHOD = "kpi_method"
    KPI_FREQUENCY = "kpi_frequency"
    KPI_FALLBACK = "kpi_fallback"
    # Status of every KPI
    STATUS_TITLE = "status_title"
    STATUS_TITLE_FILTERED = "status_title_filtered"
    STATUS_LINE = "status_line"
    STATUS_TARGET_NOW = "status_target_now"
    STATUS_ON_PREVIOUS = "status_on_previous"
    STATUS_NONE = "status_none"
    STATUS_HINT = "status_hint"
    STATUS_FALLBACK = "status_fallback"
    # Help
    HELP_TITLE = "help_title"
    HELP_COMMANDS = "help_commands"
    HELP_PRIVACY = "help_privacy"
    # Short answers
    UNKNOWN_KPI = "unknown_kpi"
    UNKNOWN_SUGGEST = "unknown_suggest"
    UNKNOWN_NO_SUGGESTION = "unknown_no_suggestion"
    RESTRICTED = "restricted"
    NOT_ADMIN = "not_admin"
    NOT_ADMIN_ASK = "not_admin_ask"
    NOT_ADMIN_NONE = "not_admin_none"
    RECORD_STORED = "record_stored"
    RECORD_UPDATED = "record_updated"
    NOT_RECORDABLE = "not_recordable"
    # Usage errors: one per `bot.grammar.Problem`
    USAGE_TOO_LONG = "usage_too_long"
    USAGE_RECORD = "usage_record"
    USAGE_BAD_VALUE = "usage_bad_value"
    USAGE_BAD_DATE = "usage_bad_date"
    USAGE_BAD_LEVEL = "usage_bad_level"
    USAGE_EXTRA_WORDS = "usage_extra_words"
    ERROR = "error"
    ERROR_REFERENCE = "error_reference"
    INVITE_BOT = "invite_bot"
    BUSY = "busy"
    CLOSE = "close"
    DATABASE_BUSY = "database_busy"
    DATABASE_DOWN = "database_down"
    CHART_PENDING = "chart_pending"
    STATUS_PENDING = "status_pending"
    # App Home
    HOME_TITLE = "home_title"
    HOME_SALES = "home_sales"
    HOME_REVENUE = "home_revenue"
    HOME_PAYMENTS = "home_payments"
    HOME_ENROLLMENTS = "home_enrollments"
    HOME_NEW_CUSTOMERS = "home_new_customers"
    HOME_SYSTEM = "home_system"
    HOME_UPTIME_TODAY = "home_uptime_today"
    HOME_UPTIME_MONTH = "home_uptime_month"
    HOME_SYSTEM_NOW = "home_system_now"
    HOME_UP = "home_up"
    HOME_DOWN_SINCE = "home_down_since"
    HOME_SUPPORT = "home_support"
    HOME_OPEN_TICKETS = "home_open_tickets"
    HOME_ANSWERED_24H = "home_answered_24h"
    HOME_ANSWERED_48H = "home_answered_48h"
    HOME_LEARNING = "home_learning"
    HOME_ACTIVE_STUDENTS = "home_active_students"
    HOME_COMPLETION = "home_completion"
    HOME_RESTRICTED = "home_restricted"
    HOME_RESTRICTED_NOTE = "home_restricted_note"

    # Charts
    CHART_TITLE = "chart_title"
    CHART_ACTUAL = "chart_actual"
    CHART_TARGET = "chart_target"
    CHART_PERIOD = "chart_period"
    UNIT_COUNT = "unit_count"
    UNIT_JPY = "unit_jpy"
    UNIT_PERCENT = "unit_percent"
    UNIT_POINT = "unit_point"
    UNIT_SCORE = "unit_score"
    UNIT_RATIO = "unit_ratio"
    UNIT_RANK = "unit_rank"


_JA: dict[Text, str] = {
    Text.CHART_TITLE: "{name}【{level}】",
    Text.CHART_ACTUAL: "実績",
    Text.CHART_TARGET: "目標",
    Text.CHART_PERIOD: "期間",
    Text.UNIT_COUNT: "件数・人数",
    Text.UNIT_JPY: "円",
    Text.UNIT_PERCENT: "%",
    Text.UNIT_POINT: "ポイント",
    Text.UNIT_SCORE: "スコア",
    Text.UNIT_RATIO: "倍率",
    Text.UNIT_RANK: "順位",
    Text.RANGE: "{start}〜{end}",
    Text.UNTIL: "〜{end}",
    Text.AS_OF: "{moment} 時点",
    Text.SAMPLE: "n={n}",
    Text.COUNT_ITEMS: "{n:,}件",
    Text.COUNT_PEOPLE: "{n:,}人",
    Text.FIELD: "*{label}*\n{value}",
    Text.PAREN: "{text}（{note}）",
    Text.SEPARATOR: "、",
    Text.MORE: "ほか {n} 件は表示しきれないため省略しました。",
    Text.BUTTON_DETAILS: "詳細",
    Text.LEVEL_GREEN: "順調",
    Text.LEVEL_YELLOW: "注意",
    Text.LEVEL_ORANGE: "警戒",
    Text.LEVEL_RED: "緊急",
    Text.LEVEL_NO_DATA: "データなし",
    Text.LEVEL_INSUFFICIENT_DATA: "サンプル不足",
    Text.TIER_STRATEGIC: "戦略KPI",
    Text.TIER_BUSINESS: "事業KPI",
    Text.TIER_OPERATIONAL: "運営KPI",
    Text.TIER_CUSTOMER: "顧客KPI",
    Text.FREQUENCY_REALTIME: "リアルタイム",
    Text.FREQUENCY_DAILY: "日次",
    Text.FREQUENCY_WEEKLY: "週次",
    Text.FREQUENCY_MONTHLY: "月次",
    Text.FREQUENCY_QUARTERLY: "四半期",
    Text.KPI_BASIS_PREVIOUS: (
        "今期はまだサンプルが少ないため、前期（{period}）の値で判定しています。"
    ),
    Text.KPI_NO_DATA: "この期間のデータはまだありません。",
    Text.KPI_INSUFFICIENT: "サンプルが足りないため判定できません（n={n}、必要数 {minimum}）。",
    Text.KPI_CURRENT: "今期",
    Text.KPI_PREVIOUS: "前期",
    Text.KPI_LAST_YEAR: "前年同期",
    Text.KPI_TARGET: "目標",
    Text.KPI_NO_TARGET: "目標は設定されていません",
    Text.KPI_LONG_TERM_GOAL: "長期目標",
    Text.KPI_DUE: "期限 {due}",
    Text.KPI_NO_DUE: "期限なし",
    Text.KPI_JUDGED_NOW: "現時点の判定基準 {value}",
    Text.KPI_ATTAINMENT: "達成率",
    Text.KPI_VS_PREVIOUS: "前期比 {change}",
    Text.KPI_VS_LAST_YEAR: "前年同期比 {change}",
    Text.KPI_PROJECTED_VS_PREVIOUS: "期末見込みの前期比 {change}",
    Text.KPI_PROJECTED_VS_LAST_YEAR: "期末見込みの前年同期比 {change}",
    Text.KPI_PROJECTION: "期末見込み",
    Text.KPI_TREND: "推移（{count}期間、{first}〜{last}）",
    Text.KPI_RULE: "⚠️ *アラート*: {message}",
    Text.KPI_METHOD: "測定方法: {method}",
    Text.KPI_FREQUENCY: "更新頻度: {frequency}",
    Text.KPI_FALLBACK: "{emoji} {name}: {value}（目標 {target}、達成率 {attainment}）{label}",
    Text.STATUS_TITLE: "KPIステータス",
    Text.STATUS_TITLE_FILTERED: "KPIステータス: {emoji} {label}",
    Text.STATUS_LINE: "{emoji} *{name}*: {value} / 目標 {target}、達成率 {attainment}（{label}）",
    Text.STATUS_TARGET_NOW: "現時点 {value}",
    Text.STATUS_ON_PREVIOUS: "前期の値",
    Text.STATUS_NONE: "該当するKPIはありません。",
    Text.STATUS_HINT: "各KPIの詳細は `/kpi KPI名` で表示できます。",
    Text.STATUS_FALLBACK: "KPIステータス（{moment} 時点）: {counts}",
    Text.HELP_TITLE: "kpibot の使い方",
    Text.HELP_COMMANDS: (
        "• `/kpi KPI名` — KPIの今期の値、目標、達成率、推移を表示（例: `/kpi nps`、`/kpi 売上`）\n"
        "• `/kpi status` または `/kpi 一覧` — 全KPIを階層ごとに一覧表示\n"
        "• `/kpi status red` — レベルで絞り込み（green / yellow / orange / red）\n"
        "• `/kpi KPI名 chart`（または `グラフ`）— 推移と目標線のグラフを投稿\n"
        "• `/kpi KPI名 share`（または `共有`）— 回答をチャンネルのみんなに表示\n"
        "• `/kpi record KPI名 値 [YYYY-MM-DD]` — 計測値を記録（管理者のみ）\n"
        "• `/kpi help` — この説明を表示"
    ),
    Text.HELP_PRIVACY: "回答はあなたにだけ表示されます（share を付けた場合を除く）。",
    Text.UNKNOWN_KPI: "「{query}」に一致するKPIが見つかりませんでした。",
    Text.UNKNOWN_SUGGEST: "もしかして:",
    Text.UNKNOWN_NO_SUGGESTION: "`/kpi status` で全KPIの一覧を表示できます。",
    Text.RESTRICTED: "🔒 *{name}* は閲覧が制限されたKPIのため、ここでは表示できません。",
    Text.NOT_ADMIN: "値を記録できるのは管理者だけです。",
    Text.NOT_ADMIN_ASK: "記録は次の方に依頼してください: {admins}",
    Text.NOT_ADMIN_NONE: "管理者が設定されていません（環境変数 `KPIBOT_ADMINS`）。",
    Text.RECORD_STORED: "✅ *{name}* に {value} を記録しました（{at}）。",
    Text.RECORD_UPDATED: "✅ *{name}* の {at} の値を {value} に更新しました。",
    Text.NOT_RECORDABLE: (
        "*{name}* は kpibot がデータから計算するKPIのため、値を記録できません。\n"
        "記録できるKPI: {names}"
    ),
    Text.USAGE_TOO_LONG: "入力が長すぎます。{limit}文字以内で入力してください。",
    Text.USAGE_RECORD: (
        "記録するには `/kpi record KPI名 値 [YYYY-MM-DD]` の形で入力してください。"
    ),
    Text.USAGE_BAD_VALUE: "値「{word}」は数値ではありません。数値で入力してください（例: `4.2`）。",
    Text.USAGE_BAD_DATE: (
        "「{word}」は正しい日付ではありません。"
        "YYYY-MM-DD の形で入力してください（例: `2026-11-20`）。"
    ),
    Text.USAGE_BAD_LEVEL: (
        "「{word}」はレベルとして指定できません。"
        "red / orange / yellow / green（赤 / 橙 / 黄 / 緑、緊急 / 警戒 / 注意 / 順調）"
        "のいずれかを指定してください。"
    ),
    Text.USAGE_EXTRA_WORDS: (
        "`help` や `status レベル` の後ろに余分な語「{word}」があります。"
        "取り除いてもう一度お試しください。"
    ),
    Text.ERROR: (
        "⚠️ 申し訳ありません。処理中に問題が発生しました。しばらくしてからもう一度お試しください。"
    ),
    Text.ERROR_REFERENCE: "問い合わせ番号: `{reference}`",
    Text.INVITE_BOT: (
        "kpibot はこのチャンネルに参加していません。"
        "`/invite @kpibot` を実行してから、もう一度お試しください。"
    ),
    Text.BUSY: "⏳ kpibot は現在混み合っています。1分ほどしてからもう一度お試しください。",
    Text.CLOSE: "閉じる",
    Text.DATABASE_BUSY: (
        "⏳ データの取り込み中のため、いまは処理できません。1分ほどしてからもう一度お試しください。"
    ),
    Text.DATABASE_DOWN: (
        "⚠️ データベースに接続できません。しばらくしてからもう一度お試しください。"
        "続く場合は管理者にお知らせください。"
    ),
    Text.CHART_PENDING: "📈 *{name}* のグラフを作成しています…",
    Text.STATUS_PENDING: "⏳ 全KPIを集計しています…",
    Text.HOME_TITLE: "KPIダッシュボード",
    Text.HOME_SALES: "💴 *本日の売上・新規登録*",
    Text.HOME_REVENUE: "売上",
    Text.HOME_PAYMENTS: "決済 {n:,}件",
    Text.HOME_ENROLLMENTS: "受講開始",
    Text.HOME_NEW_CUSTOMERS: "新規顧客",
    Text.HOME_SYSTEM: "🖥️ *システム稼働状況*",
    Text.HOME_UPTIME_TODAY: "本日の稼働率",
    Text.HOME_UPTIME_MONTH: "今月の稼働率",
    Text.HOME_SYSTEM_NOW: "現在",
    Text.HOME_UP: "🟢 稼働中",
    Text.HOME_DOWN_SINCE: "🔴 {since} から停止中",
    Text.HOME_SUPPORT: "🎧 *サポート対応状況*",
    Text.HOME_OPEN_TICKETS: "未対応チケット",
    Text.HOME_ANSWERED_24H: "24時間以内回答率",
    Text.HOME_ANSWERED_48H: "48時間以内回答率",
    Text.HOME_LEARNING: "📚 *受講進捗状況*",
    Text.HOME_ACTIVE_STUDENTS: "受講中の受講生",
    Text.HOME_COMPLETION: "完走率",
    Text.HOME_RESTRICTED: "🔒 非表示",
    Text.HOME_RESTRICTED_NOTE: "🔒 は閲覧が制限されたKPIに関わる数値のため、表示していません。",
}

_EN: dict[Text, str] = {
    Text.CHART_TITLE: "{name} — {level}",
    Text.CHART_ACTUAL: "actual",
    Text.CHART_TARGET: "target",
    Text.CHART_PERIOD: "period",
    Text.UNIT_COUNT: "count",
    Text.UNIT_JPY: "JPY",
    Text.UNIT_PERCENT: "%",
    Text.UNIT_POINT: "points",
    Text.UNIT_SCORE: "score",
    Text.UNIT_RATIO: "ratio",
    Text.UNIT_RANK: "rank",
    Text.RANGE: "{start} to {end}",
    Text.UNTIL: "through {end}",
    Text.AS_OF: "as of {moment}",
    Text.SAMPLE: "n={n}",
    Text.COUNT_ITEMS: "{n:,}",
    Text.COUNT_PEOPLE: "{n:,}",
    Text.FIELD: "*{label}*\n{value}",
    Text.PAREN: "{text} ({note})",
    Text.SEPARATOR: ", ",
    Text.MORE: "{n} more not shown: there is no room for them.",
    Text.BUTTON_DETAILS: "Details",
    Text.LEVEL_GREEN: "on track",
    Text.LEVEL_YELLOW: "caution",
    Text.LEVEL_ORANGE: "warning",
    Text.LEVEL_RED: "critical",
    Text.LEVEL_NO_DATA: "no data",
    Text.LEVEL_INSUFFICIENT_DATA: "insufficient data",
    Text.TIER_STRATEGIC: "Strategic",
    Text.TIER_BUSINESS: "Business",
    Text.TIER_OPERATIONAL: "Operational",
    Text.TIER_CUSTOMER: "Customer",
    Text.FREQUENCY_REALTIME: "real time",
    Text.FREQUENCY_DAILY: "daily",
    Text.FREQUENCY_WEEKLY: "weekly",
    Text.FREQUENCY_MONTHLY: "monthly",
    Text.FREQUENCY_QUARTERLY: "quarterly",
    Text.KPI_BASIS_PREVIOUS: (
        "Too few samples so far this period: the level is judged on the previous period ({period})."
    ),
    Text.KPI_NO_DATA: "No data has been recorded for this period yet.",
    Text.KPI_INSUFFICIENT: "Too few samples to judge (n={n}, at least {minimum} needed).",
    Text.KPI_CURRENT: "Current period",
    Text.KPI_PREVIOUS: "Previous period",
    Text.KPI_LAST_YEAR: "Same period last year",
    Text.KPI_TARGET: "Target",
    Text.KPI_NO_TARGET: "No target is set",
    Text.KPI_LONG_TERM_GOAL: "Long-term goal",
    Text.KPI_DUE: "due {due}",
    Text.KPI_NO_DUE: "no due date",
    Text.KPI_JUDGED_NOW: "judged against {value} to date",
    Text.KPI_ATTAINMENT: "Attainment",
    Text.KPI_VS_PREVIOUS: "Current vs previous: {change}",
    Text.KPI_VS_LAST_YEAR: "Current vs last year: {change}",
    Text.KPI_PROJECTED_VS_PREVIOUS: "Projection vs previous: {change}",
    Text.KPI_PROJECTED_VS_LAST_YEAR: "Projection vs last year: {change}",
    Text.KPI_PROJECTION: "Projected for the period",
    Text.KPI_TREND: "Trend ({count} periods, {first} to {last})",
    Text.KPI_RULE: "⚠️ *Alert*: {message}",
    Text.KPI_METHOD: "Method: {method}",
    Text.KPI_FREQUENCY: "Updated: {frequency}",
    Text.KPI_FALLBACK: "{emoji} {name}: {value} (target {target}, attainment {attainment}) {label}",
    Text.STATUS_TITLE: "KPI status",
    Text.STATUS_TITLE_FILTERED: "KPI status: {emoji} {label}",
    Text.STATUS_LINE: (
        "{emoji} *{name}*: {value} / target {target}, attainment {attainment} ({label})"
    ),
    Text.STATUS_TARGET_NOW: "now {value}",
    Text.STATUS_ON_PREVIOUS: "previous period",
    Text.STATUS_NONE: "No KPI matches.",
    Text.STATUS_HINT: "For one KPI's details, use `/kpi KPI-name`.",
    Text.STATUS_FALLBACK: "KPI status as of {moment}: {counts}",
    Text.HELP_TITLE: "How to use kpibot",
    Text.HELP_COMMANDS: (
        "• `/kpi KPI-name`: the KPI's value this period, target, attainment and trend"
        " (e.g. `/kpi nps`, `/kpi revenue`)\n"
        "• `/kpi status`: every KPI, grouped by tier\n"
        "• `/kpi status red`: only the KPIs at one level (green / yellow / orange / red)\n"
        "• `/kpi KPI-name chart`: a chart of the trend with the target line\n"
        "• `/kpi KPI-name share`: show the answer to everyone in the channel\n"
        "• `/kpi record KPI-name value [YYYY-MM-DD]`: record a measurement (admins only)\n"
        "• `/kpi help`: this help"
    ),
    Text.HELP_PRIVACY: "Answers are visible only to you, unless you add share.",
    Text.UNKNOWN_KPI: "No KPI matches “{query}”.",
    Text.UNKNOWN_SUGGEST: "Did you mean:",
    Text.UNKNOWN_NO_SUGGESTION: "Use `/kpi status` to list every KPI.",
    Text.RESTRICTED: "🔒 *{name}* is a restricted KPI, so it cannot be shown here.",
    Text.NOT_ADMIN: "Only admins can record values.",
    Text.NOT_ADMIN_ASK: "Please ask one of them: {admins}",
    Text.NOT_ADMIN_NONE: "No admins are configured (environment variable `KPIBOT_ADMINS`).",
    Text.RECORD_STORED: "✅ Recorded {value} for *{name}* ({at}).",
    Text.RECORD_UPDATED: "✅ Updated *{name}* for {at} to {value}.",
    Text.NOT_RECORDABLE: (
        "*{name}* is computed by kpibot from its data, so it cannot be recorded.\n"
        "KPIs you can record: {names}"
    ),
    Text.USAGE_TOO_LONG: "That text is too long. Please keep it within {limit} characters.",
    Text.USAGE_RECORD: "To record a value, please write `/kpi record KPI-name value [YYYY-MM-DD]`.",
    Text.USAGE_BAD_VALUE: (
        "The value “{word}” is not a number. Please enter a number, such as `4.2`."
    ),
    Text.USAGE_BAD_DATE: (
        "“{word}” is not a valid date. Please write it as YYYY-MM-DD, such as `2026-11-20`."
    ),
    Text.USAGE_BAD_LEVEL: "“{word}” is not a level. Please use red, orange, yellow or green.",
    Text.USAGE_EXTRA_WORDS: (
        "There are extra words after `help` or `status LEVEL`: “{word}”."
        " Please remove them and try again."
    ),
    Text.ERROR: "⚠️ Sorry, something went wrong. Please try again in a moment.",
    Text.ERROR_REFERENCE: "Reference: `{reference}`",
    Text.INVITE_BOT: "kpibot is not in this channel. Run `/invite @kpibot`, then try again.",
    Text.BUSY: "⏳ kpibot is busy right now. Please try again in a minute.",
    Text.CLOSE: "Close",
    Text.DATABASE_BUSY: (
        "⏳ Data is being imported, so this cannot be done right now. Please try again in a minute."
    ),
    Text.DATABASE_DOWN: (
        "⚠️ kpibot cannot reach its database. Please try again in a moment,"
        " and tell an administrator if this goes on."
    ),
    Text.CHART_PENDING: "📈 Drawing the chart for *{name}*…",
    Text.STATUS_PENDING: "⏳ Gathering every KPI…",
    Text.HOME_TITLE: "KPI dashboard",
    Text.HOME_SALES: "💴 *Today's sales and sign-ups*",
    Text.HOME_REVENUE: "Revenue",
    Text.HOME_PAYMENTS: "{n:,} payments",
    Text.HOME_ENROLLMENTS: "Enrollments",
    Text.HOME_NEW_CUSTOMERS: "New customers",
    Text.HOME_SYSTEM: "🖥️ *System status*",
    Text.HOME_UPTIME_TODAY: "Uptime today",
    Text.HOME_UPTIME_MONTH: "Uptime this month",
    Text.HOME_SYSTEM_NOW: "Now",
    Text.HOME_UP: "🟢 Up",
    Text.HOME_DOWN_SINCE: "🔴 Down since {since}",
    Text.HOME_SUPPORT: "🎧 *Support*",
    Text.HOME_OPEN_TICKETS: "Open tickets",
    Text.HOME_ANSWERED_24H: "Answered within 24 h",
    Text.HOME_ANSWERED_48H: "Answered within 48 h",
    Text.HOME_LEARNING: "📚 *Learning progress*",
    Text.HOME_ACTIVE_STUDENTS: "Active students",
    Text.HOME_COMPLETION: "Completion rate",
    Text.HOME_RESTRICTED: "🔒 hidden",
    Text.HOME_RESTRICTED_NOTE: "🔒 figures belong to restricted KPIs, so they are not shown.",
}

MESSAGES: dict[str, dict[Text, str]] = {"ja": _JA, "en": _EN}

_TIERS = {
    Tier.STRATEGIC: Text.TIER_STRATEGIC,
    Tier.BUSINESS: Text.TIER_BUSINESS,
    Tier.OPERATIONAL: Text.TIER_OPERATIONAL,
    Tier.CUSTOMER: Text.TIER_CUSTOMER,
}
_FREQUENCIES = {
    UpdateFrequency.REALTIME: Text.FREQUENCY_REALTIME,
    UpdateFrequency.DAILY: Text.FREQUENCY_DAILY,
    UpdateFrequency.WEEKLY: Text.FREQUENCY_WEEKLY,
    UpdateFrequency.MONTHLY: Text.FREQUENCY_MONTHLY,
    UpdateFrequency.QUARTERLY: Text.FREQUENCY_QUARTERLY,
}


def normalize_locale(locale: str) -> str:
    """Return `ja` for any Japanese locale (`ja`, `ja_JP`, `ja-JP`), else `en`."""
    # The same rule as the catalog's `Localized.in_locale`, so that a
    # message never mixes the catalog's language with ours.
    return "ja" if locale.lower().startswith("ja") else "en"


def t(locale: str, key: Text, **fmt: Any) -> str:
    """Return the string `key` in `locale`, formatted with `fmt` when given."""
    template = MESSAGES[normalize_locale(locale)][key]
    return template.format(**fmt) if fmt else template


_UNITS = {
    Unit.COUNT: Text.UNIT_COUNT,
    Unit.JPY: Text.UNIT_JPY,
    Unit.PERCENT: Text.UNIT_PERCENT,
    Unit.POINT: Text.UNIT_POINT,
    Unit.SCORE: Text.UNIT_SCORE,
    Unit.RATIO: Text.UNIT_RATIO,
    Unit.RANK: Text.UNIT_RANK,
}


def unit_label(unit: Unit, locale: str) -> str:
    """Return the name of a unit, for an axis: 円 or JPY, and so on."""
    return t(locale, _UNITS[unit])


_LEVELS = {
    Level.GREEN: Text.LEVEL_GREEN,
    Level.YELLOW: Text.LEVEL_YELLOW,
    Level.ORANGE: Text.LEVEL_ORANGE,
    Level.RED: Text.LEVEL_RED,
    Level.NO_DATA: Text.LEVEL_NO_DATA,
    Level.INSUFFICIENT_DATA: Text.LEVEL_INSUFFICIENT_DATA,
}
# Both no-data kinds share the white circle: neither is a judgement.
_LEVEL_EMOJI = {
    Level.GREEN: "🟢",
    Level.YELLOW: "🟡",
    Level.ORANGE: "🟠",
    Level.RED: "🔴",
    Level.NO_DATA: "⚪",
    Level.INSUFFICIENT_DATA: "⚪",
}


def level_label(level: Level, locale: str) -> str:
    """Return a level's name: 順調 or on track, and so on."""
    return t(locale, _LEVELS[level])


def level_emoji(level: Level) -> str:
    """Return a level's status emoji."""
    return _LEVEL_EMOJI[level]


def tier_title(tier: Tier, locale: str) -> str:
    """Return a tier's title: 戦略KPI or Strategic, and so on."""
    return t(locale, _TIERS[tier])


def frequency_label(frequency: UpdateFrequency, locale: str) -> str:
    """Return an update frequency's name: 月次 or monthly, and so on."""
    return t(locale, _FREQUENCIES[frequency])
