"""The scheduler process's jobs: the weekly, monthly and quarterly reports and the alert
evaluation, each started by APScheduler from `kpibot scheduler` with that process's
`Runtime`.

A job decides nothing itself: the engine (`kpi_engine`) says what a report holds and what an
alert does next, storage writes the outcome and its outbox rows in one transaction of the
job's, and the outbox's deliverer (`delivery`) sends them through the typed Slack client
(`bot.slack.client`).
"""
