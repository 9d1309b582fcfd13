"""The KPI catalog: every KPI of the KPI document, its dated targets and the alert rules.

The data lives in `catalog.yaml` beside this module. People edit it, so `load_catalog`
reports every problem in a file at once, each with its location, and never a traceback.

How the document's goals become dated targets (document v3.0, dated 2025-01-05):

* A target applies from its `start` until the next target's `start`; every date is written
  out in the YAML so that editing one never shifts another.
* Phase 1 runs 2025-01-01..2025-06-30; its table's "6月末" targets are due 2025-06-30.
* Phase 2 runs 2025-07-01..2026-06-30; its table says "12月末", so its targets are due
  2025-12-31 yet stay in force until Phase 3 starts.
* Phase 3 runs 2026-07-01..2027-06-30; its targets are due 2027-06-30.
* A KPI without a row in a phase's table uses its own long-term goal during that phase, and
  from 2027-07-01, after the last phase, every KPI uses its long-term goal.
* "3年後" and "2年後" count from the document's date: due 2028-01-05 and 2027-01-05. Goals
  with no horizon (gross margin 85 %, CAC 25,000 JPY, NPS 70, ...) have no due date.
* The phase tables' rows map to KPIs as: 累計受講生 -> cumulative_students,
  月次売上 -> mrr, 完走率 -> completion_rate, NPS -> nps, CAC -> cac, LTV/CAC -> ltv_cac.
* Consecutive targets with the same value may be merged into one entry.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Self, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from kpi_engine.levels import Direction, Judge, Level, RuleCondition
from kpi_engine.periods import PeriodKind, shortest_days

__all__ = [
    "AlertRule",
    "Catalog",
    "CatalogError",
    "Direction",
    "Judge",
    "KpiDefinition",
    "Level",
    "Localized",
    "PeriodKind",
    "Phase",
    "Restriction",
    "RuleCondition",
    "Target",
    "Tier",
    "Unit",
    "UnknownKpi",
    "UpdateFrequency",
    "load_catalog",
    "normalise",
]

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# Strict so that a YAML `yes` or a quoted "1,500" is an error rather than 1.0 or a guess.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]

_ALERT_LEVELS = (Level.YELLOW, Level.ORANGE, Level.RED)
# Whole days of a pro-rated KPI's period in progress that must have passed before it is
# judged on its pace, when the KPI sets no `min_elapsed_days` of its own.
DEFAULT_MIN_ELAPSED_DAYS = {PeriodKind.WEEK: 1, PeriodKind.MONTH: 7, PeriodKind.QUARTER: 21}
_IGNORED_IN_NAMES = re.compile(r"[\s_\-]+")


class CatalogError(Exception):
    """The catalog is missing or invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[str], source: str = "the KPI catalog") -> None:
        self.problems = problems
        self.source = source
        count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{source} is not a valid KPI catalog ({count}):\n{lines}")


class UnknownKpi(Exception):
    """No KPI matches `query`; `suggestions` holds up to three close KPI ids."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query = query
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown KPI {query!r}{hint}")


class Tier(StrEnum):
    """The document's four KPI layers."""

    STRATEGIC = "strategic"  # 戦略KPI
    BUSINESS = "business"  # 事業KPI
    OPERATIONAL = "operational"  # 運営KPI
    CUSTOMER = "customer"  # 顧客KPI


class Unit(StrEnum):
    """What a KPI's number counts."""

    COUNT = "count"  # people or items
    JPY = "jpy"
    PERCENT = "percent"  # 0-100; growth rates may leave that range
    POINT = "point"  # NPS, -100..100
    SCORE = "score"  # CSAT, 1-5
    RATIO = "ratio"  # LTV/CAC
    RANK = "rank"  # search rank, 1 = top


class UpdateFrequency(StrEnum):
    """The document's 更新頻度: how often a KPI's value is refreshed."""

    REALTIME = "realtime"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Model):
    """A text in Japanese and English."""

    ja: Text
    en: Text

    def in_locale(self, locale: str) -> str:
        """Return the Japanese text for `ja*` locales, else the English one."""
        return self.ja if locale.lower().startswith("ja") else self.en


class Phase(_Model):
    """A phase of the document's plan; `end` is its last day."""

    id: Slug
    name: Localized
    start: date
    end: date

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Target(_Model):
    """A target value, in force from `start` until the next target's start."""

    value: Number
    start: date
    due: date | None = None
    phase: Slug | None = None
    label: Localized | None = None

    @model_validator(mode="after")
    def _due_after_start(self) -> Self:
        if self.due is not None and self.due < self.start:
            raise ValueError(f"due {self.due} is before start {self.start}")
        return self


