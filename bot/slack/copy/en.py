"""Every user-facing string in English."""

from __future__ import annotations

from bot.slack.copy.keys import Text

EN: dict[Text, str] = {
    # Command line
    Text.CLI_DESCRIPTION: (
        "KPI management for a small company, in Slack. Try it with `kpibot demo`, which builds "
        "a demo database."
    ),
    Text.CLI_EPILOG: "A command's options and examples: kpibot COMMAND --help",
    Text.CLI_OPT_VERBOSE: "log what happens",
    Text.CLI_OPT_DB: (
        "the database to use: a SQLite file's path, or a sqlite:/// or postgresql:// URL "
        "(overrides KPIBOT_DATABASE_URL)"
    ),
    Text.CLI_OPT_DEMO_DB: "the demo SQLite file to rebuild (default {default})",
    Text.CLI_OPT_VERSION: "print the version and exit",
    Text.CLI_EXAMPLES: "Examples:\n  {examples}",
    Text.CLI_DATABASE_USED: (
        "Database: --db when given, else KPIBOT_DATABASE_URL (default: kpibot.db in this folder)."
    ),
    Text.CLI_DATABASE_DEMO: (
        "Database: the demo file it rebuilds (--db, default {default}); never the configured "
        "database or kpibot.db."
    ),
    Text.CLI_NO_DATABASE: (
        "no database at {path}; build the demo with `kpibot demo`, import data with `kpibot "
        "ingest FILE`, or name another database with --db"
    ),
    Text.CLI_SETTINGS_ERROR: "configuration error: {error}",
    Text.CLI_INTERRUPTED: "interrupted",
    Text.CLI_TERMINATED: "terminated",
    Text.CLI_UNEXPECTED: (
        "unexpected error {error} (reference {reference}); run it again with -v for the details"
    ),
    Text.CLI_DEMO: "build a demo database of the reference company and show it",
    Text.CLI_DEMO_EXAMPLE: (
        "kpibot demo                          build ./kpibot-demo.db with demo data up to "
        "today\n"
        "  kpibot demo --today 2026-03-31       with data up to 2026-03-31\n"
        "  kpibot demo --write-csv demo-csv     also write the data as import CSV files"
    ),
    Text.CLI_SHOW: "one KPI's value, target and level",
    Text.CLI_SHOW_EXAMPLE: (
        "kpibot show nps                      NPS now: value, target, level\n"
        "  kpibot show mrr --at 2026-10-31      as of the end of October 31\n"
        "  kpibot --db kpibot-demo.db show mrr --json"
    ),
    Text.CLI_STATUS: "every KPI's level, grouped by tier",
    Text.CLI_STATUS_EXAMPLE: (
        "kpibot status                        every KPI\n"
        "  kpibot status --level red            only the KPIs at red\n"
        "  kpibot status --at 2026-09-30 --json"
    ),
    Text.CLI_INGEST: "import CSV, TSV, JSON or JSON Lines files of events (idempotent by id)",
    Text.CLI_INGEST_EXAMPLE: (
        "kpibot ingest payments.csv           a file with a type column\n"
        "  kpibot ingest --type enrollment enrollments.csv\n"
        "  kpibot ingest --map stripe.yaml export.csv   another tool's export, by a mapping\n"
        "  kpibot ingest --skip-invalid *.csv   store the valid rows, the rest to "
        "FILE.rejected.jsonl"
    ),
    Text.CLI_RECORD: "store a manual measurement of a KPI, or delete a wrong one",
    Text.CLI_RECORD_EXAMPLE: (
        "kpibot record brand_search_rank 3                    record a value measured now\n"
        "  kpibot record market_share 4.5 --at 2026-10-31\n"
        "  kpibot record market_share --delete --at 2026-10-31  delete that day's values"
    ),
    Text.CLI_HISTORY: "the changes to a KPI's manual measurements: what, when, who",
    Text.CLI_HISTORY_EXAMPLE: (
        "kpibot history brand_search_rank\n  kpibot history market_share --limit 10 --json"
    ),
    Text.CLI_REPORT: "print the report of the period just ended, or post it to its channel",
    Text.CLI_REPORT_EXAMPLE: (
        "kpibot report weekly                 last week's team summary\n"
        "  kpibot report monthly --at 2026-10-31\n"
        "  kpibot report quarterly --post       post it to the leadership channel (once per "
        "period)"
    ),
    Text.CLI_ALERTS: "the alerts: evaluate now, or their history",
    Text.CLI_ALERTS_EXAMPLE: (
        "kpibot alerts check --dry-run        only print what would change and be sent\n"
        "  kpibot alerts history nps"
    ),
    Text.CLI_ALERTS_CHECK: "evaluate every KPI now and print what changes and what is sent",
    Text.CLI_ALERTS_HISTORY: "the alerts' audit log, newest first",
    Text.CLI_JOBS: "the scheduled reports: next runs (local time), last outcomes, the leader",
    Text.CLI_JOBS_EXAMPLE: "kpibot jobs",
    Text.CLI_OUTBOX: "what the outbox holds for Slack (newest first), or retry a failed item",
    Text.CLI_OUTBOX_EXAMPLE: "kpibot outbox --failed\n  kpibot outbox --retry 12",
    Text.CLI_DB: "manage the database schema",
    Text.CLI_DB_EXAMPLE: (
        "kpibot db upgrade\n  kpibot db rebuild-rollups\n  kpibot db set-timezone Asia/Tokyo"
    ),
    Text.CLI_DB_UPGRADE: "apply pending migrations",
    Text.CLI_DB_REBUILD: (
        "recompute the daily facts, customers and monthly payers from the events (repair)"
    ),
    Text.CLI_DB_SET_TIMEZONE: (
        "convert the stored local days and rollups to another time zone (one transaction)"
    ),
    Text.CLI_SCHEDULER: (
        "run the scheduled reports and deliver the outbox (the Procfile's clock process)"
    ),
    Text.CLI_SCHEDULER_EXAMPLE: "kpibot scheduler",
    Text.CLI_SERVE: "run the Slack app over HTTP (gunicorn) on $PORT, with the ingestion API",
    Text.CLI_SERVE_EXAMPLE: (
        "kpibot serve                         on 0.0.0.0:$PORT (default 3000)\n"
        "  kpibot serve --port 8080 --scheduler"
    ),
    Text.CLI_SOCKET: "run the Slack app over Socket Mode (no public URL; needs SLACK_APP_TOKEN)",
    Text.CLI_SOCKET_EXAMPLE: "kpibot socket",
    Text.CLI_ARG_ZONE: "an IANA time zone, e.g. Asia/Tokyo",
    Text.CLI_ARG_FILES: "CSV, TSV, JSON (an array) or JSON Lines files",
    Text.CLI_ARG_MAP: "a column mapping for another tool's export (renames, type, drops, skips)",
    Text.CLI_ARG_ENCODING: "read the files in this encoding (default: detected, UTF-8 or CP932)",
    Text.CLI_ARG_TYPE: "the record type of rows without a `type` column",
    Text.CLI_ARG_SKIP_INVALID: (
        "store the valid rows and write the rejected ones to FILE.rejected.jsonl"
    ),
    Text.CLI_ARG_RECORDED_KPI: "a KPI recorded by hand, e.g. brand_search_rank",
    Text.CLI_ARG_VALUE: "the measured value",
    Text.CLI_ARG_RECORD_AT: (
        "when it was measured (ISO 8601 date or time; default now); with --delete, the day"
    ),
    Text.CLI_ARG_DELETE: "delete the KPI's measurements on the --at day",
    Text.CLI_ARG_LIMIT: "the latest N (default 50)",
    Text.CLI_ARG_JSON: "machine-readable output",
    Text.CLI_ARG_AT: "as of the end of this day (default: now)",
    Text.CLI_ARG_KPI: "id, name or alias (e.g. nps, ltv/cac)",
    Text.CLI_ARG_LEVEL: "only the KPIs at this level (as /kpi status LEVEL in Slack)",
    Text.CLI_ARG_WRITE_CSV: "also write import files here",
    Text.CLI_ARG_SCALE: "multiply the data volume (benchmarks)",
    Text.CLI_ARG_TODAY: "the last day of data ({first} or later; default: today)",
    Text.CLI_ARG_REPORTS: (
        "folder for the three reports as text and their charts (default {default})"
    ),
    Text.CLI_ARG_REPORT_AT: "the period just ended at the end of this day (default: now)",
    Text.CLI_ARG_POST: "post it through the outbox (once per period)",
    Text.CLI_ARG_FORCE: "with --post: post a new copy even if posted",
    Text.CLI_ARG_FAILED: "only the failed items",
    Text.CLI_ARG_RETRY: "queue a failed item again (ids as listed)",
    Text.CLI_ARG_DRY_RUN: "store and send nothing, only print",
    Text.CLI_ARG_ONLY_KPI: "only this KPI",
    Text.CLI_ARG_HOST: "address to listen on (default 0.0.0.0)",
    Text.CLI_ARG_PORT: "port to listen on (default: $PORT or 3000)",
    Text.CLI_ARG_WITH_SCHEDULER: (
        "also run the scheduled reports (one scheduler process per server, not per worker)"
    ),
    Text.CLI_BAD_HOST: "cannot listen on {host}: {reason}",
    Text.CLI_PORT_IN_USE: (
        "{host}:{port} is in use by another process; choose another port with --port"
    ),
    Text.CLI_CANNOT_LISTEN: "cannot listen on {host}:{port}: {reason}",
    Text.CLI_NO_SLACK: "cannot start the Slack app: {error}",
    Text.CLI_SERVING: "serving Slack on {url}",
    Text.CLI_SCHEDULER_STARTED: "scheduler {holder} started ({count} report job(s), {zone})",
    Text.CLI_SCHEDULER_STOPPED: "scheduler stopped",
    Text.CLI_DEMO_TOO_EARLY: (
        "--today {day} is before the demo data begins ({first}); give {first} or a later day"
    ),
    Text.CLI_DEMO_IN_FUTURE: (
        "--today {day} is in the future (today is {today}); give today or an earlier day"
    ),
    Text.CLI_DEMO_BUILDING: (
        "Building {path} with demo data from {first} to {today} ({zone}), scale {scale}"
    ),
    Text.CLI_DEMO_TOTAL: "total",
    Text.CLI_DEMO_ROWS: "{count} rows",
    Text.CLI_DEMO_WROTE_CSV: "wrote {file} ({count} {kind} rows)",
    Text.CLI_DEMO_SLACK_SAYS: "What Slack shows for /kpi {text}:",
    Text.CLI_DEMO_ALERTS: "The alerts the demo data raises, as each channel would get them:",
    Text.CLI_DEMO_NO_ALERTS: "(none)",
    Text.CLI_DEMO_REPORTS: "Wrote the weekly, monthly and quarterly reports to {folder}/:",
    Text.CLI_DEMO_NEXT: "Commands to try next, on the demo database:",
    # Command line, errors
    Text.CLI_USAGE_ERROR: "error: {problem}",
    Text.CLI_ARGPARSE_ARGUMENT: "argument {argument}: {problem}",
    Text.CLI_ARGPARSE_INVALID_CHOICE: "invalid choice: {value} (choose from {choices})",
    Text.CLI_ARGPARSE_REQUIRED: "the following arguments are required: {names}",
    Text.CLI_ARGPARSE_UNRECOGNIZED: "unrecognized arguments: {words}",
    Text.CLI_ARGPARSE_EXPECTED_ONE: "expected one argument",
    Text.CLI_ARGPARSE_EXPECTED_SOME: "expected at least one argument",
    Text.CLI_ARGPARSE_IGNORED_VALUE: "ignored explicit argument {value}",
    Text.CLI_ARGPARSE_AMBIGUOUS: "ambiguous option: {option} could match {matches}",
    Text.CLI_NOT_A_DATE: "{text} is not a date like 2026-11-23",
    Text.CLI_NOT_POSITIVE: "{text} is not a positive number",
    Text.CLI_NOT_A_COUNT: "{text} is not a whole number from 1 to {most}",
    Text.CLI_NOT_AN_ITEM_ID: "{text} is not an outbox item id (1, 2, …)",
    Text.CLI_NOT_A_PORT: "{text} is not a port (1 to 65535)",
    Text.CLI_VERSION_UNKNOWN: "unknown (not installed)",
    Text.CLI_UNKNOWN_KPI: "unknown KPI {query}",
    Text.CLI_UNKNOWN_KPI_SUGGEST: "unknown KPI {query}; did you mean: {names}?",
    Text.CLI_DB_MIGRATED: "database migrated to revision {revision}",
    Text.CLI_DB_ALREADY_AT: "database already at revision {revision}",
    Text.CLI_DB_ROLLUPS_REBUILT: "rollups rebuilt: {tables}",
    Text.CLI_DB_ROLLUP_TABLE: "{table} {rows} ({differed} differed)",
    Text.CLI_ROW_COUNT_ONE: "{count} row",
    Text.CLI_ROW_COUNT: "{count} rows",
    Text.CLI_UNKNOWN_ZONE: "unknown time zone {zone}; did you mean {names}?",
    Text.CLI_UNKNOWN_ZONE_EXAMPLE: "unknown time zone {zone}; use an IANA name like Asia/Tokyo",
    Text.CLI_LONG_INPUT: "{start}… ({length} chars)",
    Text.CLI_ZONE_UNCHANGED: "the database's local days are already in {zone}; nothing changed",
    Text.CLI_ZONE_CONVERTED: (
        "local days converted from {before} to {zone}: {events} events recomputed ({changed} "
        "changed); rollups rebuilt: {rollups}"
    ),
    Text.CLI_ZONE_NONE_RECORDED: "no recorded time zone",
    Text.CLI_ZONE_RESTART: (
        "every kpibot process must now run with KPIBOT_TIMEZONE={zone}; running ones refuse to "
        "answer until they are restarted with it"
    ),
    Text.CLI_NO_SUCH_FILE: "no such file: {paths}",
    Text.CLI_MAPPING_TYPE_CONFLICT: "--type {given} contradicts the mapping's type {mapped}",
    Text.CLI_RECORD_NEEDS_VALUE: "give the VALUE to record, or --delete with --at DATE",
    Text.CLI_DELETE_NO_VALUE: "--delete takes no VALUE",
    Text.CLI_DELETE_NEEDS_DAY: "--delete needs --at DATE, the day to delete (YYYY-MM-DD)",
    Text.CLI_OUTBOX_NO_ITEM: "no outbox item #{id} (kpibot outbox lists them)",
    Text.CLI_OUTBOX_NOT_FAILED: (
        "outbox item #{id} is {status}, not failed: only a failed item can be retried"
    ),
    Text.CLI_REPORT_FORCE_WITHOUT_POST: "--force posts a new copy: use it with --post",
    Text.CLI_REPORT_IN_FUTURE: (
        "--at {day} is in the future: a report covers a period that has ended"
    ),
    Text.CLI_REPORT_NO_CHANNEL: "{report} has no channel to post to: set {variable}",
    Text.CLI_REPORT_NOT_POSTED: (
        "{report} for {period} is queued for {channel} ({item}) but was not posted: "
        "{problem}; it is retried (kpibot outbox lists it)"
    ),
    Text.CLI_REPORT_NOT_DELIVERED: "not delivered",
    Text.CLI_DEMO_KPIBOT_DB: "kpibot demo never touches kpibot.db; choose another --db",
    Text.CLI_DEMO_CONFIGURED_DB: (
        "{path} is the configured database (KPIBOT_DATABASE_URL); kpibot demo never replaces "
        "it: choose another --db"
    ),
    Text.CLI_DEMO_NOT_DEMO_DB: (
        "{path} exists and is not a kpibot demo database; choose another --db or remove it yourself"
    ),
    Text.CLI_DEMO_REPORTS_NOT_FOLDER: (
        "{path} exists and is not a folder; choose another --reports"
    ),
    Text.CHART_TITLE: "{name} — {level}",
    Text.CHART_ACTUAL: "actual",
    Text.CHART_TARGET: "target",
    Text.CHART_PERIOD: "period",
    Text.CHART_TARGET_LINE: "target (straight line to the due date)",
    Text.CHART_TARGET_PRORATED: "target (pro-rated in the current period)",
    Text.CHART_PARTIAL: "period still in progress",
    Text.CHART_INSUFFICIENT: "below the minimum sample (n under {minimum})",
    Text.CHART_TOO_FEW_POINTS: (
        "📉 No chart for *{name}*: only {points} period(s) have a value "
        "(a chart needs at least {minimum})."
    ),
    Text.CHART_RENDERING_FAILED: "📉 Drawing the chart for *{name}* failed.",
    Text.CHART_UPLOAD_FAILED: (
        "📉 The chart for *{name}* could not be uploaded to Slack (reason: `{code}`). "
        "Try again in a while."
    ),
    Text.SHARED_BY: "Shared by {user}",
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
    Text.AS_OF_END_OF_DAY: "as of the end of {day}",
    Text.SAMPLE: "n={n}",
    Text.VALUE_PERSON: "{n} person",
    Text.VALUE_PEOPLE: "{n} people",
    Text.VALUE_TIME: "{n} time",
    Text.VALUE_TIMES: "{n} times",
    # An item is what the figure's label names (tickets, enrollments): no word of its own.
    Text.VALUE_ITEM: "{n}",
    Text.VALUE_ITEMS: "{n}",
    Text.VALUE_SCORE: "{n} points",
    Text.VALUE_RANK: "#{n}",
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
    Text.KPI_JUDGED_PREVIOUS: "previous period judged against {value}",
    Text.KPI_JUDGED_AGAINST: "previous period judged against {name} ({value})",
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
    Text.STATUS_TARGET_PREVIOUS: "previous period {value}",
    Text.STATUS_ON_PREVIOUS: "previous period",
    Text.STATUS_NONE: "No KPI matches.",
    Text.STATUS_HINT: "For one KPI's details, use `/kpi KPI-name`.",
    Text.STATUS_FALLBACK: "KPI status {as_of}: {counts}",
    Text.HELP_TITLE: "How to use kpibot",
    Text.HELP_COMMANDS: (
        "• `/kpi KPI-name`: the KPI's value this period, target, attainment and trend"
        " (e.g. `/kpi nps`, `/kpi revenue`)\n"
        "• `/kpi status`: every KPI, grouped by tier\n"
        "• `/kpi status red`: only the KPIs at one level (green / yellow / orange / red)\n"
        "• `/kpi KPI-name chart`: a chart of the trend with the target line\n"
        "• `/kpi KPI-name share`: show the answer to everyone in the channel\n"
        "• `/kpi record KPI-name value [YYYY-MM-DD]`: record a measurement (admins only)\n"
        "• `/kpi record KPI-name delete YYYY-MM-DD`: delete a wrong one (admins only)\n"
        "• `/kpi note market text` / `/kpi note strategy text`: add a note on competitors and"
        " the market, or a strategy proposal, for the monthly digest\n"
        "• `/kpi notes [YYYY-MM]`: a month's notes (this month by default)\n"
        "• `/kpi actions`: the open improvement actions, by due day\n"
        "• `/kpi action add KPI-name text [@owner] [YYYY-MM-DD]`: record an improvement action"
        " (`/kpi action done number` closes it)\n"
        "• `/kpi health`: the scheduled reports' last and next runs, the outbox, the scheduler\n"
        "• `/kpi alerts`: the open alerts, worst first, and the KPIs missing data\n"
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
    Text.RECORD_UPDATED: "✅ Updated *{name}* for {at} from {previous} to {value}.",
    Text.RECORD_UNCHANGED: "*{name}* for {at} is already {value}. Nothing changed.",
    Text.RECORD_DELETED: "🗑️ Deleted {values} of *{name}* for {day}.",
    Text.RECORD_NOTHING_TO_DELETE: "*{name}* has no value for {day}. Nothing was deleted.",
    Text.HISTORY_TITLE: "Changes to {name} ({zone}, oldest first, latest {count})",
    Text.HISTORY_EMPTY: "No value of {name} has been recorded yet.",
    Text.HISTORY_ENTERED: "recorded {value} for {at}",
    Text.HISTORY_REPLACED: "changed {at} from {previous} to {value}",
    Text.HISTORY_DELETED: "deleted {previous} for {at}",
    Text.HISTORY_LINE: "{entered_at}  {change} ({by})",
    Text.NOT_RECORDABLE: (
        "*{name}* is computed by kpibot from its data, so it cannot be recorded.\n"
        "KPIs you can record: {names}"
    ),
    Text.RECORD_NOT_POSSIBLE: "*{name}* cannot be {value}: it takes {rule}.",
    Text.RECORD_IN_FUTURE: (
        "{day} is in the future. Please record a measurement on the day it was measured."
    ),
    Text.RULE_WHOLE: "a whole number{bounds}",
    Text.RULE_NUMBER: "a number{bounds}",
    Text.RULE_ABOVE: " above {above}",
    Text.RULE_ABOVE_AT_MOST: " above {above} and at most {maximum}",
    Text.RULE_FROM_TO: " from {minimum} to {maximum}",
    Text.RULE_AT_LEAST: " of at least {minimum}",
    Text.RULE_AT_MOST: " of at most {maximum}",
    Text.USAGE_TOO_LONG: "That text is too long. Please keep it within {limit} characters.",
    Text.USAGE_RECORD: (
        "To record a value, please write `/kpi record KPI-name value [YYYY-MM-DD]`; "
        "to delete one, `/kpi record KPI-name delete YYYY-MM-DD`."
    ),
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
    Text.DATABASE_FULL: (
        "⚠️ The disk holding kpibot's database is full, so nothing can be saved."
        " Please tell an administrator."
    ),
    Text.DATABASE_DAMAGED: (
        "⚠️ kpibot's database is damaged, so this cannot be done. Please tell an administrator."
    ),
    Text.DATABASE_TIME_ZONE: (
        "⚠️ kpibot's data is kept in days of `{stored}`, but this kpibot runs in `{configured}`,"
        " so it will not answer with figures for the wrong days."
        " Please tell an administrator: kpibot needs a restart in the data's time zone."
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
    # Scheduled reports' health: /kpi health and kpibot jobs (the scheduler)
    Text.HEALTH_TITLE: "Scheduled reports",
    Text.HEALTH_FALLBACK: "Scheduled reports (as of {moment})",
    Text.HEALTH_JOB_WEEKLY: "Weekly summary",
    Text.HEALTH_JOB_MONTHLY: "Monthly digest",
    Text.HEALTH_JOB_QUARTERLY: "Quarterly review",
    Text.HEALTH_CHANNEL: "to `{channel}`, schedule `{schedule}` ({zone})",
    Text.HEALTH_NOT_SCHEDULED: "not scheduled: no channel (set `{variable}` to a channel id)",
    Text.HEALTH_NEXT_RUN: "Next run: {moment}",
    Text.HEALTH_NO_NEXT_RUN: "Next run: none (this schedule never fires)",
    Text.HEALTH_LAST_RUN: "Last run: {period} {status} ({moment})",
    Text.HEALTH_NEVER_RUN: "Last run: none yet",
    Text.HEALTH_LATE: " · posted late",
    Text.HEALTH_ERROR: "Error: `{error}`",
    Text.HEALTH_STATUS_PENDING: "⏳ queued",
    Text.HEALTH_STATUS_SENDING: "📤 sending",
    Text.HEALTH_STATUS_SENT: "✅ posted",
    Text.HEALTH_STATUS_FAILED: "⚠️ failed (will retry)",
    Text.HEALTH_STATUS_ABANDONED: "❌ failed (resend with `kpibot outbox --retry`)",
    Text.HEALTH_STATUS_SKIPPED: "⏭️ skipped (past its grace window, not posted)",
    Text.HEALTH_OUTBOX: "📬 *Outbox*: {counts}",
    Text.HEALTH_OUTBOX_EMPTY: "📬 *Outbox*: empty",
    Text.HEALTH_COUNT: "{status} {n:,}",
    Text.HEALTH_LEADER: (
        "🫀 *Active scheduler*: `{holder}` (since {since}, last heartbeat {heartbeat})"
    ),
    Text.HEALTH_LEADER_SILENT: (
        "⚠️ *Scheduler* `{holder}` has been silent "
        "since {heartbeat} (check that `kpibot scheduler` "
        "runs)"
    ),
    Text.HEALTH_NO_LEADER: (
        "⚠️ *No scheduler is running* (start `kpibot scheduler` or `kpibot serve --scheduler`)"
    ),
    Text.HEALTH_WEEKDAYS: "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
    Text.OUTBOX_TITLE: "Outbox ({count:,} items, newest first, times in {zone})",
    Text.OUTBOX_EMPTY: "The outbox is empty.",
    Text.OUTBOX_FAILED_EMPTY: "No failed items.",
    Text.OUTBOX_LINE: "#{id} {status} {item} (created {created}, sent {sent}, {attempts} attempts)",
    Text.OUTBOX_NOT_SENT: "not yet",
    Text.OUTBOX_RETRIED: "#{id} ({item}) is queued again; the scheduler will send it.",
    # Scheduled reports, notes and the report charts
    Text.REPORT_WEEKLY_TITLE: "📊 Weekly team summary {period}",
    Text.REPORT_MONTHLY_TITLE: "📈 Monthly stakeholder digest {year}-{month}",
    Text.REPORT_QUARTERLY_TITLE: "🧭 Quarterly review {year} Q{quarter}",
    Text.REPORT_PERIOD: "🗓️ Period: {start} to {end} ({zone}), {as_of}",
    Text.REPORT_LATE: "⏰ This report comes later than scheduled.",
    Text.REPORT_CONTINUED: "{title}, continued ({page}/{pages}), {start} to {end} ({zone})",
    Text.REPORT_CONTINUED_TEXT: "{title}, continued ({page}/{pages})",
    Text.REPORT_WEEKLY_TEXT: (
        "Weekly team summary {period} ({start} to {end}, {zone}): {concerns} to act on, "
        "{stale} stale"
    ),
    Text.REPORT_MONTHLY_TEXT: (
        "Monthly stakeholder digest {year}-{month} ({zone}): {concerns} at caution or worse, "
        "{notes} notes"
    ),
    Text.REPORT_QUARTERLY_TEXT: "Quarterly review {year} Q{quarter} ({start} to {end}, {zone})",
    Text.REPORT_LATE_TEXT: "[Late] {text}",
    Text.REPORT_MAIN_PROGRESS: "*Main KPIs*",
    Text.REPORT_VALUE_AGAINST: "{value} / target {target}",
    Text.REPORT_NO_TARGET: "no target",
    Text.REPORT_ATTAINMENT: "attainment {percent}",
    Text.REPORT_VS_LAST_WEEK: "week on week {change}",
    Text.REPORT_VS_LAST_MONTH: "month on month {change}",
    Text.REPORT_VS_LAST_YEAR: "year on year {change}",
    Text.REPORT_VS_LAST_QUARTER: "quarter on quarter {change}",
    Text.REPORT_TOWARD_TARGET: "{percent} of the target value {target}",
    Text.REPORT_PROBLEMS: "*Problems and points to improve* (caution or worse, worst first)",
    Text.REPORT_NO_PROBLEMS: "No KPI is at caution or worse.",
    Text.REPORT_RESPONSE_CONSIDER: "consider improvement actions this week",
    Text.REPORT_RESPONSE_ACT_NOW: "take improvement actions now",
    Text.REPORT_RESPONSE_EMERGENCY: "hold an emergency meeting and review the strategy",
    Text.REPORT_ACTIONS: "*Actions for next week*",
    Text.REPORT_NO_ACTIONS: "No improvement action is due next week.",
    Text.REPORT_ACTION: "• {due} *{kpi}*: {title}",
    Text.REPORT_STALE: "*Stale data*",
    Text.REPORT_NO_STALE: "No data is late.",
    Text.REPORT_STALE_SINCE: (
        "⏳ *{kpi}*: last data {last} (updated {frequency}, {days} days allowed)"
    ),
    Text.REPORT_STALE_NEVER: "⏳ *{kpi}*: no data yet (updated {frequency})",
    Text.REPORT_PHASE: "Plan: {phase} ({start} to {end})",
    Text.REPORT_NO_PHASE: "Plan: outside the phases (judged on long-term goals)",
    Text.REPORT_MARKET_NOTES: "*Competitors and the market*",
    Text.REPORT_STRATEGY_NOTES: "*Strategy proposals*",
    Text.REPORT_NO_NOTES: (
        "No notes this month (add them with `/kpi note market …` or `/kpi note strategy …`)."
    ),
    Text.REPORT_NOTE_BY: "{moment}, {author}",
    Text.REPORT_STRATEGIC_GOALS: "*Strategic KPIs* (against their long-term goals)",
    Text.REPORT_GOAL: "{percent} of the long-term goal {target} ({due})",
    Text.REPORT_NO_GOAL: "no long-term goal",
    Text.REPORT_PLAN_RESULTS: "*Results against the plan*\n{phase}",
    Text.REPORT_NEXT_TARGETS: "*Targets for next quarter* ({start} to {end})",
    Text.REPORT_PHASE_CHANGE: (
        "🔀 Next quarter starts *{phase}*. KPIs whose target changes are marked 🆕."
    ),
    Text.REPORT_PHASE_ENDS: (
        "🔀 Next quarter leaves the plan's phases: KPIs are judged on their long-term goals. "
        "KPIs whose target changes are marked 🆕."
    ),
    Text.REPORT_TARGET_SAME: "• *{kpi}*: {target}",
    Text.REPORT_TARGET_NEW: "• 🆕 *{kpi}*: {target} (now {now})",
    Text.REPORT_TARGET_FROM: "{target} (from {start})",
    Text.REPORT_CHARTS_FOLLOW: "📎 {count} chart(s) follow in this thread.",
    Text.REPORT_CHART_WEEKLY_TITLE: (
        "Main KPIs: attainment of target, last 12 periods (as of {period})"
    ),
    Text.REPORT_CHART_TIER_TITLE: (
        "{tier} KPIs: attainment of target, last 12 periods (as of {period})"
    ),
    Text.REPORT_CHART_ATTAINMENT: "Attainment",
    Text.REPORT_CHART_FULL: "Target 100%",
    Text.REPORT_CHART_BANDS: "caution under 90% / warning under 80% / critical under 70%",
    Text.NOTE_SAVED: (
        "📝 Saved your note ({kind}). It will appear in the monthly digest for {month}."
    ),
    Text.NOTE_TOO_LONG: (
        "⚠️ The note is too long ({length:,} characters); keep it within {limit:,}. Nothing "
        "was saved."
    ),
    Text.NOTE_EMPTY: (
        "⚠️ The note has no text. For example: `/kpi note market Competitor A cut prices`. "
        "Nothing was saved."
    ),
    Text.NOTE_USAGE: (
        "⚠️ A note is either `market` (competitors and the market) or `strategy` (a strategy "
        "proposal). For example: `/kpi note strategy Consider a business plan`"
    ),
    Text.NOTES_TITLE: "📝 Notes for {month} ({zone})",
    Text.NOTES_NONE: "No notes for {month}.",
    Text.NOTES_BAD_MONTH: (
        "⚠️ `{word}` is not a month. Give it as YYYY-MM, as in `/kpi notes 2026-11`."
    ),
    Text.NOTE_KIND_MARKET: "competitors and the market",
    Text.NOTE_KIND_STRATEGY: "strategy proposal",
    Text.NOTES_MORE: "… and {count} more (oldest shown first)",
    # Delivery (the outbox): a chart that could not be uploaded, and a post that keeps failing
    Text.DELIVERY_CHART_FAILED: (
        "⚠️ The chart “{title}” could not be uploaded. kpibot will try again."
    ),
    Text.DELIVERY_FAILED: ("⚠️ kpibot could not post `{job}` `{period}` to {channel} (`{error}`)."),
    Text.DELIVERY_HINT_INVITE: (
        "kpibot is not a member of the channel: run `/invite @kpibot` in {channel}."
    ),
    Text.DELIVERY_HINT_NOT_FOUND: (
        "Check that the channel id is right; for a private channel, run `/invite @kpibot` in it."
    ),
    Text.DELIVERY_HINT_ARCHIVED: "The channel is archived: unarchive it, or set another channel.",
    Text.DELIVERY_HINT_TOKEN: (
        "Slack refuses kpibot's token: check `SLACK_BOT_TOKEN`, and reinstall the app if needed."
    ),
    Text.DELIVERY_HINT_SCOPE: (
        "The app lacks a permission (scope): reinstall it with the scopes in manifest.yml."
    ),
    Text.DELIVERY_RETRY_AT: "kpibot will try again at {moment}.",
    Text.DELIVERY_ABANDONED: (
        "It will not be retried automatically: once the cause "
        "is fixed, run `kpibot outbox --retry {item}`."
    ),
    Text.REPORT_CHART_COLUMNS: (
        "Attainment (%) over the last 12 periods, oldest left; each KPI in its own periods"
        " (weeks, months or quarters)"
    ),
    Text.REPORT_CHART_UNJUDGED: "no data or not judged",
    Text.HEALTH_JOB_UNSENT: "Not yet sent: {counts}",
    # Scheduled reports: a period the scheduler recorded as skipped, told to the admin channel
    Text.DELIVERY_SKIPPED: (
        "⚠️ kpibot did not post `{job}` `{period}` to {channel}: no scheduler ran between its"
        " run at {due} and the end of its {hours} h grace window, and a stale report is never"
        " posted. To post it anyway, run `kpibot report {job} --at {day} --post`."
    ),
    # Operator commands: what `kpibot report --post` did
    Text.REPORT_POSTED: "{report} {period} was posted to {channel} ({item}).",
    Text.REPORT_ALREADY_QUEUED: (
        "{report} {period} is already in the outbox for {channel} ({status});"
        " nothing posted (--force posts a new copy)."
    ),
    Text.REPORT_QUEUED: (
        "{report} {period} is queued for {channel} ({item}); a scheduler is delivering it."
    ),
    # /kpi health and kpibot jobs: a report past its run and still not queued
    Text.HEALTH_OVERDUE: (
        "⚠️ {period} was due at {moment} and is not queued yet: check that a scheduler runs,"
        " and its log."
    ),
    # PDCA improvement actions: /kpi actions, /kpi action add|done, their lines in reports
    Text.ACTIONS_TITLE: "Open improvement actions (by due day)",
    Text.ACTIONS_NONE: (
        "No improvement action is open. Add one with `/kpi action add KPI-name text [@own"
        "er] [YYYY-MM-DD]`."
    ),
    Text.ACTIONS_LINE: "• *#{id}* {due} *{kpi}*: {title}{owner}",
    Text.ACTIONS_NO_DUE: "no due day",
    Text.ACTIONS_OVERDUE: "⚠️ {due} overdue",
    Text.ACTIONS_OWNER: " (owner: {owner})",
    Text.ACTIONS_MORE: "and {count} more (too many to show)",
    Text.ACTIONS_HIDDEN: "🔒 {count} action(s) on restricted KPIs are not shown.",
    Text.ACTIONS_HINT: (
        "When one is done, close it with `/kpi action done number` (its owner, its creato"
        "r or an admin may)."
    ),
    Text.ACTION_ADDED: (
        "✅ Improvement action *#{id}* recorded: *{kpi}*: {title}{owner} (due: {due})"
    ),
    Text.ACTION_CLOSED: "✅ Improvement action *#{id}* (*{kpi}*: {title}) is done.",
    Text.ACTION_ALREADY_DONE: "Improvement action *#{id}* is already done ({by}, {moment}).",
    Text.ACTION_NOT_FOUND: (
        "⚠️ There is no improvement action #{id}. See the numbers with `/kpi actions`."
    ),
    Text.ACTION_NOT_ALLOWED: (
        "⚠️ Only an action's owner, the person who recorded it or an admin may close *#{i"
        "d}* ({who}). Nothing was changed."
    ),
    Text.ACTION_TOO_LONG: (
        "⚠️ The action is too long ({length:,} characters); keep it within {limit:,}. Not"
        "hing was saved."
    ),
    Text.ACTION_PAST_DUE: (
        "⚠️ The due day {due} has passed (today is {today}); give today or a later day. N"
        "othing was saved."
    ),
    Text.ACTION_RESTRICTED: (
        "🔒 *{kpi}* is restricted: its actions cannot be recorded here. Nothing was saved."
    ),
    Text.ACTION_USAGE: (
        "⚠️ Usage: `/kpi action add KPI-name text [@owner] [YYYY-MM-DD]` or `/kpi action "
        "done number` (“{word}” is neither)."
    ),
    Text.ACTION_EMPTY: (
        "⚠️ The action has no text. Example: `/kpi action add nps call churned customers "
        "@owner 2026-12-15`. Nothing was saved."
    ),
    Text.ACTION_BAD_OWNER: (
        "⚠️ The owner “{word}” did not arrive as a Slack mention. Type `@` and pick the p"
        "erson from Slack's suggestions. Nothing was saved."
    ),
    Text.ACTION_BAD_ID: (
        "⚠️ “{word}” is not an action number. Example: `/kpi action done 12` (`/kpi actio"
        "ns` shows the numbers)."
    ),
    Text.REPORT_OVERDUE_ACTIONS: "*Overdue actions*",
    Text.REPORT_NO_OVERDUE_ACTIONS: "No improvement action is overdue.",
    Text.REPORT_ACTION_LINE: "• #{id} {due} *{kpi}*: {title}{owner}",
    Text.REPORT_MONTH_ACTIONS: "*Improvement actions (PDCA)*",
    Text.REPORT_ACTION_TALLY: "• *{kpi}*: {opened} opened, {closed} closed",
    Text.REPORT_ACTION_TOTAL: "In all: {opened} opened, {closed} closed",
    Text.REPORT_NO_MONTH_ACTIONS: "No improvement action was opened or closed this month.",
    # Alerts (escalation)
    Text.ALERT_TITLE: "{emoji} {level} alert: {name}",
    Text.ALERT_RESOLVED_TITLE: "✅ Resolved: {name} (back from {level})",
    Text.ALERT_RESPONSE_YELLOW: "Response: review improvement actions weekly",
    Text.ALERT_RESPONSE_ORANGE: "Response: take improvement actions at once",
    Text.ALERT_RESPONSE_RED: "Response: *emergency meeting and strategy review*",
    Text.ALERT_OWNER: "Owner: {owner}",
    Text.ALERT_NO_OWNER: "Owner: not set (put a user or group id in the catalog's `owner`)",
    Text.ALERT_SINCE: "{level} since {since} (alert opened {opened})",
    Text.ALERT_RULE: "Automatic rule `{rule}`: {message} (threshold: {threshold})",
    Text.ALERT_THRESHOLD_ATTAINMENT: "attainment under {value}",
    Text.ALERT_THRESHOLD_AT_MOST: "{value} or less",
    Text.ALERT_THRESHOLD_BELOW: "under {value}",
    Text.ALERT_BANDS: (
        "Levels: attainment 90 %+ on track / 80-90 % caution / 70-80 % warning "
        "/ under 70 % critical"
    ),
    Text.ALERT_ACKNOWLEDGED: "✔️ Acknowledged by {who} at {moment}",
    Text.ALERT_SNOOZED: "💤 Snoozed by {who} until {until} (reason: {reason})",
    Text.ALERT_EPISODE: "Alert #{episode} · {as_of}",
    Text.ALERT_REPLY_OPEN: "{emoji} Now {level} ({attainment}).",
    Text.ALERT_REPLY_ESCALATE: (
        "{mentions} {emoji} Worse: from {previous} to {level} ({attainment})."
    ),
    Text.ALERT_REPLY_ESCALATE_RED: (
        "{mentions} {emoji} Worse: from {previous} to {level} ({attainment}). P"
        "lease call the emergency meeting and review the strategy."
    ),
    Text.ALERT_REPLY_DEESCALATE: "{emoji} Better: from {previous} to {level} ({attainment}).",
    Text.ALERT_REPLY_RESOLVE: "✅ Resolved: on track twice in a row ({attainment}).",
    Text.ALERT_REPLY_REMIND_RED: (
        "{mentions} ⏰ Critical alert unacknowledged for {hours} hours or more: "
        "{name} ({attainment})."
    ),
    Text.ALERT_REPLY_REMIND_ORANGE: (
        "{mentions} ⏰ Warning alert unacknowledged for {hours} hours or more ({attainment})."
    ),
    Text.ALERT_REPLY_SNOOZE_ENDED: "⏰ The snooze ended. Now: {emoji} {level} ({attainment}).",
    Text.ALERT_LEADERSHIP: (
        "{mentions} 🔴 Critical alert: {name} ({attainment}). Please call the em"
        "ergency meeting and review the strategy."
    ),
    Text.ALERT_STALE: (
        "{mentions} ⏳ Data missing: {name}'s latest data is from {last} ({frequ"
        "ency} allows {days} days)."
    ),
    Text.ALERT_STALE_NEVER: "{mentions} ⏳ Data missing: {name} has no data yet.",
    Text.ALERTS_TITLE: "🚨 Alerts",
    Text.ALERTS_NONE: "No open alerts.",
    Text.ALERTS_LINE: "{emoji} *{name}* — {level} (since {since}){state}",
    Text.ALERTS_STATE_ACKNOWLEDGED: " · acknowledged",
    Text.ALERTS_STATE_SNOOZED: " · snoozed until {until}",
    Text.ALERTS_STALE_TITLE: "⏳ Data missing",
    Text.ALERTS_STALE_LINE: "*{name}* — latest {last}",
    # The alert message's buttons and modals (acknowledge, snooze, record action, details)
    Text.ALERT_BUTTON_ACKNOWLEDGE: "Acknowledge",
    Text.ALERT_BUTTON_SNOOZE: "Snooze",
    Text.ALERT_BUTTON_RECORD_ACTION: "Record action",
    Text.ALERT_BUTTON_DETAILS: "Details",
    Text.ALERT_MODAL_KPI: "KPI: *{kpi}*",
    Text.SNOOZE_TITLE: "Snooze the alert",
    Text.SNOOZE_SUBMIT: "Snooze",
    Text.SNOOZE_LENGTH_LABEL: "For how long",
    Text.SNOOZE_REASON_LABEL: "Reason (required)",
    Text.SNOOZE_DAY: "1 day",
    Text.SNOOZE_WEEK: "1 week",
    Text.SNOOZE_NEXT_PERIOD: "Until the next period",
    Text.SNOOZE_REASON_REQUIRED: "Give a reason for the snooze.",
    Text.SNOOZE_BAD_LENGTH: "Choose how long.",
    Text.SNOOZE_DONE: ("💤 The *{kpi}* alert is snoozed until {until} (reason: {reason})."),
    Text.RECORD_ACTION_TITLE: "Record an action",
    Text.RECORD_ACTION_SUBMIT: "Record",
    Text.RECORD_ACTION_TEXT_LABEL: "What will be done",
    Text.RECORD_ACTION_OWNER_LABEL: "Owner",
    Text.RECORD_ACTION_DUE_LABEL: "Due day",
    Text.RECORD_ACTION_TEXT_REQUIRED: "Say what will be done.",
    Text.RECORD_ACTION_BAD_OWNER: "Choose the owner again.",
    Text.RECORD_ACTION_BAD_DUE: "The due day must be today or later.",
    Text.PRESS_NOT_MEMBER: (
        "Sorry: only members of {channel} may use this alert's buttons. Nothing was changed."
    ),
    Text.PRESS_INVALID: "⚠️ This button could not be read. Nothing was changed.",
    Text.PRESS_ENDED: (
        "This alert has ended (resolved, or replaced by a newer one). Nothing was changed."
    ),
    Text.ACK_DONE: ("✅ You acknowledged the *{kpi}* alert ({moment}); its reminders stop."),
    Text.ACK_ALREADY: "{who} acknowledged this alert at {moment}.",
    Text.ALERTS_CHECK_NOTHING: "No alert changes ({count} KPIs evaluated).",
    Text.ALERTS_CHECK_DRY_RUN: "(dry run: nothing was stored or sent)",
    Text.ALERTS_CHECK_QUEUED: "Queued: {count} (the scheduler delivers them)",
    Text.ALERTS_HISTORY_NONE: "No alert history yet.",
    Text.ALERT_CHART_TITLE: "{name}: recent attainment (%)",
    # Imports
    Text.IMPORT_AT_LINE: "line {line}: {message}",
    Text.IMPORT_AT_LINE_COLUMN: "line {line}, column {column}: {message}",
    Text.IMPORT_REQUIRED: "required for {type} but empty or missing",
    Text.IMPORT_NUL_CHARACTER: "contains a NUL character (\\x00), which cannot be stored",
    Text.IMPORT_NOT_A_COLUMN: "not a column of {type} (its columns: {columns})",
    Text.IMPORT_BAD_TIME: (
        "{value} is not a date or time (write e.g. 2026-11-02, 2026/11/02 10:15 or "
        "2026-11-02T10:15:00+09:00)"
    ),
    Text.IMPORT_AMBIGUOUS_DATE: (
        "{value} is ambiguous (month or day first?); write the year first, e.g. 2026/11/02"
    ),
    Text.IMPORT_TIME_OUT_OF_RANGE: "{value} is out of the supported range of times",
    Text.IMPORT_BAD_NUMBER: "{value} is not a number",
    Text.IMPORT_BAD_GROUPING: "{value} is not a number (commas only group thousands: 29,800)",
    Text.IMPORT_NOT_WHOLE: "{value} is not a whole number",
    Text.IMPORT_TOO_SMALL: "{value} is too small (at least {limit})",
    Text.IMPORT_TOO_LARGE: "{value} is too large (at most {limit})",
    Text.IMPORT_BAD_BOOLEAN: "{value} is not a yes/no value (true/false, 1/0, yes/no)",
    Text.IMPORT_NOT_ONE_OF: "{value} is not allowed (one of {expected})",
    Text.IMPORT_TOO_LONG: "too long (at most {limit} characters)",
    Text.IMPORT_EMPTY_TEXT: "is empty",
    Text.IMPORT_NOT_TEXT: "{value} is not text",
    Text.IMPORT_INVALID: "cannot be read: {detail}",
    Text.IMPORT_SURVEY_WITHOUT_ANSWER: "a survey needs at least one of nps, csat, ai_adoption",
    Text.IMPORT_RESPONSE_BEFORE_OPENING: "first_response_at is before at (the ticket was opened)",
    Text.IMPORT_UNTIL_NOT_AFTER_AT: "until must be after at (the downtime's start)",
    Text.IMPORT_MEASUREMENT_IN_FUTURE: (
        "{at} is in the future; a measurement records what was measured"
    ),
    Text.IMPORT_UNKNOWN_KPI: "unknown KPI {value}; measured KPIs are: {known}",
    Text.IMPORT_IMPOSSIBLE_VALUE: "{value} is not a possible {kpi}: it is {rule}",
    Text.IMPORT_NO_TYPE: "no type: add a type column or pass --type",
    Text.IMPORT_UNKNOWN_TYPE: "unknown type {value} (known: {known})",
    Text.IMPORT_TYPE_CONFLICT: "the row says {row_type} but the type given is {forced}",
    Text.IMPORT_CELL_COUNT: "has {cells} cells but the header has {columns} columns",
    Text.IMPORT_INVALID_JSON: "invalid JSON: {detail} (column {column})",
    Text.IMPORT_JSON_NUMBER_TOO_LONG: "invalid JSON: a number has more than {digits} digits",
    Text.IMPORT_JSON_TOO_DEEP: "invalid JSON: arrays or objects nested too deeply",
    Text.IMPORT_NOT_AN_OBJECT: "each line (or array item) must be a JSON object",
    Text.IMPORT_REPEATED_ID: "id {id} appears earlier in the import with other content",
    Text.IMPORT_REFUND_PAYMENT_UNKNOWN: (
        "no payment {payment} is stored; import the payment first "
        "(an earlier line or file), or leave payment empty"
    ),
    Text.IMPORT_REFUND_OTHER_CUSTOMER: "payment {payment} is customer {payer}'s, not {customer}'s",
    Text.IMPORT_REFUNDS_EXCEED_PAYMENT: (
        "refunds of payment {payment} would total {total} JPY, more than its {paid} JPY"
    ),
    Text.IMPORT_REFUNDED_PAYMENT_CUSTOMER: (
        "payment {payment} has refunds to another customer; a refunded payment keeps its customer"
    ),
    Text.IMPORT_PAYMENT_BELOW_REFUNDS: (
        "{amount} JPY is less than the {refunded} JPY already refunded of payment {payment}"
    ),
    Text.IMPORT_REFUSED_EXCLUDED: (
        "rows with {value} are refused by the mapping (refused: {values})"
    ),
    Text.IMPORT_REFUSED_NOT_ALLOWED: (
        "rows with {value} are refused by the mapping (accepted: {values})"
    ),
    Text.IMPORT_NOT_DECODABLE: (
        "the file is neither UTF-8 nor Shift_JIS (CP932) (byte {byte} at column {column}); "
        "save it as UTF-8 (Excel: 'CSV UTF-8')"
    ),
    Text.IMPORT_NOT_DECODABLE_AS: (
        "the file is not {encoding} (byte {byte} at column {column}); without --encoding the "
        "encoding is detected"
    ),
    Text.IMPORT_EMPTY_FILE: "the file is empty",
    Text.IMPORT_EMPTY_HEADER_NAME: "the header row has an empty column name",
    Text.IMPORT_DUPLICATE_HEADER: "the header names {names} twice",
    Text.IMPORT_MALFORMED_CSV: "malformed CSV: {detail}",
    Text.IMPORT_NO_DATA_ROWS: "the file has no data rows",
    Text.IMPORT_NOT_AN_ARRAY: "the content must be a JSON array of objects (or JSON Lines)",
    Text.IMPORT_MAPPING_COLUMNS_MISSING: (
        "the file lacks columns the mapping names: {columns} (no row was read)"
    ),
    Text.INGEST_COUNTS: (
        "inserted {inserted}, updated {updated}, unchanged {unchanged}, rejected {rejected}"
    ),
    Text.INGEST_SKIPPED: ", skipped by the mapping {skipped}",
    Text.INGEST_TOTAL: "total: {counts}",
    Text.INGEST_NOTHING_STORED: "{problem} (nothing stored)",
    Text.INGEST_INVALID_ROWS: "{count} invalid rows; nothing stored",
    Text.INGEST_REJECTS_WRITTEN: " (rejected rows written to {path})",
    Text.API_OFF: "the ingestion API is off: set KPIBOT_API_TOKEN to turn it on",
    Text.API_BAD_TOKEN: "missing or wrong token: send Authorization: Bearer $KPIBOT_API_TOKEN",
    Text.API_TOO_LARGE: "the body is larger than {limit} bytes (KPIBOT_API_MAX_BYTES)",
    Text.API_BAD_CONTENT_TYPE: (
        "send application/json (an array of objects) or application/x-ndjson"
    ),
    Text.API_BUSY: (
        "the database is busy with another import; nothing was stored, send it again later"
    ),
    Text.API_UNREACHABLE: "the database cannot be reached; nothing was stored, send it again later",
    Text.API_DISK_FULL: "the database's disk is full",
    Text.API_DAMAGED: "the database is damaged",
    Text.API_BAD_MAPPING_NAME: (
        "{name} is not a mapping name (letters, digits, - and _: the file's name without .yaml)"
    ),
    Text.API_NO_MAPPINGS: "no mapping folder is configured (KPIBOT_IMPORT_MAPPINGS_DIR)",
    Text.API_NO_SUCH_MAPPING: "there is no mapping named {name}",
    Text.API_MAPPING_BROKEN: "the mapping {name} is broken (reference {reference})",
    # Problems shared by several kinds of input
    Text.PROBLEM_SEPARATOR: "; ",
    Text.PROBLEM_UNKNOWN_ZONE: (
        "unknown time zone {value} (use an IANA name such as Asia/Tokyo or UTC)"
    ),
    Text.PROBLEM_INVALID: "cannot be used: {detail}",
    # The database
    Text.DB_BAD_SCHEME: "a database URL must start with sqlite:/// or postgresql://",
    Text.DB_BAD_SCHEME_NAMED: (
        "a database URL must start with sqlite:/// or postgresql:// (got {scheme}://...)"
    ),
    Text.DB_UNREADABLE_URL: "cannot be read as a database URL (is the port a number?)",
    Text.DB_MISSING: "no database at {path}",
    Text.DB_NO_FOLDER: "cannot create the directory of {path}: {reason}",
    Text.DB_UNAVAILABLE: "cannot use the database {database}: {reason}",
    Text.DB_BUSY: (
        "the database is busy: another writer (an import, say) holds it; try again in a moment"
    ),
    Text.DB_FULL: "the disk holding the database {database} is full ({reason})",
    Text.DB_CORRUPT: "{database} is not a kpibot database or is damaged ({reason})",
    Text.DB_ZONE_DIFFERS: (
        "the database's local days are in {stored} but KPIBOT_TIMEZONE is {configured}; run "
        "`kpibot db set-timezone {configured}` to convert them, or set KPIBOT_TIMEZONE={stored}"
    ),
    Text.DB_ZONE_UNRECORDED: (
        "the database no longer records the time zone of its local days (this process runs in "
        "{configured}); run `kpibot db set-timezone {configured}` to recompute them"
    ),
    Text.DB_ZONE_CONVERTED: (
        "the database's local days were converted to {stored} after this process started in "
        "{configured}; restart it with KPIBOT_TIMEZONE={stored}"
    ),
    Text.HEALTH_NO_ANSWER: "the database does not answer",
    Text.API_TIME_ZONE: (
        "the database's days are in another time zone than this server's; nothing was stored, "
        "send it again once the server runs in the database's zone"
    ),
    # Settings
    Text.SETTING_NO_SUCH_FILE: "no such file: {path}",
    Text.SETTING_NO_SUCH_FOLDER: "no such folder: {path}",
    Text.SETTING_NOT_USER_IDS: (
        "not Slack user ids: {values} (write ids such as U012AB3CD, comma-separated; a "
        "profile's ⋮ menu has 'Copy member ID')"
    ),
    Text.SETTING_BAD_SCHEDULE: (
        "{detail} (crontab syntax in KPIBOT_TIMEZONE: minute hour day-of-month month "
        "day-of-week, with 0 or 7 for Sunday)"
    ),
    Text.SETTING_NOT_A_MENTION: (
        "not a Slack mention: {value} (write {group} for a user group, or {user} or U012AB3CD "
        "for a person; comma-separated)"
    ),
    Text.SETTING_NOT_ALERT_LEVELS: "not alert levels: {values} (yellow, orange, red)",
    Text.SETTING_NOT_A_CHANNEL: (
        "not a Slack channel id: {value} (write an id such as C012AB3CD: the channel's name "
        "menu, 'Channel details', shows it at the bottom)"
    ),
    Text.SETTING_NOT_AN_HTTP_URL: "must be an http(s) URL such as {example}",
    Text.SETTING_NOT_ONE_OF: "must be one of {expected}",
    Text.SETTING_MORE_THAN: "must be greater than {limit}",
    Text.SETTING_AT_LEAST: "must be at least {limit}",
    Text.SETTING_LESS_THAN: "must be less than {limit}",
    Text.SETTING_AT_MOST: "must be at most {limit}",
    Text.SETTING_NOT_A_NUMBER: "{value} is not a number",
    Text.SETTING_NOT_A_WHOLE_NUMBER: "{value} is not a whole number",
    # Column mappings
    Text.MAPPING_UNREADABLE: "cannot be read ({reason})",
    Text.MAPPING_NOT_UTF8: "not UTF-8 text",
    Text.MAPPING_NOT_YAML: "not YAML",
    Text.MAPPING_NOT_YAML_AT: "not YAML at line {line}, column {column}",
    Text.MAPPING_NOT_A_MAPPING: "must be keys with values (key: value)",
    Text.MAPPING_UNKNOWN_KEY: "not a key a mapping knows (it knows {known})",
    Text.MAPPING_REQUIRED: "this key is required",
    Text.MAPPING_NOT_TEXT: "must be text (quote a number: '5')",
    Text.MAPPING_NOT_A_LIST: "must be a list ([a, b])",
    Text.MAPPING_NOT_A_TYPE: "{value} is not a record type ({known})",
    Text.MAPPING_EMPTY: "must not be empty",
    Text.MAPPING_NOT_A_SCALAR: "must be text, a number, true or false",
    Text.MAPPING_NOT_COLUMN_NAMES: "name one of the file's columns (or a list of them)",
    Text.MAPPING_BLANK_FIELD: "a field name is blank",
    Text.MAPPING_ONE_TEST: "give exactly one of equals, not_equals, in, not_in",
    Text.MAPPING_FILLED_TWICE: "values.{field}: already filled from columns.{field}",
    # Slack credentials
    Text.SLACK_CREDENTIALS_MISSING: (
        'set {names} (from your Slack app\'s settings; see "Connect to Slack" in README.md)'
    ),
    Text.LIST_AND: " and ",
    # Import worker
    Text.IMPORT_WORKER_STOPPED: "the import worker stopped unexpectedly (exit code {code})",
    Text.IMPORT_WORKER_FAILED: "the import worker failed: {error}",
    Text.CLI_DEMO_ROWS_UNIT: " rows",
    # Command line help: argparse's own words
    Text.CLI_USAGE_PREFIX: "usage: ",
    Text.CLI_POSITIONALS: "positional arguments",
    Text.CLI_OPTIONS: "options",
    Text.CLI_OPT_HELP: "show this help message and exit",
    # Alerts on the command line: events, what was queued, the audit log
    Text.ALERT_EVENT_OPEN: "opened",
    Text.ALERT_EVENT_ESCALATE: "escalated",
    Text.ALERT_EVENT_DEESCALATE: "de-escalated",
    Text.ALERT_EVENT_RESOLVE: "resolved",
    Text.ALERT_EVENT_REMIND: "reminder",
    Text.ALERT_EVENT_SNOOZE_ENDED: "snooze ended",
    Text.ALERT_DATA_MISSING: "data missing",
    Text.ALERT_SENT_POST: "post",
    Text.ALERT_SENT_UPDATE: "update",
    Text.ALERT_SENT_REPLY: "thread reply",
    Text.ALERT_SENT_LEADERSHIP: "leadership post",
    Text.AUDIT_SCHEDULER: "scheduler",
    Text.AUDIT_CHANGE: "from {before} to {after}",
    Text.AUDIT_OBSERVED: "evaluated {level}",
    Text.AUDIT_ATTAINMENT: "attainment {value}",
    Text.AUDIT_RULE: "rule {rule}",
    Text.AUDIT_LAST_EVENT: "latest data {at}",
    Text.AUDIT_ALLOWED_DAYS: "{days} days allowed",
    Text.AUDIT_RESULT_DONE: "done",
    Text.AUDIT_RESULT_ALREADY: "acknowledged already",
    Text.AUDIT_RESULT_ENDED: "the alert had ended",
    Text.AUDIT_RESULT_REFUSED: "refused",
    Text.AUDIT_RESULT_SHOWN: "shown",
    Text.AUDIT_RESULT_REPEAT: "repeated submission (recorded already)",
    Text.AUDIT_REASON_BAD_VALUE: "unreadable button",
    Text.AUDIT_REASON_UNKNOWN_KPI: "a KPI the catalog lacks",
    Text.AUDIT_REASON_NOT_MEMBER: "not a member of the channel",
    Text.AUDIT_CHANNEL: "channel {channel}",
    Text.AUDIT_MESSAGE_EDITED: "message edited",
    Text.AUDIT_UNTIL: "until {until}",
    Text.AUDIT_REASON: "reason: {reason}",
    Text.AUDIT_ACTION_ID: "action #{id}",
    # Crontab schedules
    Text.CRON_MINUTE: "minute",
    Text.CRON_HOUR: "hour",
    Text.CRON_DAY: "day of month",
    Text.CRON_MONTH: "month",
    Text.CRON_WEEKDAY: "day of week",
    Text.CRON_FIELD_COUNT: (
        "{expression} has {count} fields; a schedule has five: minute hour day-of-month month "
        "day-of-week, e.g. '0 9 * * 1' (Mondays 09:00)"
    ),
    Text.CRON_BOTH_DAYS: (
        "{expression} restricts both the day of month and the day of week; cron would run on "
        "either, kpibot will not guess: use '*' for one of them"
    ),
    Text.CRON_NOT_A_NUMBER: "{field} {value} is not a number {low}-{high}",
    Text.CRON_NOT_A_NUMBER_NAMED: (
        "{field} {value} is not a number {low}-{high} or a name such as {name}"
    ),
    Text.CRON_OUT_OF_RANGE: "{field} {value} is outside {low}-{high}",
    Text.CRON_OUT_OF_RANGE_WEEKDAY: "{field} {value} is outside {low}-{high} (0 and 7 are Sunday)",
    Text.CRON_TOO_MANY_ITEMS: "{field} lists more than {most} items",
    Text.CRON_BAD_STEP: "{field} step {value} is not a number 1-99",
    Text.CRON_ZERO_STEP: "{field} step 0 never advances (use 1 or more)",
    Text.CRON_BACKWARDS: "{field} range {span} runs backwards (write {high}-{low})",
    # The KPI catalog (KPIBOT_CATALOG)
    Text.CATALOG_INVALID: "{source} is not a valid KPI catalog ({count} problems):",
    Text.CATALOG_INVALID_ONE: "{source} is not a valid KPI catalog ({count} problem):",
    Text.CATALOG_SHIPPED: "the shipped catalog kpi_engine/catalog.yaml",
    Text.CATALOG_AT: "line {line}, column {column}",
    Text.CATALOG_AT_LINE: "line {line}",
    Text.CATALOG_NOT_A_CATALOG: "must be a YAML mapping of document_date, phases, kpis and rules",
    Text.CATALOG_UNKNOWN_KEY: "not a key this entry takes (it takes {known})",
    Text.CATALOG_NOT_TRUE_OR_FALSE: "{value} must be true or false",
    Text.CATALOG_NOT_A_DATE: "{value} is not a date (write it as 2025-01-01)",
    Text.CATALOG_NOT_AN_ID: (
        "{value} cannot be an id (a lower-case letter, then lower-case letters, digits and _)"
    ),
    Text.CATALOG_NOT_AN_OWNER: (
        "{value} is not a Slack user or user group id (such as U012AB3CD or S012AB3CD)"
    ),
    Text.CATALOG_END_BEFORE_START: "ends {end}, before it starts ({start})",
    Text.CATALOG_DUE_BEFORE_START: "due {due}, before it starts ({start})",
    Text.CATALOG_GROWTH_NEEDS_HIGHER: "judge: growth needs direction: higher",
    Text.CATALOG_TARGET_OUT_OF_ORDER: (
        "starts {start}, not after {previous} ({previous_start}):"
        " targets go in order of start, one per start date"
    ),
    Text.CATALOG_NO_DUE_FOR_LINE: "has no due date, which judge: line needs",
    Text.CATALOG_TOO_MANY_DAYS: (
        "{days} days are more than the shortest {period} has ({fewest}):"
        " such a period would never be judged while in progress"
    ),
    Text.CATALOG_NO_MEASURED_VALUE: (
        "{kpi} is recorded by hand, so it needs measured_value (the values it can take)"
    ),
    Text.CATALOG_DUPLICATE_ID: "duplicate id {id} (also {first})",
    Text.CATALOG_PHASE_OVERLAP: (
        "starts {start}, not after {previous} ({previous_id}) ends {previous_end}"
    ),
    Text.CATALOG_UNKNOWN_PHASE: "unknown phase {value} (phases are: {known})",
    Text.CATALOG_NAME_TAKEN: "{name} already names {other} ({other_id})",
    Text.CATALOG_UNKNOWN_KPI: "unknown KPI {value}",
    # Errors of the HTTP endpoints that no route answers itself
    Text.HTTP_NOT_FOUND: "there is nothing at this URL",
    Text.HTTP_METHOD_NOT_ALLOWED: "this URL takes {methods} only",
    Text.HTTP_FAILED: "this request cannot be answered (HTTP {status})",
    Text.HTTP_INTERNAL: "internal error",
}
