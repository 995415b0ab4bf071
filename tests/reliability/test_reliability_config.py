"""Config files a hostile or careless user writes: every bad value refused when the file is loaded, coded, naming the file and the key."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import EXIT_INPUT_ERROR, main
from analyzer.config import BOUNDS, DEFAULTS_PATH, Limits, Thresholds, default_limits
from analyzer.errors import ConfigError

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "06-farm-solar-intro.vtt"


@pytest.mark.parametrize(
    "content,code,key",
    [
        ("[thresholds]\nspeech_rate_words_per_second = 0\n", "E303", "speech_rate_words_per_second"),
        ("[thresholds]\nspeech_rate_words_per_second = -2.5\n", "E303", "speech_rate_words_per_second"),
        ("[thresholds]\nseller_talk_share_max = 5\n", "E303", "seller_talk_share_max"),
        ("[thresholds]\nother_max_word_share = 42\n", "E303", "other_max_word_share"),
        ("[thresholds]\ndiscovery_min_seconds = 1e308\n", "E303", "discovery_min_seconds"),
        ("[thresholds]\npitch_dump_min_seconds = 1e309\n", "E302", "pitch_dump_min_seconds"),
        ("[thresholds]\npitch_dump_min_words = %(nope)s\n", "E302", "pitch_dump_min_words"),
        ("[thresholds]\nbuyer_questions_min = 20\n", "E308", "buyer_questions_min"),
        ("[thresholds]\nbackchannel_max_words = 40\npitch_dump_min_words = 30\n", "E308", "backchannel_max_words"),
        ("[limits]\nmax_file_bytes = 0\n", "E303", "max_file_bytes"),
        ("[limits]\nmax_file_bytes = 1e12\n", "E303", "max_file_bytes"),
        ("[limits]\nmax_file_bytes = 1.5\n", "E302", "max_file_bytes"),
    ],
    ids=[
        "rate-zero", "rate-negative", "share-5", "share-42", "1e308", "overflow", "interpolation",
        "min-above-max", "backchannel-above-dump", "limit-zero", "limit-huge", "limit-fraction",
    ],
)
def test_reliability_config_value_refused_with_file_and_key(tmp_path, content, code, key):
    path = tmp_path / "bad.cfg"
    path.write_text(content, encoding="utf-8")
    cls = Limits if "[limits]" in content else Thresholds
    with pytest.raises(ConfigError) as info:
        cls.from_file(path)
    message = str(info.value)
    assert message.startswith(f"[{code}] ") and info.value.code == code
    assert repr(key) in message and str(path) in message


@pytest.mark.parametrize(
    "content,code,match",
    [
        (b"[thresholds]\nseller_talk_share_max = 0.7\n[trackerz]\nx = 1\n", "E309", r"unknown section \[trackerz\]"),
        (b"[thresholds]\nseller_talk_share_max = 0.7 \xff\xfe\n", "E305", r"not UTF-8 text \(byte 0xff"),
        (b"[thresholds]\na = 1\n[thresholds]\nb = 2\n", "E305", r"not a valid config file"),
        (b"# only a comment\n", "E306", r"expected a \[thresholds\] or \[limits\] section"),
    ],
    ids=["unknown-section", "not-utf8", "duplicate-section", "no-section"],
)
def test_reliability_config_file_refused(tmp_path, content, code, match):
    path = tmp_path / "bad.cfg"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=rf"^\[{code}\] .*bad\.cfg.*{match}"):
        Thresholds.from_file(path)


def test_reliability_config_percent_is_an_ordinary_character(tmp_path):
    """Interpolation is off: a value with % in it is the value, refused by its type, never a traceback."""
    path = tmp_path / "pct.cfg"
    path.write_text("[thresholds]\nseller_talk_share_max = 65%%\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[E302\] .*got '65%%'"):
        Thresholds.from_file(path)


def test_reliability_config_fifo_is_not_read(tmp_path):
    import os

    fifo = tmp_path / "pipe.cfg"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match=r"\[E304\] cannot read config file .*pipe\.cfg: a FIFO"):
        Thresholds.from_file(fifo)


def test_reliability_config_every_key_has_a_bound_and_a_valid_default():
    keys = set(Thresholds.__dataclass_fields__) | set(Limits.__dataclass_fields__)
    assert keys == set(BOUNDS)
    Thresholds.from_file(DEFAULTS_PATH)  # the defaults pass their own checks
    assert default_limits().max_file_bytes >= 24 * 1024 * 1024  # a ten-hour call


def test_reliability_config_limit_never_above_the_readers_cap():
    from analyzer.readers.limits import MAX_FILE_BYTES

    assert BOUNDS["max_file_bytes"].high == MAX_FILE_BYTES


@pytest.mark.parametrize("command", ["feedback", "score"])
@pytest.mark.parametrize(
    "content,code",
    [
        ("[thresholds]\nspeech_rate_words_per_second = 0\n", "E303"),
        ("[thresholds]\npitch_dump_min_words = %(nope)s\n", "E302"),
        ("[thresholds]\nbuyer_questions_min = 99\n", "E308"),
        ("[nope]\nx = 1\n", "E309"),
    ],
)
def test_reliability_config_cli_exit_2_with_the_code(tmp_path, command, content, code):
    cfg = tmp_path / "bad.cfg"
    cfg.write_text(content, encoding="utf-8")
    args = [command, str(SAMPLE), "--config", str(cfg), "--no-model"]
    if command == "score":
        args += ["-o", str(tmp_path / "out.csv"), "--workers", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == EXIT_INPUT_ERROR, result.output
    assert f"[{code}]" in result.stderr and "bad.cfg" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.csv").exists()
