"""Every user-facing string in Japanese, the default locale."""

# Full-width brackets and the wave dash are the correct punctuation of Japanese copy.
# ruff: noqa: RUF001

from __future__ import annotations

from bot.slack.copy.keys import Text

JA: dict[Text, str] = {
    # Command line
    Text.CLI_DESCRIPTION: (
        "小さな会社のKPI管理を Slack で。まず `kpibot demo` でデモのデータベースを作って試せます。"
    ),
    Text.CLI_EPILOG: "各コマンドのオプションと例: kpibot COMMAND --help",
    Text.CLI_OPT_VERBOSE: "処理の様子をログに出す",
    Text.CLI_OPT_DB: (
        "使うデータベース: SQLite ファイルのパス、または sqlite:/// か postgresql:// の "
        "URL（KPIBOT_DATABASE_URL より優先）"
    ),
    Text.CLI_OPT_DEMO_DB: "作り直すデモの SQLite ファイル（既定 {default}）",
    Text.CLI_OPT_VERSION: "バージョンを表示して終了",
    Text.CLI_EXAMPLES: "例:\n  {examples}",
    Text.CLI_DATABASE_USED: (
        "データベース: --db で指定したもの、なければ KPIBOT_DATABASE_URL（既定はこのフォルダの "
        "kpibot.db）。"
    ),
    Text.CLI_DATABASE_DEMO: (
        "データベース: 作り直すデモのファイル（--db、既定 {default}）。"
        "設定されたデータベースや kpibot.db には触れません。"
    ),
    Text.CLI_NO_DATABASE: (
        "データベース {path} がありません。`kpibot demo` でデモを作るか、`kpibot ingest FILE` "
        "でデータを取り込むか、--db で別のデータベースを指定してください"
    ),
    Text.CLI_SETTINGS_ERROR: "設定エラー: {error}",
    Text.CLI_INTERRUPTED: "中断しました",
    Text.CLI_TERMINATED: "停止しました",
    Text.CLI_UNEXPECTED: (
        "予期しないエラー {error}（参照番号 {reference}）。詳しくは -v "
        "を付けてもう一度実行してください"
    ),
    Text.CLI_DEMO: "参考企業のデモデータベースを作り、その内容を表示する",
    Text.CLI_DEMO_EXAMPLE: (
        "kpibot demo                          今日までのデモデータで ./kpibot-demo.db を作る\n"
        "  kpibot demo --today 2026-03-31       2026-03-31 までのデータで作る\n"
        "  kpibot demo --write-csv demo-csv     取り込み用の CSV も書き出す"
    ),
    Text.CLI_SHOW: "1つのKPIの値・目標・レベル",
    Text.CLI_SHOW_EXAMPLE: (
        "kpibot show nps                      NPS の今の値・目標・レベル\n"
        "  kpibot show 月次経常収益 --at 2026-10-31\n"
        "  kpibot --db kpibot-demo.db show mrr --json"
    ),
    Text.CLI_STATUS: "全KPIのレベルを階層ごとに",
    Text.CLI_STATUS_EXAMPLE: (
        "kpibot status                        全KPI\n"
        "  kpibot status --level red            緊急（赤）のKPIだけ\n"
        "  kpibot status --at 2026-09-30 --json"
    ),
    Text.CLI_INGEST: "イベントの CSV / TSV / JSON / JSON Lines ファイルを取り込む（id で冪等）",
    Text.CLI_INGEST_EXAMPLE: (
        "kpibot ingest payments.csv           type 列のあるファイル\n"
        "  kpibot ingest --type enrollment enrollments.csv\n"
        "  kpibot ingest --map stripe.yaml export.csv   他のツールの書き出しを列の対応表で\n"
        "  kpibot ingest --skip-invalid *.csv   正しい行だけ取り込み、残りを "
        "FILE.rejected.jsonl へ"
    ),
    Text.CLI_RECORD: "KPIの手入力の測定値を記録する（誤りは削除）",
    Text.CLI_RECORD_EXAMPLE: (
        "kpibot record brand_search_rank 3                    今の測定値として記録\n"
        "  kpibot record market_share 4.5 --at 2026-10-31\n"
        "  kpibot record market_share --delete --at 2026-10-31  その日の値を削除"
    ),
    Text.CLI_HISTORY: "KPIの手入力の測定値の変更履歴（何を・いつ・誰が）",
    Text.CLI_HISTORY_EXAMPLE: (
        "kpibot history brand_search_rank      検索順位の変更履歴\n"
        "  kpibot history market_share --limit 10 --json"
    ),
    Text.CLI_REPORT: "終わったばかりの期間のレポートを表示する、またはチャンネルに投稿する",
    Text.CLI_REPORT_EXAMPLE: (
        "kpibot report weekly                 先週のチームサマリー\n"
        "  kpibot report monthly --at 2026-10-31\n"
        "  kpibot report quarterly --post       経営チャンネルに投稿（期間ごとに1回）"
    ),
    Text.CLI_ALERTS: "アラート: 今すぐ評価する、または履歴",
    Text.CLI_ALERTS_EXAMPLE: (
        "kpibot alerts check --dry-run        何が変わり何が送られるかだけ表示\n"
        "  kpibot alerts history nps"
    ),
    Text.CLI_ALERTS_CHECK: "全KPIを今評価し、変わることと送られるものを表示する",
    Text.CLI_ALERTS_HISTORY: "アラートの監査ログ（新しい順）",
    Text.CLI_JOBS: "定期レポート: 次の実行（現地時刻）、前回の結果、リーダー",
    Text.CLI_JOBS_EXAMPLE: "kpibot jobs                          次の実行と前回の結果",
    Text.CLI_OUTBOX: "Slack へ送る送信箱の中身（新しい順）、または失敗した項目の再送",
    Text.CLI_OUTBOX_EXAMPLE: (
        "kpibot outbox --failed               失敗した項目だけ\n  kpibot outbox --retry 12"
    ),
    Text.CLI_DB: "データベースのスキーマと保守",
    Text.CLI_DB_EXAMPLE: (
        "kpibot db upgrade                    最新のスキーマへ\n"
        "  kpibot db rebuild-rollups\n  kpibot db set-timezone Asia/Tokyo"
    ),
    Text.CLI_DB_UPGRADE: "未適用のマイグレーションを適用する",
    Text.CLI_DB_REBUILD: "日次集計・顧客・月次支払者をイベントから計算し直す（修復用）",
    Text.CLI_DB_SET_TIMEZONE: (
        "保存された現地日付と集計を別のタイムゾーンに変換する（1トランザクション）"
    ),
    Text.CLI_SCHEDULER: "定期レポートを実行し送信箱を配信する（Procfile の clock プロセス）",
    Text.CLI_SCHEDULER_EXAMPLE: "kpibot scheduler                     SIGTERM で止まるまで動く",
    Text.CLI_SERVE: "Slack アプリを HTTP（gunicorn）で $PORT に、取り込み API とともに動かす",
    Text.CLI_SERVE_EXAMPLE: (
        "kpibot serve                         0.0.0.0:$PORT（既定 3000）\n"
        "  kpibot serve --port 8080 --scheduler"
    ),
    Text.CLI_SOCKET: "Slack アプリを Socket Mode で動かす（公開 URL 不要、SLACK_APP_TOKEN が必要）",
    Text.CLI_SOCKET_EXAMPLE: "kpibot socket                        SLACK_APP_TOKEN を設定して",
    Text.CLI_ARG_ZONE: "IANA タイムゾーン（例 Asia/Tokyo）",
    Text.CLI_ARG_FILES: "CSV、TSV、JSON（配列）または JSON Lines のファイル",
    Text.CLI_ARG_MAP: (
        "他のツールの書き出し用の列の対応表（列名の変更、種類、不要な列、読み飛ばす行）"
    ),
    Text.CLI_ARG_ENCODING: "この文字コードで読む（既定: UTF-8 か CP932 かを判定）",
    Text.CLI_ARG_TYPE: "type 列のない行のレコード種別",
    Text.CLI_ARG_SKIP_INVALID: "正しい行を保存し、拒否した行を FILE.rejected.jsonl に書く",
    Text.CLI_ARG_RECORDED_KPI: "手入力で記録するKPI（例 brand_search_rank）",
    Text.CLI_ARG_VALUE: "測定値",
    Text.CLI_ARG_RECORD_AT: "測定した日時（ISO 8601 の日付か日時、既定は今）。--delete ではその日",
    Text.CLI_ARG_DELETE: "--at の日の測定値を削除する",
    Text.CLI_ARG_LIMIT: "新しい方から N 件（既定 50）",
    Text.CLI_ARG_JSON: "機械可読の JSON で出力",
    Text.CLI_ARG_AT: "この日の終わり時点（既定: 今）",
    Text.CLI_ARG_KPI: "id・名前・別名（例 nps、顧客満足度）",
    Text.CLI_ARG_LEVEL: "このレベルのKPIだけ（Slack の /kpi status LEVEL と同じ）",
    Text.CLI_ARG_WRITE_CSV: "取り込み用ファイルもここに書き出す",
    Text.CLI_ARG_SCALE: "データ量の倍率（ベンチマーク用）",
    Text.CLI_ARG_TODAY: "データの最終日（{first} 以降、既定: 今日）",
    Text.CLI_ARG_REPORTS: "3つのレポートのテキストとグラフを書くフォルダ（既定 {default}）",
    Text.CLI_ARG_REPORT_AT: "この日の終わりに終わったばかりの期間（既定: 今）",
    Text.CLI_ARG_POST: "送信箱を通して投稿する（期間ごとに1回）",
    Text.CLI_ARG_FORCE: "--post と一緒に: 投稿済みでも新しく投稿する",
    Text.CLI_ARG_FAILED: "失敗した項目だけ",
    Text.CLI_ARG_RETRY: "失敗した項目をもう一度送る（一覧の番号）",
    Text.CLI_ARG_DRY_RUN: "何も保存・送信せず、表示だけする",
    Text.CLI_ARG_ONLY_KPI: "このKPIだけ",
    Text.CLI_ARG_HOST: "待ち受けるアドレス（既定 0.0.0.0）",
    Text.CLI_ARG_PORT: "待ち受けるポート（既定: $PORT か 3000）",
    Text.CLI_ARG_WITH_SCHEDULER: "定期レポートも動かす（ワーカーごとではなくサーバーに1つ）",
    Text.CLI_BAD_HOST: "{host} で待ち受けられません: {reason}",
    Text.CLI_PORT_IN_USE: (
        "{host}:{port} は別のプロセスが使用中です。--port で別のポートを指定してください"
    ),
    Text.CLI_CANNOT_LISTEN: "{host}:{port} で待ち受けられません: {reason}",
    Text.CLI_NO_SLACK: "Slack アプリを起動できません: {error}",
    Text.CLI_SERVING: "Slack を {url} で受け付けています",
    Text.CLI_SCHEDULER_STARTED: (
        "スケジューラー {holder} を開始しました（レポートジョブ {count} 件、{zone}）"
    ),
    Text.CLI_SCHEDULER_STOPPED: "スケジューラーを停止しました",
    Text.CLI_DEMO_TOO_EARLY: (
        "--today {day} はデモデータの始まり（{first}）より前です。{first} "
        "以降の日付を指定してください"
    ),
    Text.CLI_DEMO_IN_FUTURE: (
        "--today {day} は未来の日付です（今日は {today}）。今日までの日付を指定してください"
    ),
    Text.CLI_DEMO_BUILDING: (
        "{path} を作成中: デモデータ {first} 〜 {today}（{zone}）、倍率 {scale}"
    ),
    Text.CLI_DEMO_TOTAL: "合計",
    Text.CLI_DEMO_ROWS: "{count} 行",
    Text.CLI_DEMO_WROTE_CSV: "{file} を書き出しました（{kind} {count} 行）",
    Text.CLI_DEMO_SLACK_SAYS: "Slack で /kpi {text} と打つと:",
    Text.CLI_DEMO_ALERTS: "デモデータが発生させるアラート、各チャンネルに届くメッセージ:",
    Text.CLI_DEMO_NO_ALERTS: "なし",
    Text.CLI_DEMO_REPORTS: "週次・月次・四半期レポートを {folder}/ に書き出しました:",
    Text.CLI_DEMO_NEXT: "次に試すコマンド（デモのデータベースで）:",
    # Command line, errors
    Text.CLI_USAGE_ERROR: "エラー: {problem}",
    Text.CLI_ARGPARSE_ARGUMENT: "{argument}: {problem}",
    Text.CLI_ARGPARSE_INVALID_CHOICE: "{value} は選べません（選べるのは {choices}）",
    Text.CLI_ARGPARSE_REQUIRED: "次の引数が必要です: {names}",
    Text.CLI_ARGPARSE_UNRECOGNIZED: "解釈できない引数です: {words}",
    Text.CLI_ARGPARSE_EXPECTED_ONE: "値を1つ指定してください",
    Text.CLI_ARGPARSE_EXPECTED_SOME: "値を1つ以上指定してください",
    Text.CLI_ARGPARSE_IGNORED_VALUE: "値を取らないオプションに {value} が指定されています",
    Text.CLI_ARGPARSE_AMBIGUOUS: "{option} は {matches} のどれか決まりません",
    Text.CLI_NOT_A_DATE: "{text} は日付ではありません（例 2026-11-23）",
    Text.CLI_NOT_POSITIVE: "{text} は正の数ではありません",
    Text.CLI_NOT_A_COUNT: "{text} は 1 から {most} までの整数ではありません",
    Text.CLI_NOT_AN_ITEM_ID: "{text} は送信箱の項目の番号（1, 2, …）ではありません",
    Text.CLI_NOT_A_PORT: "{text} はポート番号（1〜65535）ではありません",
    Text.CLI_VERSION_UNKNOWN: "不明（インストールされていません）",
    Text.CLI_UNKNOWN_KPI: "{query} に当たるKPIはありません",
    Text.CLI_UNKNOWN_KPI_SUGGEST: "{query} に当たるKPIはありません。もしかして: {names}",
    Text.CLI_DB_MIGRATED: "データベースをリビジョン {revision} に更新しました",
    Text.CLI_DB_ALREADY_AT: "データベースはすでにリビジョン {revision} です",
    Text.CLI_DB_ROLLUPS_REBUILT: "集計を作り直しました: {tables}",
    Text.CLI_DB_ROLLUP_TABLE: "{table} {rows}（うち {differed} 行が違っていた）",
    Text.CLI_ROW_COUNT_ONE: "{count} 行",
    Text.CLI_ROW_COUNT: "{count} 行",
    Text.CLI_UNKNOWN_ZONE: "{zone} というタイムゾーンはありません。もしかして: {names}",
    Text.CLI_UNKNOWN_ZONE_EXAMPLE: (
        "{zone} というタイムゾーンはありません。Asia/Tokyo のような IANA の名前で指定してください"
    ),
    Text.CLI_LONG_INPUT: "{start}…（{length} 文字）",
    Text.CLI_ZONE_UNCHANGED: "データベースの現地日付はすでに {zone} です。何も変えていません",
    Text.CLI_ZONE_CONVERTED: (
        "現地日付を {before} から {zone} に変換しました: イベント {events} "
        "件を計算し直し（{changed} 件が変化）、集計を作り直しました: {rollups}"
    ),
    Text.CLI_ZONE_NONE_RECORDED: "記録なし",
    Text.CLI_ZONE_RESTART: (
        "これからはすべての kpibot プロセスを KPIBOT_TIMEZONE={zone} で動かしてください。"
        "動いているプロセスは、この設定で再起動するまで応答しません"
    ),
    Text.CLI_NO_SUCH_FILE: "ファイルがありません: {paths}",
    Text.CLI_MAPPING_TYPE_CONFLICT: (
        "--type {given} はマッピングの type {mapped} と食い違っています"
    ),
    Text.CLI_RECORD_NEEDS_VALUE: (
        "記録する VALUE を指定してください（削除なら --delete と --at DATE）"
    ),
    Text.CLI_DELETE_NO_VALUE: "--delete には VALUE を指定しません",
    Text.CLI_DELETE_NEEDS_DAY: (
        "--delete には削除する日を --at DATE（YYYY-MM-DD）で指定してください"
    ),
    Text.CLI_OUTBOX_NO_ITEM: "送信箱に #{id} の項目はありません（一覧は kpibot outbox）",
    Text.CLI_OUTBOX_NOT_FAILED: (
        "送信箱の項目 #{id} は{status}で、失敗していません: 再送できるのは失敗した項目だけです"
    ),
    Text.CLI_REPORT_FORCE_WITHOUT_POST: (
        "--force は新しく投稿し直すオプションです: --post と一緒に使ってください"
    ),
    Text.CLI_REPORT_IN_FUTURE: (
        "--at {day} は未来の日付です: レポートは終わった期間についてのものです"
    ),
    Text.CLI_REPORT_NO_CHANNEL: (
        "{report}の投稿先チャンネルがありません: {variable} を設定してください"
    ),
    Text.CLI_REPORT_NOT_POSTED: (
        "{period} の{report}は {channel} 宛てに送信箱に入りました（{item}）が、"
        "投稿できませんでした: {problem}。再送されます（kpibot outbox で確認できます）"
    ),
    Text.CLI_REPORT_NOT_DELIVERED: "配信されていません",
    Text.CLI_DEMO_KPIBOT_DB: (
        "kpibot demo は kpibot.db には触れません。別の --db を指定してください"
    ),
    Text.CLI_DEMO_CONFIGURED_DB: (
        "{path} は設定されたデータベース（KPIBOT_DATABASE_URL）です。kpibot demo "
        "はこれを置き換えません: 別の --db を指定してください"
    ),
    Text.CLI_DEMO_NOT_DEMO_DB: (
        "{path} はすでにあり、kpibot のデモデータベースではありません。別の --db を指定するか、"
        "自分で削除してください"
    ),
    Text.CLI_DEMO_REPORTS_NOT_FOLDER: (
        "{path} はすでにあり、フォルダではありません。別の --reports を指定してください"
    ),
    Text.CHART_TITLE: "{name}【{level}】",
    Text.CHART_ACTUAL: "実績",
    Text.CHART_TARGET: "目標",
    Text.CHART_PERIOD: "期間",
    Text.CHART_TARGET_LINE: "目標（期日までの直線）",
    Text.CHART_TARGET_PRORATED: "目標（当期は経過日数で按分）",
    Text.CHART_PARTIAL: "集計途中の期間",
    Text.CHART_INSUFFICIENT: "サンプル不足（n が {minimum} 未満）",
    Text.CHART_TOO_FEW_POINTS: (
        "📉 *{name}* のグラフは作成できません。値のある期間が {points} 件しかありません"
        "（グラフには {minimum} 件以上必要です）。"
    ),
    Text.CHART_RENDERING_FAILED: "📉 *{name}* のグラフの描画に失敗しました。",
    Text.CHART_UPLOAD_FAILED: (
        "📉 *{name}* のグラフをSlackにアップロードできませんでした（理由: `{code}`）。"
        "しばらくしてからもう一度お試しください。"
    ),
    Text.SHARED_BY: "{user} さんが共有しました",
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
    Text.AS_OF_END_OF_DAY: "{day} 終了時点",
    Text.SAMPLE: "n={n}",
    Text.VALUE_PERSON: "{n}人",
    Text.VALUE_PEOPLE: "{n}人",
    Text.VALUE_TIME: "{n}回",
    Text.VALUE_TIMES: "{n}回",
    Text.VALUE_ITEM: "{n}件",
    Text.VALUE_ITEMS: "{n}件",
    Text.VALUE_SCORE: "{n}点",
    Text.VALUE_RANK: "{n}位",
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
    Text.KPI_JUDGED_PREVIOUS: "前期の判定基準 {value}",
    Text.KPI_JUDGED_AGAINST: "前期は {name}（{value}）に対して判定",
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
    Text.STATUS_TARGET_PREVIOUS: "前期 {value}",
    Text.STATUS_ON_PREVIOUS: "前期の値",
    Text.STATUS_NONE: "該当するKPIはありません。",
    Text.STATUS_HINT: "各KPIの詳細は `/kpi KPI名` で表示できます。",
    Text.STATUS_FALLBACK: "KPIステータス（{as_of}）: {counts}",
    Text.HELP_TITLE: "kpibot の使い方",
    Text.HELP_COMMANDS: (
        "• `/kpi KPI名` — KPIの今期の値、目標、達成率、推移を表示（例: `/kpi nps`、`/kpi 売上`）\n"
        "• `/kpi status` または `/kpi 一覧` — 全KPIを階層ごとに一覧表示\n"
        "• `/kpi status red` — レベルで絞り込み（green / yellow / orange / red）\n"
        "• `/kpi KPI名 chart`（または `グラフ`）— 推移と目標線のグラフを投稿\n"
        "• `/kpi KPI名 share`（または `共有`）— 回答をチャンネルのみんなに表示\n"
        "• `/kpi record KPI名 値 [YYYY-MM-DD]` — 計測値を記録（管理者のみ）\n"
        "• `/kpi record KPI名 delete YYYY-MM-DD` — 誤った計測値を削除（管理者のみ）\n"
        "• `/kpi note market 本文` / `/kpi note strategy 本文` — 月次レポートに載せる"
        "競合・市場動向のメモ / 戦略見直し提案を追加\n"
        "• `/kpi notes [YYYY-MM]` — その月のメモを表示（省略時は今月）\n"
        "• `/kpi actions` — 未完了の改善アクションを期限順に表示\n"
        "• `/kpi action add KPI名 内容 [@担当者] [YYYY-MM-DD]` — 改善アクションを登録"
        "（`/kpi action done 番号` で完了）\n"
        "• `/kpi health` — 定期レポートの前回・次回の配信と送信キュー、スケジューラの状態\n"
        "• `/kpi alerts` — 未解決のアラート（重い順）とデータ未更新のKPI\n"
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
    Text.RECORD_UPDATED: "✅ *{name}* の {at} の値を {previous} から {value} に更新しました。",
    Text.RECORD_UNCHANGED: "*{name}* の {at} の値はすでに {value} です。変更はありません。",
    Text.RECORD_DELETED: "🗑️ *{name}* の {day} の値 {values} を削除しました。",
    Text.RECORD_NOTHING_TO_DELETE: "*{name}* には {day} の値がありません。何も削除していません。",
    Text.HISTORY_TITLE: "{name} の変更履歴（{zone}、古い順、最新 {count} 件）",
    Text.HISTORY_EMPTY: "{name} の値はまだ記録されていません。",
    Text.HISTORY_ENTERED: "{at} の値 {value} を記録",
    Text.HISTORY_REPLACED: "{at} の値を {previous} から {value} に変更",
    Text.HISTORY_DELETED: "{at} の値 {previous} を削除",
    Text.HISTORY_LINE: "{entered_at}  {change}（{by}）",
    Text.NOT_RECORDABLE: (
        "*{name}* は kpibot がデータから計算するKPIのため、値を記録できません。\n"
        "記録できるKPI: {names}"
    ),
    Text.RECORD_NOT_POSSIBLE: (
        "*{name}* の値として {value} は記録できません。記録できるのは{rule}です。"
    ),
    Text.RECORD_IN_FUTURE: "{day} は未来の日付です。計測値は計測した日付で記録してください。",
    Text.RULE_WHOLE: "{bounds}整数",
    Text.RULE_NUMBER: "{bounds}数値",
    Text.RULE_ABOVE: "{above}より大きい",
    Text.RULE_ABOVE_AT_MOST: "{above}より大きく{maximum}以下の",
    Text.RULE_FROM_TO: "{minimum}以上{maximum}以下の",
    Text.RULE_AT_LEAST: "{minimum}以上の",
    Text.RULE_AT_MOST: "{maximum}以下の",
    Text.USAGE_TOO_LONG: "入力が長すぎます。{limit}文字以内で入力してください。",
    Text.USAGE_RECORD: (
        "記録するには `/kpi record KPI名 値 [YYYY-MM-DD]`、"
        "削除するには `/kpi record KPI名 delete YYYY-MM-DD` の形で入力してください。"
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
    Text.DATABASE_FULL: (
        "⚠️ データベースのディスクがいっぱいのため、保存できません。管理者にお知らせください。"
    ),
    Text.DATABASE_DAMAGED: (
        "⚠️ kpibot のデータベースが壊れているため、処理できません。管理者にお知らせください。"
    ),
    Text.DATABASE_TIME_ZONE: (
        "⚠️ データは `{stored}` の日付で記録されていますが、この kpibot は `{configured}` で"
        "動いているため、日付のずれた数字でお答えしないよう回答を控えています。"
        "データのタイムゾーンで kpibot を再起動するよう、管理者にお知らせください。"
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
    # Scheduled reports' health: /kpi health and kpibot jobs (the scheduler)
    Text.HEALTH_TITLE: "スケジュール配信の状況",
    Text.HEALTH_FALLBACK: "スケジュール配信の状況（{moment} 時点）",
    Text.HEALTH_JOB_WEEKLY: "週次レポート",
    Text.HEALTH_JOB_MONTHLY: "月次レポート",
    Text.HEALTH_JOB_QUARTERLY: "四半期レビュー",
    Text.HEALTH_CHANNEL: "投稿先 `{channel}`、スケジュール `{schedule}`（{zone}）",
    Text.HEALTH_NOT_SCHEDULED: (
        "投稿先が未設定のため配信しません（`{variable}` にチャンネルIDを設定してください）"
    ),
    Text.HEALTH_NEXT_RUN: "次回: {moment}",
    Text.HEALTH_NO_NEXT_RUN: "次回: なし（このスケジュールは実行されません）",
    Text.HEALTH_LAST_RUN: "前回: {period} {status}（{moment}）",
    Text.HEALTH_NEVER_RUN: "前回: まだありません",
    Text.HEALTH_LATE: "・遅延して投稿",
    Text.HEALTH_ERROR: "エラー: `{error}`",
    Text.HEALTH_STATUS_PENDING: "⏳ 送信待ち",
    Text.HEALTH_STATUS_SENDING: "📤 送信中",
    Text.HEALTH_STATUS_SENT: "✅ 投稿済み",
    Text.HEALTH_STATUS_FAILED: "⚠️ 失敗（再試行します）",
    Text.HEALTH_STATUS_ABANDONED: "❌ 失敗（`kpibot outbox --retry` で再送できます）",
    Text.HEALTH_STATUS_SKIPPED: "⏭️ スキップ（猶予期間を過ぎたため投稿せず）",
    Text.HEALTH_OUTBOX: "📬 *送信キュー*: {counts}",
    Text.HEALTH_OUTBOX_EMPTY: "📬 *送信キュー*: 空",
    Text.HEALTH_COUNT: "{status} {n:,}件",
    Text.HEALTH_LEADER: (
        "🫀 *稼働中のスケジューラ*: `{holder}`（{since} から、最終応答 {heartbeat}）"
    ),
    Text.HEALTH_LEADER_SILENT: (
        "⚠️ *スケジューラ* `{holder}` の応答が {heartbeat} "
        "から途絶えています（`kpibot scheduler` の稼働を確認してください）"
    ),
    Text.HEALTH_NO_LEADER: (
        "⚠️ *スケジューラが動いていません*（`kpibot scheduler` "
        "または `kpibot serve --scheduler` を起動してください）"
    ),
    Text.HEALTH_WEEKDAYS: "月,火,水,木,金,土,日",
    Text.OUTBOX_TITLE: "送信キュー（新しい順に {count:,}件、時刻は {zone}）",
    Text.OUTBOX_EMPTY: "送信キューは空です。",
    Text.OUTBOX_FAILED_EMPTY: "失敗した送信はありません。",
    Text.OUTBOX_LINE: "#{id} {status} {item}（作成 {created}、送信 {sent}、試行 {attempts}回）",
    Text.OUTBOX_NOT_SENT: "未送信",
    Text.OUTBOX_RETRIED: "#{id}（{item}）を再送待ちに戻しました。スケジューラが送信します。",
    # Scheduled reports, notes and the report charts
    Text.REPORT_WEEKLY_TITLE: "📊 週次チームサマリー {period}",
    Text.REPORT_MONTHLY_TITLE: "📈 月次ステークホルダーレポート {year}年{month}月",
    Text.REPORT_QUARTERLY_TITLE: "🧭 四半期レビュー {year}年 第{quarter}四半期",
    Text.REPORT_PERIOD: "🗓️ 対象期間: {start}〜{end}（{zone}）・{as_of}",
    Text.REPORT_LATE: "⏰ このレポートは予定の時刻より遅れてお届けしています。",
    Text.REPORT_CONTINUED: "{title} の続き（{page}/{pages}）・{start}〜{end}（{zone}）",
    Text.REPORT_CONTINUED_TEXT: "{title} の続き（{page}/{pages}）",
    Text.REPORT_WEEKLY_TEXT: (
        "週次チームサマリー {period}（{start}〜{end}, {zone}）: 要対応 {concerns}件、データ遅延 "
        "{stale}件"
    ),
    Text.REPORT_MONTHLY_TEXT: (
        "月次ステークホルダーレポート {year}年{month}月（{zone}）: 注意以上 {concerns}件、"
        "メモ {notes}件"
    ),
    Text.REPORT_QUARTERLY_TEXT: (
        "四半期レビュー {year}年 第{quarter}四半期（{start}〜{end}, {zone}）"
    ),
    Text.REPORT_LATE_TEXT: "【遅延】{text}",
    Text.REPORT_MAIN_PROGRESS: "*主要KPIの進捗*",
    Text.REPORT_VALUE_AGAINST: "{value} / 目標 {target}",
    Text.REPORT_NO_TARGET: "目標なし",
    Text.REPORT_ATTAINMENT: "達成率 {percent}",
    Text.REPORT_VS_LAST_WEEK: "前週比 {change}",
    Text.REPORT_VS_LAST_MONTH: "前月比 {change}",
    Text.REPORT_VS_LAST_YEAR: "前年比 {change}",
    Text.REPORT_VS_LAST_QUARTER: "前四半期比 {change}",
    Text.REPORT_TOWARD_TARGET: "目標値 {target} に対し {percent}",
    Text.REPORT_PROBLEMS: "*課題・改善点*（注意以上、深刻な順）",
    Text.REPORT_NO_PROBLEMS: "注意以上のKPIはありません。",
    Text.REPORT_RESPONSE_CONSIDER: "週次で改善アクション検討",
    Text.REPORT_RESPONSE_ACT_NOW: "即座に改善アクション実行",
    Text.REPORT_RESPONSE_EMERGENCY: "緊急対策会議・戦略見直し",
    Text.REPORT_ACTIONS: "*次週のアクション*",
    Text.REPORT_NO_ACTIONS: "次週が期限の改善アクションはありません。",
    Text.REPORT_ACTION: "• {due} *{kpi}*: {title}",
    Text.REPORT_STALE: "*データ更新の遅れ*",
    Text.REPORT_NO_STALE: "更新が遅れているデータはありません。",
    Text.REPORT_STALE_SINCE: "⏳ *{kpi}*: 最終データ {last}（{frequency}更新、許容 {days}日）",
    Text.REPORT_STALE_NEVER: "⏳ *{kpi}*: データがまだありません（{frequency}更新）",
    Text.REPORT_PHASE: "計画: {phase}（{start}〜{end}）",
    Text.REPORT_NO_PHASE: "計画: フェーズ外（長期目標で判定）",
    Text.REPORT_MARKET_NOTES: "*競合・市場動向*",
    Text.REPORT_STRATEGY_NOTES: "*戦略見直し提案*",
    Text.REPORT_NO_NOTES: (
        "今月のメモはありません（`/kpi note market …` / `/kpi note strategy …` で追加できます）。"
    ),
    Text.REPORT_NOTE_BY: "{moment}・{author}",
    Text.REPORT_STRATEGIC_GOALS: "*戦略KPI評価*（長期目標に対して）",
    Text.REPORT_GOAL: "長期目標 {target}（{due}）に対し {percent}",
    Text.REPORT_NO_GOAL: "長期目標なし",
    Text.REPORT_PLAN_RESULTS: "*事業計画に対する結果*\n{phase}",
    Text.REPORT_NEXT_TARGETS: "*次四半期目標*（{start}〜{end}）",
    Text.REPORT_PHASE_CHANGE: (
        "🔀 次四半期から *{phase}* に移行します。目標が変わるKPIに 🆕 を付けています。"
    ),
    Text.REPORT_PHASE_ENDS: (
        "🔀 次四半期で計画のフェーズが終わり、長期目標で判定します。目標が変わるKPIに 🆕 "
        "を付けています。"
    ),
    Text.REPORT_TARGET_SAME: "• *{kpi}*: {target}",
    Text.REPORT_TARGET_NEW: "• 🆕 *{kpi}*: {target}（現在 {now}）",
    Text.REPORT_TARGET_FROM: "{target}（{start} から）",
    Text.REPORT_CHARTS_FOLLOW: "📎 グラフ {count}点をこのスレッドに添付します。",
    Text.REPORT_CHART_WEEKLY_TITLE: "主要KPIの目標達成率の推移（{period} 時点、直近12期間）",
    Text.REPORT_CHART_TIER_TITLE: "{tier}の目標達成率の推移（{period} 時点、直近12期間）",
    Text.REPORT_CHART_ATTAINMENT: "達成率",
    Text.REPORT_CHART_FULL: "目標 100%",
    Text.REPORT_CHART_BANDS: "注意 90%未満 / 警戒 80%未満 / 緊急 70%未満",
    Text.NOTE_SAVED: "📝 {kind}のメモを保存しました。{month} の月次レポートに載ります。",
    Text.NOTE_TOO_LONG: (
        "⚠️ メモが長すぎます（{length:,}文字）。{limit:,}文字以内にしてください。"
        "何も保存していません。"
    ),
    Text.NOTE_EMPTY: (
        "⚠️ メモの本文がありません。例: `/kpi note market 競合A社が値下げ` 。何も保存していません。"
    ),
    Text.NOTE_USAGE: (
        "⚠️ メモの種類は `market`（市場・競合）か `strategy`（戦略提案）です。例: `/kpi "
        "note strategy 法人向けプランを検討`"
    ),
    Text.NOTES_TITLE: "📝 {month} のメモ（{zone}）",
    Text.NOTES_NONE: "{month} のメモはありません。",
    Text.NOTES_BAD_MONTH: (
        "⚠️ `{word}` は年月ではありません。"
        "`/kpi notes 2026-11` のように YYYY-MM で指定してください。"
    ),
    Text.NOTE_KIND_MARKET: "競合・市場動向",
    Text.NOTE_KIND_STRATEGY: "戦略見直し提案",
    Text.NOTES_MORE: "…ほか {count}件（古い順に表示しています）",
    # Delivery (the outbox): a chart that could not be uploaded, and a post that keeps failing
    Text.DELIVERY_CHART_FAILED: (
        "⚠️ グラフ「{title}」をアップロードできませんでした。自動で再試行します。"
    ),
    Text.DELIVERY_FAILED: (
        "⚠️ kpibot は {channel} への `{job}` `{period}` の投稿に失敗しました（`{error}`）。"
    ),
    Text.DELIVERY_HINT_INVITE: (
        "kpibot がチャンネルのメンバーではありません。{channel} で `/invite "
        "@kpibot` を実行してください。"
    ),
    Text.DELIVERY_HINT_NOT_FOUND: (
        "チャンネル ID が正しいか確認してください。非公開チャンネルなら、そのチャンネルで `/invite "
        "@kpibot` を実行してください。"
    ),
    Text.DELIVERY_HINT_ARCHIVED: (
        "チャンネルがアーカイブされています。アーカイブを解除するか、"
        "設定で別のチャンネルを指定してください。"
    ),
    Text.DELIVERY_HINT_TOKEN: (
        "Slack のトークンが無効です。`SLACK_BOT_TOKEN` を確認し、"
        "必要ならアプリを再インストールしてください。"
    ),
    Text.DELIVERY_HINT_SCOPE: (
        "アプリの権限（スコープ）が足りません。"
        "manifest.yml のスコープでアプリを再インストールしてください。"
    ),
    Text.DELIVERY_RETRY_AT: "{moment} に自動で再試行します。",
    Text.DELIVERY_ABANDONED: (
        "自動では再試行しません。原因を取り除いたら `kpibot outbox "
        "--retry {item}` で再送してください。"
    ),
    Text.REPORT_CHART_COLUMNS: (
        "直近12期間の達成率（%）: 左ほど古く、右端が最新。期間はKPIごとの集計単位（週・月・四半期）"
    ),
    Text.REPORT_CHART_UNJUDGED: "データなし・判定前",
    Text.HEALTH_JOB_UNSENT: "送信待ち: {counts}",
    # Scheduled reports: a period the scheduler recorded as skipped, told to the admin channel
    Text.DELIVERY_SKIPPED: (
        "⚠️ {channel} への `{job}` `{period}` は投稿しませんでした。予定の {due} から"
        " {hours} 時間の猶予のうちにスケジューラが動いておらず、"
        "古くなったレポートは送らないためです。"
        "それでも投稿するには `kpibot report {job} --at {day} --post` を実行してください。"
    ),
    # Operator commands: what `kpibot report --post` did
    Text.REPORT_POSTED: "{report} {period} を {channel} に投稿しました（{item}）。",
    Text.REPORT_ALREADY_QUEUED: (
        "{report} {period} は {channel} 向けに送信キューにあります（{status}）。"
        "投稿しませんでした（もう一部投稿するには --force）。"
    ),
    Text.REPORT_QUEUED: (
        "{report} {period} を {channel} 向けに送信キューに入れました（{item}）。"
        "スケジューラが送信中です。"
    ),
    # /kpi health and kpibot jobs: a report past its run and still not queued
    Text.HEALTH_OVERDUE: (
        "⚠️ {period} は {moment} に投稿予定でしたが、まだ送信キューに入っていません。"
        "スケジューラが動いているか、そのログを確認してください。"
    ),
    # PDCA improvement actions: /kpi actions, /kpi action add|done, their lines in reports
    Text.ACTIONS_TITLE: "未完了の改善アクション（期限順）",
    Text.ACTIONS_NONE: (
        "未完了の改善アクションはありません。`/kpi action add KPI名 内容 [@担当者] [YYYY-"
        "MM-DD]` で追加できます。"
    ),
    Text.ACTIONS_LINE: "• *#{id}* {due} *{kpi}*: {title}{owner}",
    Text.ACTIONS_NO_DUE: "期限なし",
    Text.ACTIONS_OVERDUE: "⚠️ {due} 期限切れ",
    Text.ACTIONS_OWNER: "（担当: {owner}）",
    Text.ACTIONS_MORE: "ほか {count}件（表示しきれません）",
    Text.ACTIONS_HIDDEN: "🔒 閲覧が制限されたKPIのアクション {count}件は表示していません。",
    Text.ACTIONS_HINT: (
        "完了したら `/kpi action done 番号` で閉じてください（担当者・登録者・管理者が閉"
        "じられます）。"
    ),
    Text.ACTION_ADDED: (
        "✅ 改善アクション *#{id}* を登録しました: *{kpi}* — {title}{owner}（期限: {due}）"
    ),
    Text.ACTION_CLOSED: "✅ 改善アクション *#{id}*（*{kpi}*: {title}）を完了にしました。",
    Text.ACTION_ALREADY_DONE: "改善アクション *#{id}* はすでに完了しています（{by}、{moment}）。",
    Text.ACTION_NOT_FOUND: (
        "⚠️ 改善アクション #{id} は見つかりません。`/kpi actions` で番号を確認してください。"
    ),
    Text.ACTION_NOT_ALLOWED: (
        "⚠️ 改善アクション *#{id}* を完了にできるのは、担当者・登録した人・管理者だけです"
        "（{who}）。何も変更していません。"
    ),
    Text.ACTION_TOO_LONG: (
        "⚠️ アクションの内容が長すぎます（{length:,}文字）。{limit:,}文字以内にしてくださ"
        "い。何も保存していません。"
    ),
    Text.ACTION_PAST_DUE: (
        "⚠️ 期限 {due} は過ぎた日付です（今日は {today}）。今日以降の日付にしてください。"
        "何も保存していません。"
    ),
    Text.ACTION_RESTRICTED: (
        "🔒 *{kpi}* は閲覧が制限されたKPIのため、ここではアクションを登録できません。何も"
        "保存していません。"
    ),
    Text.ACTION_USAGE: (
        "⚠️ 使い方: `/kpi action add KPI名 内容 [@担当者] [YYYY-MM-DD]` または `/kpi acti"
        "on done 番号`（「{word}」は分かりませんでした）"
    ),
    Text.ACTION_EMPTY: (
        "⚠️ アクションの内容がありません。例: `/kpi action add nps 解約者に電話でヒアリン"
        "グ @担当者 2026-12-15` 。何も保存していません。"
    ),
    Text.ACTION_BAD_OWNER: (
        "⚠️ 担当者「{word}」をSlackのメンションとして受け取れませんでした。`@` を入力して"
        "候補から人を選んでください。何も保存していません。"
    ),
    Text.ACTION_BAD_ID: (
        "⚠️ 「{word}」はアクションの番号ではありません。例: `/kpi action done 12`（番号は"
        " `/kpi actions` で確認できます）"
    ),
    Text.REPORT_OVERDUE_ACTIONS: "*期限切れのアクション*",
    Text.REPORT_NO_OVERDUE_ACTIONS: "期限切れの改善アクションはありません。",
    Text.REPORT_ACTION_LINE: "• #{id} {due} *{kpi}*: {title}{owner}",
    Text.REPORT_MONTH_ACTIONS: "*改善アクション（PDCA）*",
    Text.REPORT_ACTION_TALLY: "• *{kpi}*: 新規 {opened}件・完了 {closed}件",
    Text.REPORT_ACTION_TOTAL: "合計: 新規 {opened}件・完了 {closed}件",
    Text.REPORT_NO_MONTH_ACTIONS: "この月に登録・完了した改善アクションはありません。",
    # Alerts (escalation)
    Text.ALERT_TITLE: "{emoji} {level}アラート: {name}",
    Text.ALERT_RESOLVED_TITLE: "✅ 解決: {name}（{level}から回復）",
    Text.ALERT_RESPONSE_YELLOW: "対応: 週次で改善アクションを検討",
    Text.ALERT_RESPONSE_ORANGE: "対応: 即座に改善アクションを実行",
    Text.ALERT_RESPONSE_RED: "対応: *緊急対策会議・戦略見直し*",
    Text.ALERT_OWNER: "担当: {owner}",
    Text.ALERT_NO_OWNER: (
        "担当: 未設定（カタログの `owner` にユーザーまたはグループのIDを設定してください）"
    ),
    Text.ALERT_SINCE: "{level}になった日時: {since}（アラート発生 {opened}）",
    Text.ALERT_RULE: "自動ルール `{rule}`: {message}（しきい値: {threshold}）",
    Text.ALERT_THRESHOLD_ATTAINMENT: "達成率 {value} 未満",
    Text.ALERT_THRESHOLD_AT_MOST: "{value} 以下",
    Text.ALERT_THRESHOLD_BELOW: "{value} 未満",
    Text.ALERT_BANDS: "判定: 達成率 90%以上 順調 / 80–90% 注意 / 70–80% 警戒 / 70%未満 緊急",
    Text.ALERT_ACKNOWLEDGED: "✔️ {who} が {moment} に確認しました",
    Text.ALERT_SNOOZED: "💤 {who} が {until} までスヌーズ中（理由: {reason}）",
    Text.ALERT_EPISODE: "アラート #{episode} · {as_of}",
    Text.ALERT_REPLY_OPEN: "{emoji} {level}になりました（{attainment}）。",
    Text.ALERT_REPLY_ESCALATE: (
        "{mentions} {emoji} {previous}から{level}に悪化しました（{attainment}）。"
    ),
    Text.ALERT_REPLY_ESCALATE_RED: (
        "{mentions} {emoji} {previous}から{level}に悪"
        "化しました（{attainment}）。緊急対策会議・戦略見直しをお願いします。"
    ),
    Text.ALERT_REPLY_DEESCALATE: "{emoji} {previous}から{level}に改善しました（{attainment}）。",
    Text.ALERT_REPLY_RESOLVE: "✅ 解決しました: 2回続けて順調でした（{attainment}）。",
    Text.ALERT_REPLY_REMIND_RED: (
        "{mentions} ⏰ 緊急アラートが {hours} 時間以上未確認です: {name}（{attainment}）。"
    ),
    Text.ALERT_REPLY_REMIND_ORANGE: (
        "{mentions} ⏰ 警戒アラートが {hours} 時間以上未確認です（{attainment}）。"
    ),
    Text.ALERT_REPLY_SNOOZE_ENDED: (
        "⏰ スヌーズが終了しました。現在: {emoji} {level}（{attainment}）。"
    ),
    Text.ALERT_LEADERSHIP: (
        "{mentions} 🔴 緊急アラート: {name}（{attainment}）。緊急対策会議・戦略見直しをお"
        "願いします。"
    ),
    Text.ALERT_STALE: (
        "{mentions} ⏳ データ未更新: {name} の最新データは {last} です（{frequency}の許容"
        ": {days}日）。"
    ),
    Text.ALERT_STALE_NEVER: "{mentions} ⏳ データ未更新: {name} のデータがまだありません。",
    Text.ALERTS_TITLE: "🚨 アラート一覧",
    Text.ALERTS_NONE: "未解決のアラートはありません。",
    Text.ALERTS_LINE: "{emoji} *{name}* — {level}（{since}から）{state}",
    Text.ALERTS_STATE_ACKNOWLEDGED: " · 確認済み",
    Text.ALERTS_STATE_SNOOZED: " · {until}までスヌーズ",
    Text.ALERTS_STALE_TITLE: "⏳ データ未更新",
    Text.ALERTS_STALE_LINE: "*{name}* — 最新 {last}",
    # The alert message's buttons and modals (acknowledge, snooze, record action, details)
    Text.ALERT_BUTTON_ACKNOWLEDGE: "確認しました",
    Text.ALERT_BUTTON_SNOOZE: "スヌーズ",
    Text.ALERT_BUTTON_RECORD_ACTION: "アクションを記録",
    Text.ALERT_BUTTON_DETAILS: "詳細",
    Text.ALERT_MODAL_KPI: "KPI: *{kpi}*",
    Text.SNOOZE_TITLE: "アラートのスヌーズ",
    Text.SNOOZE_SUBMIT: "スヌーズする",
    Text.SNOOZE_LENGTH_LABEL: "期間",
    Text.SNOOZE_REASON_LABEL: "理由（必須）",
    Text.SNOOZE_DAY: "1日",
    Text.SNOOZE_WEEK: "1週間",
    Text.SNOOZE_NEXT_PERIOD: "次の期間が始まるまで",
    Text.SNOOZE_REASON_REQUIRED: "スヌーズの理由を入力してください。",
    Text.SNOOZE_BAD_LENGTH: "期間を選んでください。",
    Text.SNOOZE_DONE: "💤 *{kpi}* のアラートを {until} までスヌーズしました（理由: {reason}）。",
    Text.RECORD_ACTION_TITLE: "改善アクションの記録",
    Text.RECORD_ACTION_SUBMIT: "記録する",
    Text.RECORD_ACTION_TEXT_LABEL: "何をするか",
    Text.RECORD_ACTION_OWNER_LABEL: "担当者",
    Text.RECORD_ACTION_DUE_LABEL: "期限",
    Text.RECORD_ACTION_TEXT_REQUIRED: "内容を入力してください。",
    Text.RECORD_ACTION_BAD_OWNER: "担当者を選び直してください。",
    Text.RECORD_ACTION_BAD_DUE: "期限は今日以降の日付にしてください。",
    Text.PRESS_NOT_MEMBER: (
        "すみません、このアラートのボタンは {channel} のメンバーだけが使えます。何も変"
        "更していません。"
    ),
    Text.PRESS_INVALID: "⚠️ このボタンは読み取れませんでした。何も変更していません。",
    Text.PRESS_ENDED: (
        "このアラートはすでに終わっています（解消済み、または新しいアラートに変わりました"
        "）。何も変更していません。"
    ),
    Text.ACK_DONE: (
        "✅ *{kpi}* のアラートを確認済みにしました（{moment}）。リマインドは止まります。"
    ),
    Text.ACK_ALREADY: "このアラートは {who} が {moment} に確認済みです。",
    Text.ALERTS_CHECK_NOTHING: "アラートの変化はありません（{count} 件のKPIを評価）。",
    Text.ALERTS_CHECK_DRY_RUN: "（ドライラン: 何も保存・送信していません）",
    Text.ALERTS_CHECK_QUEUED: "送信キューに追加: {count} 件（スケジューラーが配信します）",
    Text.ALERTS_HISTORY_NONE: "アラートの記録はまだありません。",
    Text.ALERT_CHART_TITLE: "{name}: 直近の達成率（%）",
    # Imports
    Text.IMPORT_AT_LINE: "{line} 行目: {message}",
    Text.IMPORT_AT_LINE_COLUMN: "{line} 行目、{column} 列: {message}",
    Text.IMPORT_REQUIRED: "{type} では必須ですが、空か列がありません",
    Text.IMPORT_NUL_CHARACTER: "NUL 文字（\\x00）が含まれていて保存できません",
    Text.IMPORT_NOT_A_COLUMN: "{type} の列ではありません（{type} の列: {columns}）",
    Text.IMPORT_BAD_TIME: (
        "{value} は日付・日時として読めません（例: 2026-11-02、2026/11/02 10:15、"
        "2026年11月2日 10時15分、2026-11-02T10:15:00+09:00）"
    ),
    Text.IMPORT_AMBIGUOUS_DATE: (
        "{value} は月と日のどちらが先か決められません。年から書いてください（例: 2026/11/02）"
    ),
    Text.IMPORT_TIME_OUT_OF_RANGE: "{value} は扱える日時の範囲外です",
    Text.IMPORT_BAD_NUMBER: "{value} は数値として読めません",
    Text.IMPORT_BAD_GROUPING: (
        "{value} は数値として読めません（カンマは3桁ごとの区切りだけに使えます: 29,800）"
    ),
    Text.IMPORT_NOT_WHOLE: "{value} は整数ではありません",
    Text.IMPORT_TOO_SMALL: "{value} は小さすぎます（{limit} 以上）",
    Text.IMPORT_TOO_LARGE: "{value} は大きすぎます（{limit} 以下）",
    Text.IMPORT_BAD_BOOLEAN: (
        "{value} は真偽値として読めません（true/false、1/0、yes/no、はい/いいえ）"
    ),
    Text.IMPORT_NOT_ONE_OF: "{value} は使えません（{expected} のどれか）",
    Text.IMPORT_TOO_LONG: "長すぎます（{limit} 文字まで）",
    Text.IMPORT_EMPTY_TEXT: "空です",
    Text.IMPORT_NOT_TEXT: "{value} は文字列ではありません",
    Text.IMPORT_INVALID: "読み取れません: {detail}",
    Text.IMPORT_SURVEY_WITHOUT_ANSWER: (
        "アンケートには nps、csat、ai_adoption のうち1つ以上の回答が必要です"
    ),
    Text.IMPORT_RESPONSE_BEFORE_OPENING: "first_response_at が at（チケットの作成日時）より前です",
    Text.IMPORT_UNTIL_NOT_AFTER_AT: "until は at（停止の開始）より後にしてください",
    Text.IMPORT_MEASUREMENT_IN_FUTURE: (
        "{at} は未来の日時です。計測値には計測済みの値を記録してください"
    ),
    Text.IMPORT_UNKNOWN_KPI: "{value} という手入力のKPIはありません（手入力のKPI: {known}）",
    Text.IMPORT_IMPOSSIBLE_VALUE: "{value} は {kpi} の値としてありえません（{rule}）",
    Text.IMPORT_NO_TYPE: "種類がありません。type 列を加えるか --type を指定してください",
    Text.IMPORT_UNKNOWN_TYPE: "{value} という種類はありません（種類: {known}）",
    Text.IMPORT_TYPE_CONFLICT: "行の種類は {row_type} ですが、指定された種類は {forced} です",
    Text.IMPORT_CELL_COUNT: "セルが {cells} 個ありますが、見出しは {columns} 列です",
    Text.IMPORT_INVALID_JSON: "JSON として読めません（{column} 文字目）: {detail}",
    Text.IMPORT_JSON_NUMBER_TOO_LONG: "JSON として読めません: {digits} 桁を超える数値があります",
    Text.IMPORT_JSON_TOO_DEEP: "JSON として読めません: 配列やオブジェクトの入れ子が深すぎます",
    Text.IMPORT_NOT_AN_OBJECT: "各行（配列の各要素）は JSON オブジェクトにしてください",
    Text.IMPORT_REPEATED_ID: "id {id} はこの取り込みの前のほうに別の内容で出てきています",
    Text.IMPORT_REFUND_PAYMENT_UNKNOWN: (
        "返金対象の支払い {payment} が保存されていません。先に支払いを取り込むか"
        "（前の行・前のファイル）、payment を空にしてください"
    ),
    Text.IMPORT_REFUND_OTHER_CUSTOMER: (
        "支払い {payment} は顧客 {payer} のもので、{customer} のものではありません"
    ),
    Text.IMPORT_REFUNDS_EXCEED_PAYMENT: (
        "支払い {payment} への返金が合計 {total} 円になり、支払額 {paid} 円を超えます"
    ),
    Text.IMPORT_REFUNDED_PAYMENT_CUSTOMER: (
        "支払い {payment} には別の顧客への返金があります。返金のある支払いの顧客は変えられません"
    ),
    Text.IMPORT_PAYMENT_BELOW_REFUNDS: (
        "{amount} 円は、支払い {payment} からすでに返金された {refunded} 円より少額です"
    ),
    Text.IMPORT_REFUSED_EXCLUDED: (
        "{value} の行はこのマッピングでは取り込みません（取り込まない値: {values}）"
    ),
    Text.IMPORT_REFUSED_NOT_ALLOWED: (
        "{value} の行はこのマッピングでは取り込めません（取り込める値: {values}）"
    ),
    Text.IMPORT_NOT_DECODABLE: (
        "ファイルが UTF-8 でも Shift_JIS（CP932）でもありません（{column} 文字目にバイト "
        "{byte}）。UTF-8 で保存してください（Excel では「CSV UTF-8」）"
    ),
    Text.IMPORT_NOT_DECODABLE_AS: (
        "ファイルが {encoding} として読めません（{column} 文字目にバイト {byte}）。"
        "--encoding を外すと自動で判定します"
    ),
    Text.IMPORT_EMPTY_FILE: "ファイルが空です",
    Text.IMPORT_EMPTY_HEADER_NAME: "見出し行に名前のない列があります",
    Text.IMPORT_DUPLICATE_HEADER: "見出し行に {names} が2回以上あります",
    Text.IMPORT_MALFORMED_CSV: "CSV として読めません: {detail}",
    Text.IMPORT_NO_DATA_ROWS: "データ行がありません",
    Text.IMPORT_NOT_AN_ARRAY: "JSON オブジェクトの配列にしてください（または JSON Lines）",
    Text.IMPORT_MAPPING_COLUMNS_MISSING: (
        "マッピングが指す列がファイルにありません: {columns}（何も読み込んでいません）"
    ),
    Text.INGEST_COUNTS: "追加 {inserted}、更新 {updated}、変更なし {unchanged}、却下 {rejected}",
    Text.INGEST_SKIPPED: "、マッピングで除外 {skipped}",
    Text.INGEST_TOTAL: "合計: {counts}",
    Text.INGEST_NOTHING_STORED: "{problem}（何も保存していません）",
    Text.INGEST_INVALID_ROWS: "不正な行が {count} 行あります。何も保存していません",
    Text.INGEST_REJECTS_WRITTEN: "（却下した行は {path} に書き出しました）",
    Text.API_OFF: "取り込みAPIは無効です。KPIBOT_API_TOKEN を設定すると有効になります",
    Text.API_BAD_TOKEN: (
        "トークンがないか違います。Authorization: Bearer $KPIBOT_API_TOKEN を送ってください"
    ),
    Text.API_TOO_LARGE: "本文が {limit} バイトを超えています（KPIBOT_API_MAX_BYTES）",
    Text.API_BAD_CONTENT_TYPE: (
        "application/json（オブジェクトの配列）か application/x-ndjson で送ってください"
    ),
    Text.API_BUSY: (
        "データベースが別の取り込みで使用中です。何も保存していません。"
        "しばらくしてから送り直してください"
    ),
    Text.API_UNREACHABLE: (
        "データベースに接続できません。何も保存していません。しばらくしてから送り直してください"
    ),
    Text.API_DISK_FULL: "データベースのディスクがいっぱいです",
    Text.API_DAMAGED: "データベースが壊れています",
    Text.API_BAD_MAPPING_NAME: (
        "{name} はマッピング名として使えません（英数字、- と _ だけ。.yaml を除いたファイル名）"
    ),
    Text.API_NO_MAPPINGS: "マッピングのフォルダが設定されていません（KPIBOT_IMPORT_MAPPINGS_DIR）",
    Text.API_NO_SUCH_MAPPING: "{name} というマッピングはありません",
    Text.API_MAPPING_BROKEN: "マッピング {name} が壊れています（参照ID {reference}）",
    # Problems shared by several kinds of input
    Text.PROBLEM_SEPARATOR: "。",
    Text.PROBLEM_UNKNOWN_ZONE: (
        "{value} というタイムゾーンはありません（Asia/Tokyo や UTC のような IANA の名前を使います）"
    ),
    Text.PROBLEM_INVALID: "使えない値です: {detail}",
    # The database
    Text.DB_BAD_SCHEME: "データベースの URL は sqlite:/// か postgresql:// で始めてください",
    Text.DB_BAD_SCHEME_NAMED: (
        "データベースの URL は sqlite:/// か postgresql:// で始めてください（{scheme}://... "
        "は使えません）"
    ),
    Text.DB_UNREADABLE_URL: "データベースの URL として読めません（ポート番号は数字ですか？）",
    Text.DB_MISSING: "データベース {path} がありません",
    Text.DB_NO_FOLDER: "データベース {path} のフォルダを作れません（{reason}）",
    Text.DB_UNAVAILABLE: "データベース {database} を使えません（{reason}）",
    Text.DB_BUSY: (
        "データベースはほかの書き込み（取り込みなど）が使用中です。"
        "少し待ってからもう一度実行してください"
    ),
    Text.DB_FULL: "データベース {database} のディスクがいっぱいです（{reason}）",
    Text.DB_CORRUPT: "{database} は kpibot のデータベースではないか、壊れています（{reason}）",
    Text.DB_ZONE_DIFFERS: (
        "データベースの日付は {stored} で記録されていますが、KPIBOT_TIMEZONE は {configured} "
        "です。`kpibot db set-timezone {configured}` で変換するか、KPIBOT_TIMEZONE={stored} "
        "にしてください"
    ),
    Text.DB_ZONE_UNRECORDED: (
        "データベースに日付のタイムゾーンが記録されていません（このプロセスは {configured}）。"
        "`kpibot db set-timezone {configured}` で日付を計算し直してください"
    ),
    Text.DB_ZONE_CONVERTED: (
        "このプロセスが {configured} で起動した後に、データベースの日付が {stored} "
        "に変換されました。KPIBOT_TIMEZONE={stored} で再起動してください"
    ),
    Text.HEALTH_NO_ANSWER: "データベースが応答しません",
    Text.API_TIME_ZONE: (
        "データベースの日付のタイムゾーンがこのサーバーの設定と違うため、何も保存していません。"
        "サーバーがデータベースのタイムゾーンで再起動されてから送り直してください"
    ),
    # Settings
    Text.SETTING_NO_SUCH_FILE: "ファイル {path} がありません",
    Text.SETTING_NO_SUCH_FOLDER: "フォルダ {path} がありません",
    Text.SETTING_NOT_USER_IDS: (
        "Slack のユーザーIDではありません: {values}（U012AB3CD のようなIDをカンマ区切りで。"
        "プロフィールの ⋮ メニューの「メンバーIDをコピー」で取れます）"
    ),
    Text.SETTING_BAD_SCHEDULE: (
        "{detail}（KPIBOT_TIMEZONE での crontab の書式: 分 時 日 月 曜日、日曜は 0 か 7）"
    ),
    Text.SETTING_NOT_A_MENTION: (
        "Slack のメンションではありません: {value}（ユーザーグループは {group}、人は {user} か "
        "U012AB3CD と書き、カンマで区切ります）"
    ),
    Text.SETTING_NOT_ALERT_LEVELS: (
        "アラートのレベルではありません: {values}（yellow、orange、red のどれか）"
    ),
    Text.SETTING_NOT_A_CHANNEL: (
        "Slack のチャンネルIDではありません: {value}（C012AB3CD のようなID。"
        "チャンネル名のメニューの「チャンネル詳細」の一番下にあります）"
    ),
    Text.SETTING_NOT_AN_HTTP_URL: "{example} のような http(s) の URL にしてください",
    Text.SETTING_NOT_ONE_OF: "{expected} のどれかにしてください",
    Text.SETTING_MORE_THAN: "{limit} より大きい数にしてください",
    Text.SETTING_AT_LEAST: "{limit} 以上にしてください",
    Text.SETTING_LESS_THAN: "{limit} 未満にしてください",
    Text.SETTING_AT_MOST: "{limit} 以下にしてください",
    Text.SETTING_NOT_A_NUMBER: "{value} は数値ではありません",
    Text.SETTING_NOT_A_WHOLE_NUMBER: "{value} は整数ではありません",
    # Column mappings
    Text.MAPPING_UNREADABLE: "読めません（{reason}）",
    Text.MAPPING_NOT_UTF8: "UTF-8 のテキストではありません",
    Text.MAPPING_NOT_YAML: "YAML として読めません",
    Text.MAPPING_NOT_YAML_AT: "{line} 行目 {column} 文字目が YAML として読めません",
    Text.MAPPING_NOT_A_MAPPING: "「キー: 値」の組で書いてください",
    Text.MAPPING_UNKNOWN_KEY: "知らないキーです（使えるのは {known}）",
    Text.MAPPING_REQUIRED: "このキーが必要です",
    Text.MAPPING_NOT_TEXT: "文字列で書いてください（数字は '5' のように引用符で囲みます）",
    Text.MAPPING_NOT_A_LIST: "リスト（[a, b]）で書いてください",
    Text.MAPPING_NOT_A_TYPE: "{value} はレコードの種類ではありません（{known} のどれか）",
    Text.MAPPING_EMPTY: "空にはできません",
    Text.MAPPING_NOT_A_SCALAR: "文字列・数値・true・false のどれかにしてください",
    Text.MAPPING_NOT_COLUMN_NAMES: "ファイルの列名（またはそのリスト）を書いてください",
    Text.MAPPING_BLANK_FIELD: "フィールド名が空です",
    Text.MAPPING_ONE_TEST: "equals、not_equals、in、not_in のどれか1つだけを書いてください",
    Text.MAPPING_FILLED_TWICE: (
        "values.{field} は columns.{field} でも埋めています（どちらか一方にしてください）"
    ),
    # Slack credentials
    Text.SLACK_CREDENTIALS_MISSING: (
        "{names} を設定してください（Slack アプリの設定画面にあります。README.md の「Connect "
        "to Slack」を参照）"
    ),
    Text.LIST_AND: " と ",
    # Import worker
    Text.IMPORT_WORKER_STOPPED: "取り込み用のプロセスが途中で終了しました（終了コード {code}）",
    Text.IMPORT_WORKER_FAILED: "取り込み用のプロセスが失敗しました: {error}",
    Text.CLI_DEMO_ROWS_UNIT: " 行",
    # Command line help: argparse's own words
    Text.CLI_USAGE_PREFIX: "使い方: ",
    Text.CLI_POSITIONALS: "引数",
    Text.CLI_OPTIONS: "オプション",
    Text.CLI_OPT_HELP: "このヘルプを表示して終了",
    # Alerts on the command line: events, what was queued, the audit log
    Text.ALERT_EVENT_OPEN: "発生",
    Text.ALERT_EVENT_ESCALATE: "悪化",
    Text.ALERT_EVENT_DEESCALATE: "改善",
    Text.ALERT_EVENT_RESOLVE: "解決",
    Text.ALERT_EVENT_REMIND: "リマインド",
    Text.ALERT_EVENT_SNOOZE_ENDED: "スヌーズ終了",
    Text.ALERT_DATA_MISSING: "データ未更新",
    Text.ALERT_SENT_POST: "投稿",
    Text.ALERT_SENT_UPDATE: "更新",
    Text.ALERT_SENT_REPLY: "スレッドへの返信",
    Text.ALERT_SENT_LEADERSHIP: "経営陣への投稿",
    Text.AUDIT_SCHEDULER: "スケジューラー",
    Text.AUDIT_CHANGE: "{before}から{after}へ",
    Text.AUDIT_OBSERVED: "評価 {level}",
    Text.AUDIT_ATTAINMENT: "達成率 {value}",
    Text.AUDIT_RULE: "ルール {rule}",
    Text.AUDIT_LAST_EVENT: "最新データ {at}",
    Text.AUDIT_ALLOWED_DAYS: "許容 {days} 日",
    Text.AUDIT_RESULT_DONE: "完了",
    Text.AUDIT_RESULT_ALREADY: "確認済みだった",
    Text.AUDIT_RESULT_ENDED: "アラートは終了済みだった",
    Text.AUDIT_RESULT_REFUSED: "拒否",
    Text.AUDIT_RESULT_SHOWN: "表示",
    Text.AUDIT_RESULT_REPEAT: "重複した送信（記録済み）",
    Text.AUDIT_REASON_BAD_VALUE: "ボタンを読み取れない",
    Text.AUDIT_REASON_UNKNOWN_KPI: "カタログにないKPI",
    Text.AUDIT_REASON_NOT_MEMBER: "チャンネルのメンバーではない",
    Text.AUDIT_CHANNEL: "チャンネル {channel}",
    Text.AUDIT_MESSAGE_EDITED: "メッセージを更新",
    Text.AUDIT_UNTIL: "{until} まで",
    Text.AUDIT_REASON: "理由: {reason}",
    Text.AUDIT_ACTION_ID: "アクション #{id}",
    # Crontab schedules
    Text.CRON_MINUTE: "分",
    Text.CRON_HOUR: "時",
    Text.CRON_DAY: "日",
    Text.CRON_MONTH: "月",
    Text.CRON_WEEKDAY: "曜日",
    Text.CRON_FIELD_COUNT: (
        "{expression} のフィールドは {count} 個です。スケジュールは「分 時 日 月 "
        "曜日」の5つで書きます（例 '0 9 * * 1' は毎週月曜 9:00）"
    ),
    Text.CRON_BOTH_DAYS: (
        "{expression} は日と曜日の両方を指定しています。cron はどちらかに合えば動かしますが、"
        "kpibot は推測しません。どちらかを '*' にしてください"
    ),
    Text.CRON_NOT_A_NUMBER: "{field}の {value} は {low}〜{high} の数ではありません",
    Text.CRON_NOT_A_NUMBER_NAMED: (
        "{field}の {value} は {low}〜{high} の数でも、{name} のような名前でもありません"
    ),
    Text.CRON_OUT_OF_RANGE: "{field}の {value} は {low}〜{high} の範囲外です",
    Text.CRON_OUT_OF_RANGE_WEEKDAY: (
        "{field}の {value} は {low}〜{high} の範囲外です（0 と 7 が日曜）"
    ),
    Text.CRON_TOO_MANY_ITEMS: "{field}に {most} 個を超える値が並んでいます",
    Text.CRON_BAD_STEP: "{field}の間隔 {value} は 1〜99 の数ではありません",
    Text.CRON_ZERO_STEP: "{field}の間隔 0 では進みません（1 以上にしてください）",
    Text.CRON_BACKWARDS: "{field}の範囲 {span} が逆順です（{high}-{low} と書いてください）",
    # The KPI catalog (KPIBOT_CATALOG)
    Text.CATALOG_INVALID: "{source} は KPI カタログとして使えません（問題 {count} 件）:",
    Text.CATALOG_INVALID_ONE: "{source} は KPI カタログとして使えません（問題 {count} 件）:",
    Text.CATALOG_SHIPPED: "同梱のカタログ kpi_engine/catalog.yaml",
    Text.CATALOG_AT: "{line} 行目 {column} 文字目",
    Text.CATALOG_AT_LINE: "{line} 行目",
    Text.CATALOG_NOT_A_CATALOG: (
        "document_date、phases、kpis、rules を「キー: 値」の組で書いてください"
    ),
    Text.CATALOG_UNKNOWN_KEY: "知らないキーです（使えるのは {known}）",
    Text.CATALOG_NOT_TRUE_OR_FALSE: "{value} は true か false にしてください",
    Text.CATALOG_NOT_A_DATE: "{value} は日付ではありません（2025-01-01 のように書きます）",
    Text.CATALOG_NOT_AN_ID: (
        "{value} は id に使えません（英小文字で始め、英小文字・数字・_ だけで書きます）"
    ),
    Text.CATALOG_NOT_AN_OWNER: (
        "{value} は Slack のユーザーIDでもユーザーグループIDでもありません"
        "（U012AB3CD や S012AB3CD のようなID）"
    ),
    Text.CATALOG_END_BEFORE_START: "終了日 {end} が開始日 {start} より前です",
    Text.CATALOG_DUE_BEFORE_START: "期限 {due} が開始日 {start} より前です",
    Text.CATALOG_GROWTH_NEEDS_HIGHER: (
        "judge: growth は direction: higher の KPI にしか使えません"
    ),
    Text.CATALOG_TARGET_OUT_OF_ORDER: (
        "開始日 {start} が {previous} の開始日 {previous_start} より後ではありません"
        "（目標は開始日の順に、1つの開始日に1つずつ書きます）"
    ),
    Text.CATALOG_NO_DUE_FOR_LINE: "期限（due）がありません。judge: line の KPI の目標には必要です",
    Text.CATALOG_TOO_MANY_DAYS: (
        "{days} 日は period: {period} の最も短い期間（{fewest} 日）より長く、"
        "進行中の期間が判定されなくなります"
    ),
    Text.CATALOG_NO_MEASURED_VALUE: (
        "{kpi} は手で記録する KPI なので、取りうる値（measured_value）が必要です"
    ),
    Text.CATALOG_DUPLICATE_ID: "id {id} は {first} と重複しています",
    Text.CATALOG_PHASE_OVERLAP: (
        "開始日 {start} が {previous}（{previous_id}）の終了日 {previous_end} より後ではありません"
    ),
    Text.CATALOG_UNKNOWN_PHASE: "{value} というフェーズはありません（{known} のどれか）",
    Text.CATALOG_NAME_TAKEN: "{name} は {other}（{other_id}）の名前にもなっています",
    Text.CATALOG_UNKNOWN_KPI: "{value} という KPI はありません",
    # Errors of the HTTP endpoints that no route answers itself
    Text.HTTP_NOT_FOUND: "この URL には何もありません",
    Text.HTTP_METHOD_NOT_ALLOWED: "この URL が受け付けるのは {methods} だけです",
    Text.HTTP_FAILED: "このリクエストには答えられません（HTTP {status}）",
    Text.HTTP_INTERNAL: "サーバー内部のエラーです",
}
