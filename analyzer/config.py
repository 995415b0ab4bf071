"""The one typed configuration object: every threshold, with units in names.

Defaults live in ``analyzer/defaults.cfg``. :meth:`Thresholds.from_defaults`
reads them, :meth:`Thresholds.from_file` layers a user's file on top, and
keyword overrides win over both. An unknown key or a value of the wrong type
is a :class:`~analyzer.errors.ConfigError` that names the key.
"""
from __future__ import annotations

import configparser
import math
import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULTS_PATH = Path(__file__).with_name("defaults.cfg")
SECTION = "thresholds"


@dataclass(frozen=True)
class Thresholds:
    """Every number the analyzer and its feedback rules use.

    See ``analyzer/defaults.cfg`` for the meaning and default of each field.
    """

    backchannel_max_words: int
    pitch_dump_min_words: int
    pitch_dump_min_seconds: float
    pitch_dump_question_window_words: int
    pitch_dump_min_self_share: float
    pitch_answer_max_turn_gap: int
    if_then_close_max_sentence_gap: int
    speech_rate_words_per_second: float
    seller_talk_share_max: float
    seller_talk_share_target: float
    pitch_dump_long_seconds: float
    discovery_min_seconds: float
    buyer_questions_min: int
    buyer_questions_max: int
    open_question_share_min: float
    open_question_min_questions: int
    seller_monologue_target_seconds: float
    seller_monologue_max_seconds: float
    seller_monologue_max_words: int
    other_max_word_share: float
    role_question_points: float
    role_addressing_points: float
    role_co_seller_min_share: float

    @classmethod
    def from_defaults(cls, **overrides: Any) -> "Thresholds":
        """The defaults from ``defaults.cfg``, with keyword overrides applied."""
        base = dataclasses.asdict(_defaults())
        return cls._build({**base, **_check_keys(overrides, "keyword argument")})

    @classmethod
    def from_file(cls, path: str | Path, **overrides: Any) -> "Thresholds":
        """The defaults, then the ``[thresholds]`` section of ``path``, then overrides."""
        values = dataclasses.asdict(_defaults())
        values.update(_read_cfg(Path(path)))
        values.update(_check_keys(overrides, "keyword argument"))
        return cls._build(values)

    def replace(self, **overrides: Any) -> "Thresholds":
        """A copy with some values changed (unknown keys are an error)."""
        values = dataclasses.asdict(self)
        values.update(_check_keys(overrides, "keyword argument"))
        return self._build(values)

    @classmethod
    def _build(cls, values: dict[str, Any]) -> "Thresholds":
        converted = {}
        for f in dataclasses.fields(cls):
            raw = values[f.name]
            kind = int if f.type in ("int", int) else float
            converted[f.name] = _convert(f.name, raw, kind)
            if converted[f.name] < 0:
                raise ConfigError(
                    f"threshold {f.name!r} must not be negative, got {raw!r}",
                    code="E303",
                )
        return cls(**converted)


def _convert(name: str, raw: Any, kind: type) -> int | float:
    """``raw`` as ``kind``, refusing what only looks like one (True, 120.9 for an int, NaN)."""
    bad = ConfigError(f"threshold {name!r} must be a finite {kind.__name__}, got {raw!r}", code="E302")
    if isinstance(raw, bool):
        raise bad
    try:
        value = float(raw.strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise bad from None
    if not math.isfinite(value):
        raise bad
    if kind is int:
        if not value.is_integer():
            raise bad
        return int(value)
    return value


def _field_names() -> set[str]:
    return {f.name for f in dataclasses.fields(Thresholds)}


def _check_keys(values: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = sorted(set(values) - _field_names())
    if unknown:
        raise ConfigError(
            f"unknown threshold {unknown[0]!r} ({where}); known thresholds: "
            + ", ".join(sorted(_field_names())),
            code="E301",
        )
    return values


def _read_cfg(path: Path) -> dict[str, Any]:
    parser = configparser.ConfigParser()
    try:
        with open(path, encoding="utf-8") as fh:
            parser.read_file(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}", code="E304") from None
    except configparser.Error as exc:
        raise ConfigError(f"{path}: not a valid config file: {exc}", code="E305") from None
    if not parser.has_section(SECTION):
        raise ConfigError(f"{path}: expected a [{SECTION}] section", code="E306")
    return _check_keys(dict(parser.items(SECTION)), str(path))


@lru_cache(maxsize=1)
def _defaults() -> Thresholds:
    values = _read_cfg(DEFAULTS_PATH)
    missing = sorted(_field_names() - set(values))
    if missing:  # pragma: no cover - a packaging error, caught by the tests
        raise ConfigError(f"{DEFAULTS_PATH}: no default for {', '.join(missing)}", code="E307")
    return Thresholds._build(values)


def default_thresholds() -> Thresholds:
    """The default thresholds (read once, then cached)."""
    return _defaults()