class Restriction(_Model):
    """Who may see a KPI: these Slack channels and users only."""

    channels: list[Text] = Field(default_factory=list)
    users: list[Text] = Field(default_factory=list)


class ValueRule(_Model):
    """What a manually recorded value of a measured KPI may be; bounds are inclusive except
    `above`. A rank is a whole number from 1, a share a percentage from 0 to 100."""

    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None
    whole: bool = False

    def allows(self, value: float) -> bool:
        """Whether a value is one this KPI can take."""
        return (
            math.isfinite(value)
            and (self.minimum is None or value >= self.minimum)
            and (self.maximum is None or value <= self.maximum)
            and (self.above is None or value > self.above)
            and (not self.whole or value.is_integer())
        )


def plain_number(value: float) -> str:
    """A bound as a person writes it: 1,000,000 rather than 1e+06, 0.5 rather than 0.500000."""
    return f"{value:,.0f}" if value.is_integer() else f"{value:,}"


class AlertRule(_Model):
    """One of the document's automatic alerts: raise `level` when `condition` holds."""

    id: Slug
    kpi: Slug
    level: Level
    condition: RuleCondition
    threshold: Number
    message: Localized

    @model_validator(mode="after")
    def _alerting_level(self) -> Self:
        if self.level not in _ALERT_LEVELS:
            raise ValueError(f"level must be one of {', '.join(_ALERT_LEVELS)}, not {self.level}")
        return self


class KpiDefinition(_Model):
    """A KPI: what it measures, how kpibot computes it and the targets it is judged against."""

    id: Slug
    name: Localized
    aliases: list[Text] = Field(default_factory=list)
    tier: Tier
    unit: Unit
    direction: Direction
    period: PeriodKind
    update_frequency: UpdateFrequency
    method: Localized
    calculation: Localized
    min_sample: int = Field(default=0, ge=0, strict=True)
    # Whole days of the period in progress that must have passed before it is judged; see
    # `elapsed_days_to_judge` for the defaults.
    min_elapsed_days: int | None = Field(default=None, ge=0, strict=True)
    # A Slack user (U…/W…) or user group (S…) id: alerts mention it; empty: no one.
    owner: str = Field(default="", pattern=r"^(|[UWS][A-Z0-9]{2,30})$")
    # Days without new data after which a data-missing notice is raised; None: the
    # default for the KPI's update frequency (`kpi_engine.alerts.STALE_AFTER_DAYS`).
    stale_after_days: int | None = Field(default=None, ge=1, le=3660, strict=True)
    judge: Judge
    targets: list[Target] = Field(default_factory=list)
    settings: dict[str, int | float | str] = Field(default_factory=dict)
    restricted: Restriction | None = None
    # For a KPI recorded by hand (`kpibot record`, `/kpi record`, measurement imports): the
    # values it may take. Every measured KPI declares one (`formulas.measured_kpis`).
    measured_value: ValueRule | None = None

    # Field validators rather than one model validator: they still run, and report, when
    # another field of the same KPI is broken.
    @field_validator("judge")
    @classmethod
    def _growth_is_higher_better(cls, judge: Judge, info: ValidationInfo) -> Judge:
        if judge is Judge.GROWTH and info.data.get("direction") is Direction.LOWER:
            raise ValueError("judge 'growth' needs direction 'higher'")
        return judge

    @field_validator("targets")
    @classmethod
    def _targets_in_order(cls, targets: list[Target], info: ValidationInfo) -> list[Target]:
        problems = [
            f"targets[{i}] starts {later.start}, not after targets[{i - 1}] ({earlier.start}):"
            " targets go in order of start, one per start date"
            for i, (earlier, later) in enumerate(itertools.pairwise(targets), start=1)
            if later.start <= earlier.start
        ]
        if info.data.get("judge") is Judge.LINE:
            problems += [
                f"targets[{i}] has no due date, which judge 'line' needs"
                for i, target in enumerate(targets)
                if target.due is None
            ]
        if problems:
            raise ValueError("; ".join(problems))
        return targets

    @field_validator("min_elapsed_days")
    @classmethod
    def _passes_within_a_period(cls, days: int | None, info: ValidationInfo) -> int | None:
        period = info.data.get("period")
        fewest = shortest_days(period) if isinstance(period, PeriodKind) else None
        if days is not None and fewest is not None and days > fewest:
            raise ValueError(
                f"{days} days are more than the shortest {period} has ({fewest}):"
                " such a period would never be judged while in progress"
            )
        return days

    @property
    def elapsed_days_to_judge(self) -> int:
        """Return how many whole days of the period in progress must have passed at the as-of
        moment before it is judged: `min_elapsed_days`, else for a pro-rated KPI 1 of a week,
        7 of a month and 21 of a quarter, and 0 for the others."""
        if self.min_elapsed_days is not None:
            return self.min_elapsed_days
        if self.judge is Judge.PRORATED:
            return DEFAULT_MIN_ELAPSED_DAYS.get(self.period, 0)
        return 0


