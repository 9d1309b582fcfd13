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
from typing import Annotated, Any, Self, TypeVar

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails

from kpi_engine.catalog_problems import (
    CatalogError,
    CatalogProblem,
    EntryPath,
    EntryProblem,
    entry_path,
    located,
    pydantic_problem,
    utf8_problem,
    yaml_problem,
)
from kpi_engine.levels import Direction, Judge, Level, RuleCondition
from kpi_engine.periods import PeriodKind, shortest_days
from kpi_engine.problems import invalid

__all__ = [
    "AlertRule",
    "Catalog",
    "CatalogError",
    "CatalogProblem",
    "Direction",
    "EntryProblem",
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

_SLUG = re.compile(r"[a-z][a-z0-9_]*")
# A Slack user (U…/W…) or user group (S…) id.
_OWNER = re.compile(r"[UWS][A-Z0-9]{2,30}")


def _slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise invalid(CatalogProblem.NOT_AN_ID, value=value)
    return value


def _setting(value: object) -> object:
    # Checked before the union, which would otherwise report once per type it tried.
    if not isinstance(value, str | int | float):
        raise invalid(CatalogProblem.NOT_A_SETTING)
    return value


Slug = Annotated[str, AfterValidator(_slug)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# Strict so that a YAML `yes` or a quoted "1,500" is an error rather than 1.0 or a guess.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Setting = Annotated[int | float | str, BeforeValidator(_setting)]

_ALERT_LEVELS = (Level.YELLOW, Level.ORANGE, Level.RED)
# Whole days of a pro-rated KPI's period in progress that must have passed before it is
# judged on its pace, when the KPI sets no `min_elapsed_days` of its own.
DEFAULT_MIN_ELAPSED_DAYS = {PeriodKind.WEEK: 1, PeriodKind.MONTH: 7, PeriodKind.QUARTER: 21}
_IGNORED_IN_NAMES = re.compile(r"[\s_\-]+")


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

    @field_validator("end")
    @classmethod
    def _ends_after_start(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("start")
        if start is not None and end < start:
            raise invalid(CatalogProblem.END_BEFORE_START, start=start, end=end)
        return end


class Target(_Model):
    """A target value, in force from `start` until the next target's start."""

    value: Number
    start: date
    due: date | None = None
    phase: Slug | None = None
    label: Localized | None = None

    @field_validator("due")
    @classmethod
    def _due_after_start(cls, due: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start")
        if due is not None and start is not None and due < start:
            raise invalid(CatalogProblem.DUE_BEFORE_START, start=start, due=due)
        return due


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

    @field_validator("level")
    @classmethod
    def _alerting_level(cls, level: Level) -> Level:
        if level not in _ALERT_LEVELS:
            expected = [alerting.value for alerting in _ALERT_LEVELS]
            raise invalid(CatalogProblem.NOT_ONE_OF, value=level.value, expected=expected)
        return level


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
    owner: str = ""
    # Days without new data after which a data-missing notice is raised; None: the
    # default for the KPI's update frequency (`kpi_engine.alerts.STALE_AFTER_DAYS`).
    stale_after_days: int | None = Field(default=None, ge=1, le=3660, strict=True)
    judge: Judge
    targets: list[Target] = Field(default_factory=list)
    settings: dict[str, Setting] = Field(default_factory=dict)
    restricted: Restriction | None = None
    # For a KPI recorded by hand (`kpibot record`, `/kpi record`, measurement imports): the
    # values it may take. Every measured KPI declares one (`formulas.measured_kpis`).
    measured_value: ValueRule | None = None

    # Field validators rather than one model validator: they still run, and report, when
    # another field of the same KPI is broken.
    @field_validator("owner")
    @classmethod
    def _slack_owner(cls, owner: str) -> str:
        if owner and not _OWNER.fullmatch(owner):
            raise invalid(CatalogProblem.NOT_AN_OWNER, value=owner)
        return owner

    @field_validator("judge")
    @classmethod
    def _growth_is_higher_better(cls, judge: Judge, info: ValidationInfo) -> Judge:
        if judge is Judge.GROWTH and info.data.get("direction") is Direction.LOWER:
            raise invalid(CatalogProblem.GROWTH_NEEDS_HIGHER)
        return judge

    @field_validator("targets")
    @classmethod
    def _targets_in_order(cls, targets: list[Target], info: ValidationInfo) -> list[Target]:
        problems = [
            InitErrorDetails(
                type=invalid(
                    CatalogProblem.TARGET_OUT_OF_ORDER,
                    start=later.start,
                    previous=entry_path(("targets", i - 1)),
                    previous_start=earlier.start,
                ),
                loc=(i,),
                input=later,
            )
            for i, (earlier, later) in enumerate(itertools.pairwise(targets), start=1)
            if later.start <= earlier.start
        ]
        if info.data.get("judge") is Judge.LINE:
            problems += [
                InitErrorDetails(
                    type=invalid(CatalogProblem.NO_DUE_FOR_LINE), loc=(i,), input=target
                )
                for i, target in enumerate(targets)
                if target.due is None
            ]
        if problems:
            # Raised as a validation error of its own, each problem at its target.
            raise ValidationError.from_exception_data("targets", problems)
        return targets

    @field_validator("min_elapsed_days")
    @classmethod
    def _passes_within_a_period(cls, days: int | None, info: ValidationInfo) -> int | None:
        period = info.data.get("period")
        fewest = shortest_days(period) if isinstance(period, PeriodKind) else None
        if days is not None and fewest is not None and days > fewest:
            # Such a period would never be judged while in progress.
            raise invalid(CatalogProblem.TOO_MANY_DAYS, days=days, period=period, fewest=fewest)
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


def _names(kpi: KpiDefinition) -> list[tuple[EntryPath, str]]:
    """List the words that find a KPI, each with its path inside the KPI."""
    return [
        (("id",), kpi.id),
        (("name", "ja"), kpi.name.ja),
        (("name", "en"), kpi.name.en),
        *((("aliases", i), alias) for i, alias in enumerate(kpi.aliases)),
    ]


def _reference_problems(
    *,
    phases: Sequence[Phase | None],
    phase_ids: Sequence[str | None],
    kpis: Sequence[KpiDefinition | None],
    kpi_ids: Sequence[str | None],
    rules: Sequence[AlertRule | None],
) -> list[EntryProblem]:
    """Check what no single item can: uniqueness, order and references between items.

    A None item failed validation on its own; its id, when readable, is still known through
    `phase_ids` or `kpi_ids`, so that references to it are not reported as unknown.
    """
    problems = _duplicates("phases", phase_ids) + _duplicates("kpis", kpi_ids)
    problems += _duplicates("rules", [rule.id if rule else None for rule in rules])
    valid_phases = [(i, phase) for i, phase in enumerate(phases) if phase]
    problems += [
        EntryProblem(
            ("phases", i, "start"),
            CatalogProblem.PHASE_OVERLAP,
            {
                "start": phase.start,
                "previous": entry_path(("phases", j)),
                "previous_id": before.id,
                "previous_end": before.end,
            },
        )
        for (j, before), (i, phase) in itertools.pairwise(valid_phases)
        if phase.start <= before.end
    ]
    known_phases = sorted({phase_id for phase_id in phase_ids if phase_id})
    problems += [
        EntryProblem(
            ("kpis", i, "targets", j, "phase"),
            CatalogProblem.UNKNOWN_PHASE,
            {"value": target.phase, "known": known_phases},
        )
        for i, kpi in enumerate(kpis)
        if kpi
        for j, target in enumerate(kpi.targets)
        if target.phase is not None and target.phase not in known_phases
    ]
    problems += _name_clashes(kpis, kpi_ids)
    known_kpis = {kpi_id for kpi_id in kpi_ids if kpi_id}
    problems += [
        EntryProblem(("rules", i, "kpi"), CatalogProblem.UNKNOWN_KPI, {"value": rule.kpi})
        for i, rule in enumerate(rules)
        if rule and rule.kpi not in known_kpis
    ]
    return problems


def _duplicates(section: str, ids: Sequence[str | None]) -> list[EntryProblem]:
    first: dict[str, int] = {}
    problems = []
    for i, item_id in enumerate(ids):
        if item_id is None:
            continue
        if item_id in first:
            problems.append(
                EntryProblem(
                    (section, i, "id"),
                    CatalogProblem.DUPLICATE_ID,
                    {"id": item_id, "first": entry_path((section, first[item_id]))},
                )
            )
        else:
            first[item_id] = i
    return problems


def _name_clashes(
    kpis: Sequence[KpiDefinition | None], kpi_ids: Sequence[str | None]
) -> list[EntryProblem]:
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
                    EntryProblem(
                        ("kpis", i, *where),
                        CatalogProblem.NAME_TAKEN,
                        {"name": name, "other": entry_path(("kpis", j)), "other_id": kpi_ids[j]},
                    )
                )
    return problems


# libyaml's parser when PyYAML has it: the pure-Python one takes most of the time a
# `kpibot show` runs. Both load the same safe subset.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_catalog(path: Path | None = None) -> Catalog:
    """Load and check a catalog: the shipped one, or the YAML file at `path`."""
    try:
        if path is None:
            data = resources.files("kpi_engine").joinpath("catalog.yaml").read_bytes()
        else:
            data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        problem = EntryProblem((), CatalogProblem.UNREADABLE, {"reason": reason})
        raise CatalogError([problem], path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CatalogError([utf8_problem(data, error)], path) from None
    try:
        raw = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        raise CatalogError([yaml_problem(error)], path) from None
    if not isinstance(raw, dict):
        raise CatalogError([EntryProblem((), CatalogProblem.NOT_A_MAPPING)], path)
    try:
        return Catalog.model_validate(raw)
    except ValidationError as error:
        problems = [pydantic_problem(detail, Catalog) for detail in error.errors()]
        problems += _salvaged_problems(raw)
    except CatalogError as error:
        problems = error.problems
    raise CatalogError(located(problems, text, _LOADER), path)


_M = TypeVar("_M", bound=BaseModel)


def _salvaged_problems(raw: dict[object, object]) -> list[EntryProblem]:
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
