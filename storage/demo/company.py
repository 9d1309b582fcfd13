"""The reference company's shape: its start, its prices, and the curves it grows along."""

from __future__ import annotations

from datetime import date

DEMO_START = date(2025, 1, 1)
DEMO_SEED = 20250105

ENROLLMENT_FEE = 29_800
MONTHLY_FEE = 4_380
# The enrollment fee comes with a 14-day money-back guarantee: a few take it, most in full.
REFUND_SHARE = 0.02
REFUND_DAYS = (2, 14)
# New customers per month from January 2025; later months keep growing by two a month.
_NEW_CUSTOMERS = (
    *(2, 4, 6, 9, 12, 17),  # phase 1: about 50 by June 2025
    *(24, 32, 39, 46, 52, 57),  # phase 2: about 300 by December 2025
    *(55, 57, 59, 62, 65, 68, 72, 77, 83, 88, 91, 93),  # phase 3
)
_NEW_CUSTOMERS_CAP = 140
# Knots (month index from January 2025, value), interpolated linearly, held after the last.
CAC = ((0, 46_000), (5, 38_500), (11, 29_500), (21, 27_500))
REFERRAL_SHARE = ((0, 0.05), (11, 0.12), (21, 0.19))
COMPLETION_RATE = ((0, 0.70), (11, 0.76), (21, 0.79))
NPS = ((0, 55.0), (5, 63.0), (11, 70.0), (21, 73.0))
DETRACTORS = ((0, 0.09), (21, 0.05))
AI_ADOPTION = ((0, 0.62), (21, 0.735))
OTHER_CHANNELS = (("ads", 0.36), ("organic", 0.25), ("sns", 0.15), ("seminar", 0.09))
CSAT = ((5, 0.25), (4, 0.49), (3, 0.22), (2, 0.03), (1, 0.01))

COMPLETER_CHURN_PER_MONTH = 0.025
DROPOUT_CHURN = 0.85
COMPLETION_SURVEY_RESPONSE = 0.8
PULSE_SURVEY_RATE = 0.08
TICKETS_PER_ACTIVE_CUSTOMER = 0.15
VARIABLE_COST_SHARE = (0.10, 0.12)
LONG_OUTAGE_MONTH = date(2025, 8, 1)
DAYS_PER_MONTH = 30.44

CHAPTERS = (
    "Pythonと開発環境の基本",
    "生成AIのしくみ",
    "プロンプト設計",
    "RAG入門",
    "埋め込みとベクトル検索",
    "自分の文書でQ&Aボットを作る",
    "ローカルLLMを動かす",
    "ファインチューニング入門",
    "LoRAで自分好みのモデルを作る",
    "AIエージェントの設計",
    "ツール呼び出しとワークフロー",
    "音声アシスタントを作る",
    "画像生成AIの活用",
    "マルチモーダルAI入門",
    "AIの評価とテスト",
    "安全なAIの作り方",
    "業務自動化レシピ",
    "個人データとプライバシー",
    "自作AIをWebアプリにする",
    "スマホから使う自分専用AI",
    "AIと一緒に学び続ける方法",
    "チームで使うAIアシスタント",
    "コストを抑えるAI運用",
    "修了制作ガイド",
)
IMPROVEMENTS = (
    "演習環境のGPUを増強",
    "受講ダッシュボードに進捗グラフを追加",
    "質問チャットの回答速度を改善",
    "修了証のPDFダウンロードに対応",
    "スマートフォン表示を改善",
    "演習コードをPython 3.12に対応",
    "講義動画に日本語字幕を追加",
    "課題の自動採点を改善",
    "受講生コミュニティに検索機能を追加",
    "ログインをメールリンク方式に対応",
    "教材のサンプルデータを更新",
    "オフィスアワーの予約機能を追加",
)


def new_customer_base(m: int) -> float:
    """Return how many customers enroll in month index `m` at scale 1, before the jitter."""
    if m < len(_NEW_CUSTOMERS):
        return _NEW_CUSTOMERS[m]
    return min(_NEW_CUSTOMERS_CAP, _NEW_CUSTOMERS[-1] + 2 * (m + 1 - len(_NEW_CUSTOMERS)))