class Catalog(_Model):
    """The whole catalog: the document's phases, its KPIs in order and its alert rules."""

    document_date: date
    phases: list[Phase]
    kpis: list[KpiDefinition]
    rules: list[AlertRule] = Field(default_factory=list)

    _by_id: dict[str, KpiDefinition] = PrivateAttr(default_factory=dict)
    _by_name: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = _reference_problems(
            phases=self.phases,
            phase_ids=[phase.id for phase in self.phases],
            kpis=self.kpis,
            kpi_ids=[kpi.id for kpi in self.kpis],
            rules=self.rules,
        )
        if problems:
            # Not a ValueError, so pydantic passes it through with every problem kept apart.
            raise CatalogError(problems)
        self._by_id.update((kpi.id, kpi) for kpi in self.kpis)
        self._by_name.update(
            (normalise(name), kpi.id) for kpi in self.kpis for _, name in _names(kpi)
        )
        return self

    def get(self, kpi_id: str) -> KpiDefinition:
        """Return the KPI with this exact id, or raise `UnknownKpi`."""
        try:
            return self._by_id[kpi_id]
        except KeyError:
            raise UnknownKpi(kpi_id, self._suggest(kpi_id)) from None

    def find(self, query: str) -> KpiDefinition:
        """Return the KPI whose id, name or alias is `query`, or raise `UnknownKpi`.

        Matching ignores case, full/half width, spaces, underscores and hyphens.
        """
        kpi_id = self._by_name.get(normalise(query))
        if kpi_id is None:
            raise UnknownKpi(query, self._suggest(query))
        return self._by_id[kpi_id]

    def by_tier(self) -> dict[Tier, list[KpiDefinition]]:
        """Group the KPIs by tier: every tier in document order, KPIs in catalog order."""
        return {tier: [kpi for kpi in self.kpis if kpi.tier is tier] for tier in Tier}

    def rules_for(self, kpi_id: str) -> list[AlertRule]:
        """Return the alert rules on a KPI, in catalog order."""
        self.get(kpi_id)
        return [rule for rule in self.rules if rule.kpi == kpi_id]

    def _suggest(self, query: str) -> list[str]:
        names = difflib.get_close_matches(normalise(query), self._by_name, n=len(self._by_name))
        return list(dict.fromkeys(self._by_name[name] for name in names))[:3]


def normalise(text: str) -> str:
    """Fold a KPI name for matching: NFKC, casefold, and drop spaces, underscores and hyphens."""
    return _IGNORED_IN_NAMES.sub("", unicodedata.normalize("NFKC", text).casefold())


def _names(kpi: KpiDefinition) -> list[tuple[str, str]]:
    """List the words that find a KPI, each with its location inside the KPI."""
    return [
        ("id", kpi.id),
        ("name.ja", kpi.name.ja),
        ("name.en", kpi.name.en),
        *((f"aliases[{i}]", alias) for i, alias in enumerate(kpi.aliases)),
    ]


def _reference_problems(
    *,
    phases: Sequence[Phase | None],
    phase_ids: Sequence[str | None],
    kpis: Sequence[KpiDefinition | None],
    kpi_ids: Sequence[str | None],
    rules: Sequence[AlertRule | None],
) -> list[str]:
    """Check what no single item can: uniqueness, order and references between items.

    A None item failed validation on its own; its id, when readable, is still known through
    `phase_ids` or `kpi_ids`, so that references to it are not reported as unknown.
    """
    problems = _duplicates("phases", phase_ids) + _duplicates("kpis", kpi_ids)
    problems += _duplicates("rules", [rule.id if rule else None for rule in rules])
    valid_phases = [(i, phase) for i, phase in enumerate(phases) if phase]
    problems += [
        f"phases[{i}]: starts {phase.start}, not after phases[{j}] ({before.id}) ends {before.end}"
        for (j, before), (i, phase) in itertools.pairwise(valid_phases)
        if phase.start <= before.end
    ]
    known_phases = {phase_id for phase_id in phase_ids if phase_id}
    problems += [
        f"kpis[{i}].targets[{j}].phase: unknown phase {target.phase!r}"
        f" (phases are: {', '.join(sorted(known_phases))})"
        for i, kpi in enumerate(kpis)
        if kpi
        for j, target in enumerate(kpi.targets)
        if target.phase is not None and target.phase not in known_phases
    ]
    problems += _name_clashes(kpis, kpi_ids)
    known_kpis = {kpi_id for kpi_id in kpi_ids if kpi_id}
    problems += [
        f"rules[{i}].kpi: unknown KPI {rule.kpi!r}"
        for i, rule in enumerate(rules)
        if rule and rule.kpi not in known_kpis
    ]
    return problems


