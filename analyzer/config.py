"""The typed configuration: every threshold and limit, units in names, validated in one place.

Defaults live in ``analyzer/defaults.cfg``: a ``[thresholds]`` section
(:class:`Thresholds`, every number the analyzer and its feedback rules use)
and a ``[limits]`` section (:class:`Limits`, how much a run reads).
``from_defaults`` reads them, ``from_file`` layers a user's file on top, and
keyword overrides win over both.

Every value is checked here, and only here, when a file is loaded or a value
is overridden:

- its type and range (:data:`BOUNDS`): shares in [0, 1], a speech rate from
  0.5 to 20 words a second,
  counts, words and seconds within what a call can hold, always finite;
- its order against another where one exists (:data:`ORDERS`): a minimum
  or target is never above its maximum;
- a file is UTF-8 text, read without interpolation (``%`` is an ordinary
  character), with no section or key this version does not know.

Every refusal is a :class:`~analyzer.errors.ConfigError` whose message names
the key and where the value came from (the file and section, or "keyword
argument"):

| code | refusal |
| ---- | ------- |
| E301 | an unknown key |
| E302 | a value of the wrong type (not a finite number; a fraction for a count) |
| E303 | a value outside its range |
| E304 | a file that cannot be read (missing, not a regular file, over 1 MiB) |
| E305 | a file that is not UTF-8 text, or not valid INI syntax |
| E306 | a file with none of the known sections |
| E307 | a key without a default in defaults.cfg (a packaging error) |
| E308 | two values out of order (a minimum above its maximum) |
| E309 | an unknown section |
"""
from __future__ import annotations

import configparser
import dataclasses
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from .errors import CallcoachError, ConfigError

DEFAULTS_PATH = Path(__file__).with_name("defaults.cfg")
SECTION = "thresholds"
LIMITS_SECTION = "limits"
SECTIONS = (SECTION, LIMITS_SECTION)
#: A config file larger than this is not a config file.
MAX_CONFIG_BYTES = 1024 * 1024
KEYWORD = "keyword argument"


@dataclass(frozen=True)
class Bound:
    """The type and range of one value: a ``kind`` from ``low`` to ``high``."""

    kind: type
    low: float
    high: float

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high

    def describe(self) -> str:
        return f"from {_number(self.low)} to {_number(self.high)}"


_SHARE = Bound(float, 0.0, 1.0)
_SECONDS = Bound(float, 0.0, 168 * 3600.0)  # the readers' longest time: a week
_WORDS = Bound(int, 0, 1_000_000)
_COUNT = Bound(int, 0, 10_000)

#: The type and range of every value, by key.
BOUNDS: dict[str, Bound] = {
    "backchannel_max_words": Bound(int, 0, 50),
    "pitch_dump_min_words": Bound(int, 1, 1_000_000),
    "pitch_dump_min_seconds": _SECONDS,
    "pitch_dump_question_window_words": _WORDS,
    "pitch_dump_min_self_share": _SHARE,
    "pitch_answer_max_turn_gap": Bound(int, 0, 1_000),
    "if_then_close_max_sentence_gap": Bound(int, 0, 100),
    "buyer_question_min_question_odds": _SHARE,
    # (no call is spoken at under half a word a second, nor over twenty)
    "speech_rate_words_per_second": Bound(float, 0.5, 20.0),
    "seller_talk_share_max": _SHARE,
    "seller_talk_share_target": _SHARE,
    "pitch_dump_long_seconds": _SECONDS,
    "discovery_min_seconds": _SECONDS,
    "buyer_questions_min": _COUNT,
    "buyer_questions_max": _COUNT,
    "open_question_share_min": _SHARE,
    "open_question_min_questions": _COUNT,
    "seller_monologue_target_seconds": _SECONDS,
    "seller_monologue_max_seconds": _SECONDS,
    "seller_monologue_max_words": Bound(int, 1, 1_000_000),
    "other_max_word_share": _SHARE,
    "role_question_points": Bound(float, 0.0, 100.0),
    "role_addressing_points": Bound(float, 0.0, 1_000.0),
    "role_co_seller_min_share": _SHARE,
    "role_words_read": Bound(int, 1, 1_000_000_000),
    "seller_patience_min_seconds": Bound(float, 0.0, 60.0),
    "seller_patience_min_handovers": Bound(int, 1, 10_000),
    "min_scored_words": _WORDS,
    # Never above the readers' own cap (analyzer.readers.limits.MAX_FILE_BYTES).
    "max_file_bytes": Bound(int, 1024, 64 * 1024 * 1024),
    "max_json_values": Bound(int, 1_000, 10_000_000),
}