def _duplicates(section: str, ids: Sequence[str | None]) -> list[str]:
    first: dict[str, int] = {}
    problems = []
    for i, item_id in enumerate(ids):
        if item_id is None:
            continue
        if item_id in first:
            problems.append(
                f"{section}[{i}].id: duplicate id {item_id!r} (also {section}[{first[item_id]}])"
            )
        else:
            first[item_id] = i
    return problems


def _name_clashes(kpis: Sequence[KpiDefinition | None], kpi_ids: Sequence[str | None]) -> list[str]:
    """Report names and aliases that would find two KPIs; a duplicated KPI is reported once."""
    owner: dict[str, int] = {}
    problems = []
    for i, kpi in enumerate(kpis):
        if kpi is None or kpi_ids.index(kpi.id) != i:
            continue
        for where, name in _names(kpi):
            key = normalise(name)
            j = owner.setdefault(key, i)
            if j != i:
                problems.append(
                    f"kpis[{i}].{where}: {name!r} already names kpis[{j}] ({kpi_ids[j]})"
                )
    return problems


def load_catalog(path: Path | None = None) -> Catalog:
    """Load and check a catalog: the shipped one, or the YAML file at `path`."""
    source = str(path) if path is not None else "the shipped catalog (kpi_engine/catalog.yaml)"
    try:
        if path is None:
            text = resources.files("kpi_engine").joinpath("catalog.yaml").read_text("utf-8")
        else:
            text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogError([f"cannot read the file: {error.strerror or error}"], source) from None
    except UnicodeDecodeError as error:
        raise CatalogError([f"the file is not UTF-8 text: {error}"], source) from None
    try:
        # libyaml's parser when PyYAML has it: the pure-Python one takes most of the time
        # a `kpibot show` runs. Both load the same safe subset.
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        raise CatalogError([_describe_yaml_error(error)], source) from None
    if not isinstance(raw, dict):
        raise CatalogError(
            ["the file must be a YAML mapping with document_date, phases, kpis and rules"], source
        )
    try:
        return Catalog.model_validate(raw)
    except ValidationError as error:
        problems = [_describe(detail) for detail in error.errors()] + _salvaged_problems(raw)
        raise CatalogError(problems, source) from None
    except CatalogError as error:
        raise CatalogError(error.problems, source) from None


def _describe_yaml_error(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"line {mark.line + 1}, column {mark.column + 1}: YAML syntax error: {error.problem}"
    return f"YAML syntax error: {error}"


def _describe(detail: ErrorDetails) -> str:
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in detail["loc"])
    message = detail["msg"].removeprefix("Value error, ")
    given = detail.get("input")
    if detail["type"] != "missing" and isinstance(given, str | int | float | date | None):
        message += f" (got {given!r})"
    return f"{where.removeprefix('.') or 'catalog'}: {message}"


_M = TypeVar("_M", bound=BaseModel)


def _salvaged_problems(raw: dict[object, object]) -> list[str]:
    """Run the cross-item checks on the items of a failed catalog that are valid on their own.

    Pydantic skips `Catalog`'s own check when any item fails, yet a file's author wants every
    problem at once.
    """
    phases, kpis, rules = (_items(raw.get(key)) for key in ("phases", "kpis", "rules"))
    return _reference_problems(
        phases=[_valid_or_none(Phase, item) for item in phases],
        phase_ids=[_raw_id(item) for item in phases],
        kpis=[_valid_or_none(KpiDefinition, item) for item in kpis],
        kpi_ids=[_raw_id(item) for item in kpis],
        rules=[_valid_or_none(AlertRule, item) for item in rules],
    )


def _items(section: object) -> list[object]:
    return list(section) if isinstance(section, list) else []


def _raw_id(item: object) -> str | None:
    item_id = item.get("id") if isinstance(item, dict) else None
    return item_id if isinstance(item_id, str) else None


def _valid_or_none(model: type[_M], item: object) -> _M | None:
    try:
        return model.model_validate(item)
    except ValidationError:
        return None