def checked_speech_rate(rate: Any) -> float:
    """``rate`` when it is a speech rate :data:`BOUNDS` allows (words a second).

    RAISES: ValueError otherwise (a reader given a rate by a caller).
    """
    bound = BOUNDS["speech_rate_words_per_second"]
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or not bound.holds(rate):
        raise ValueError(f"speech_rate_words_per_second must be {bound.describe()} words a second, got {rate!r}")
    return float(rate)


#: Pairs of keys whose values must be in this order: (smaller or equal, larger or equal).
#: (A target shown beside a measure is not ordered against the limit that
#: fires a rule: a stricter limit alone is a fair setting.)
ORDERS: tuple[tuple[str, str], ...] = (
    ("buyer_questions_min", "buyer_questions_max"),
    ("backchannel_max_words", "pitch_dump_min_words"),
)


class _Validated:
    """What :class:`Thresholds` and :class:`Limits` share: building from the
    defaults, a file and keyword overrides, with every value validated."""

    _section = ""

    @classmethod
    def from_defaults(cls, **overrides: Any):
        """The defaults from ``defaults.cfg``, with keyword overrides applied."""
        return cls._layered(None, overrides)

    @classmethod
    def from_file(cls, path: str | Path, **overrides: Any):
        """The defaults, then this class's section of ``path`` (when it has one), then overrides."""
        return cls._layered(Path(path), overrides)

    def replace(self, **overrides: Any):
        """A copy with some values changed (unknown keys are an error)."""
        values = {k: (v, KEYWORD) for k, v in dataclasses.asdict(self).items()}
        values.update({k: (v, KEYWORD) for k, v in _known(type(self), overrides, KEYWORD).items()})
        return type(self)._build(values)

    @classmethod
    def _layered(cls, path: Path | None, overrides: Mapping[str, Any]):
        where = _where(DEFAULTS_PATH, cls._section)
        values = {k: (v, where) for k, v in dataclasses.asdict(cls._defaults()).items()}
        if path is not None:
            where = _where(path, cls._section)
            values.update({k: (v, where) for k, v in read_config(path).get(cls._section, {}).items()})
        values.update({k: (v, KEYWORD) for k, v in _known(cls, overrides, KEYWORD).items()})
        return cls._build(values)

    @classmethod
    def _defaults(cls):
        raise NotImplementedError  # pragma: no cover

    @classmethod
    def _build(cls, values: Mapping[str, tuple[Any, str]]):
        converted = {name: _convert(name, raw, where) for name, (raw, where) in values.items()}
        for low, high in ORDERS:
            if low in converted and high in converted and converted[low] > converted[high]:
                raise ConfigError(
                    f"threshold {low!r} ({_number(converted[low])}, {values[low][1]}) must not be above "
                    f"{high!r} ({_number(converted[high])}, {values[high][1]})",
                    code="E308",
                )
        return cls(**converted)


@dataclass(frozen=True)
class Thresholds(_Validated):
    """Every number the analyzer and its feedback rules use.

    See ``analyzer/defaults.cfg`` for the meaning and default of each field,
    and :data:`BOUNDS` and :data:`ORDERS` for what each may be.
    """

    backchannel_max_words: int
    pitch_dump_min_words: int
    pitch_dump_min_seconds: float
    pitch_dump_question_window_words: int
    pitch_dump_min_self_share: float
    pitch_answer_max_turn_gap: int
    if_then_close_max_sentence_gap: int
    buyer_question_min_question_odds: float
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
    role_words_read: int
    seller_patience_min_seconds: float
    seller_patience_min_handovers: int
    min_scored_words: int

    _section = SECTION

    @classmethod
    def _defaults(cls) -> "Thresholds":
        return _defaults()


@dataclass(frozen=True)
class Limits(_Validated):
    """How much a run reads: the ``[limits]`` section of ``defaults.cfg``.

    max_file_bytes (int): the largest transcript file read, in bytes; a
        larger one is refused by its size before it is opened (E603).
    max_json_values (int): the most values (objects, arrays, items) a JSON
        transcript may hold; more is refused before it is parsed (E604).
    """

    max_file_bytes: int
    max_json_values: int

    _section = LIMITS_SECTION

    @classmethod
    def _defaults(cls) -> "Limits":
        return default_limits()


def _where(path: Path, section: str) -> str:
    return f"{path}, [{section}]"


def _number(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _noun(name: str) -> str:
    return "limit" if name in _field_names(Limits) else "threshold"


def _convert(name: str, raw: Any, where: str) -> int | float:
    """``raw`` as the key's type, within its range; never what only looks like
    one (True, 120.9 for a count, NaN, 1e308)."""
    bound = BOUNDS[name]
    kind = bound.kind
    bad = ConfigError(f"{_noun(name)} {name!r} must be a finite {kind.__name__}, got {raw!r} ({where})", code="E302")
    if isinstance(raw, bool):
        raise bad
    try:
        value = float(raw.strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError, OverflowError):
        raise bad from None
    if not math.isfinite(value):
        raise bad
    if kind is int:
        if not value.is_integer():
            raise bad
        value = int(value)
    if not bound.holds(value):
        raise ConfigError(
            f"{_noun(name)} {name!r} must be {bound.describe()}, got {raw!r} ({where})",
            code="E303",
        )
    return value


def _field_names(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def _known(cls: type, values: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    known = _field_names(cls)
    unknown = sorted(set(values) - known)
    if unknown:
        noun = "limit" if cls is Limits else "threshold"
        raise ConfigError(
            f"unknown {noun} {unknown[0]!r} ({where}); known {noun}s: " + ", ".join(sorted(known)),
            code="E301",
        )
    return values


_CLASSES = {SECTION: Thresholds, LIMITS_SECTION: Limits}


def read_config(path: str | Path) -> dict[str, dict[str, str]]:
    """The sections of a config file, each key checked against its section.

    RAISES: ConfigError: E304 the file cannot be read, E305 it is not UTF-8
        INI text, E306 it has no known section, E309 an unknown section,
        E301 an unknown key.
    """
    from .inputs import read_file

    path = Path(path)
    try:
        data = read_file(path, max_bytes=MAX_CONFIG_BYTES, name=str(path), setting=None)
    except CallcoachError as exc:
        reason = getattr(exc, "found", None) or str(exc).split(": ", 1)[-1]
        raise ConfigError(f"cannot read config file {path}: {reason}", code="E304") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})", code="E305"
        ) from None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        raise ConfigError(f"{path}: not a valid config file: {exc}", code="E305") from None
    unknown = [s for s in parser.sections() if s not in SECTIONS]
    if unknown:
        raise ConfigError(
            f"{path}: unknown section [{unknown[0]}]; known sections: "
            + ", ".join(f"[{s}]" for s in SECTIONS),
            code="E309",
        )
    if not parser.sections():
        raise ConfigError(f"{path}: expected a [{SECTION}] or [{LIMITS_SECTION}] section", code="E306")
    return {
        section: dict(_known(_CLASSES[section], dict(parser.items(section)), _where(path, section)))
        for section in parser.sections()
    }


def _from_defaults_file(cls: type) -> Any:
    values = read_config(DEFAULTS_PATH).get(cls._section, {})
    missing = sorted(_field_names(cls) - set(values))
    if missing:  # pragma: no cover - a packaging error, caught by the tests
        raise ConfigError(f"{DEFAULTS_PATH}: no default for {', '.join(missing)}", code="E307")
    where = _where(DEFAULTS_PATH, cls._section)
    return cls._build({k: (v, where) for k, v in values.items()})


@lru_cache(maxsize=1)
def _defaults() -> Thresholds:
    return _from_defaults_file(Thresholds)


@lru_cache(maxsize=1)
def default_limits() -> Limits:
    """The default limits (read once, then cached)."""
    return _from_defaults_file(Limits)


def default_thresholds() -> Thresholds:
    """The default thresholds (read once, then cached)."""
    return _defaults()
