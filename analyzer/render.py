"""Turning results into text for people: the terminal report and the evaluation table.

Formatting only; every number shown here was computed elsewhere.
"""
from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .result import AnalysisResult

SEVERITY_STYLE = {"warning": "bold yellow", "info": "green", "error": "bold red"}
TAG_LABEL = {
    "pitch_invite": "pitch invite",
    "pitch_dump": "pitch dump",
    "pitch_pivot": "pitch pivot",
    "buyer_question": "buyer question",
    "if_then_close": "if-then close",
}


def clock(seconds: float | None) -> str:
    """``m:ss`` (or ``h:mm:ss``); an empty string when untimed."""
    if seconds is None:
        return ""
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:.0f}%"


def score_line(result: AnalysisResult) -> Text:
    """The headline a rep reads first."""
    if result.score is None and result.model is None:
        return Text(
            "Score: none - no model is loaded, so this call is not scored. "
            "The measurements and feedback below do not need one.",
            style="dim",
        )
    if result.score is None:
        return Text(
            "Score: none - the call needs both a seller and a buyer speaking to be scored. "
            "The measurements and feedback below still hold.",
            style="dim",
        )
    side = "buyer-centric" if result.label == "buyer_centric" else "seller-centric"
    filled = int(round(result.score / 10))
    bar = "#" * filled + "-" * (10 - filled)
    line = Text(f"Score: {result.score:.0f}/100 [{bar}] {side}", style="bold")
    line.append("  (0 = all about the seller, 100 = all about the buyer)", style="dim")
    return line


def reason_lines(result: AnalysisResult) -> list[str]:
    """The features that moved the score most, in plain words."""
    out = []
    for r in result.reasons:
        direction = "raised" if r.effect > 0 else "lowered"
        if "share" in r.feature:
            value = f"{r.value:.0%}"
        elif float(r.value).is_integer():
            value = f"{r.value:.0f}"
        else:
            value = f"{r.value:.1f}"
        out.append(f"{r.description} = {value} {direction} the score by {abs(r.effect):.0f} points")
    return out


def report(result: AnalysisResult, console: Console) -> None:
    """Print the coaching report of one call."""
    m = result.metrics
    console.print(Text(f"callcoach - {result.file}", style="bold"))
    length = (
        f"{clock(result.duration_seconds)} long"
        if result.duration_seconds is not None
        else "untimed (shares by words)"
    )
    console.print(f"{result.format} transcript, {length}, {sum(s.words for s in result.speakers)} words")
    console.print(score_line(result))
    for line in reason_lines(result):
        console.print(f"  {line}")
    console.print()

    table = Table(title="Speakers", show_edge=False, pad_edge=False)
    for col in ("speaker", "role", "words", "time", "turns"):
        table.add_column(col, justify="right" if col in ("words", "time", "turns") else "left")
    for s in result.speakers:
        role = s.role + (" (inferred)" if s.role_source == "inferred" else "")
        table.add_row(s.name, role, str(s.words), clock(s.seconds) or "-", str(s.turns))
    console.print(table)
    console.print()

    console.print(Text("Talk-time and questions", style="bold"))
    basis = "time" if result.timed else "words"
    console.print(f"  seller talk share      {_pct(m.seller_talk_share)} by {basis} (best calls: about 43%)")
    mono = f"{m.longest_seller_monologue_words} words"
    if m.longest_seller_monologue_seconds is not None:
        mono = f"{clock(m.longest_seller_monologue_seconds)} ({mono})"
    console.print(f"  longest seller stretch {mono} (target: under 2:30)")
    story = f"{m.longest_buyer_story_words} words"
    if m.longest_buyer_story_seconds is not None:
        story = f"{clock(m.longest_buyer_story_seconds)} ({story})"
    console.print(f"  longest buyer story    {story}")
    rate = (
        f", {m.buyer_questions_per_10_minutes:.1f} per 10 minutes"
        if m.buyer_questions_per_10_minutes is not None
        else ""
    )
    console.print(
        f"  buyer questions        {m.buyer_questions} ({m.open_buyer_questions} open){rate}"
        " (discovery target: 11-14)"
    )
    if m.interactivity is not None:
        unit = "per minute" if result.timed else "per 100 words"
        console.print(f"  interactivity          {m.interactivity:.1f} switches {unit}")
    console.print()

    console.print(Text(f"Tagged moments ({len(result.tags)})", style="bold"))
    if not result.tags:
        console.print("  none")
    for t in result.tags:
        when = clock(t.start) or f"turn {t.turn}"
        label = TAG_LABEL[t.tag]
        if t.tag == "buyer_question":
            label += " (open)" if t.open else " (closed)"
        text = t.text if len(t.text) <= 160 else t.text[:157] + "..."
        line = Text(f"  {when:>7}  ")
        line.append(f"{label:<24}", style="cyan")
        line.append(f"{t.speaker}: ", style="bold")
        line.append(f"\"{text}\"")
        console.print(line)
    console.print()

    console.print(Text(f"Feedback ({len(result.feedback)})", style="bold"))
    if not result.feedback:
        console.print("  nothing to flag")
    for f in result.feedback:
        line = Text("  ")
        line.append(f"{f.code} {f.severity:<7}", style=SEVERITY_STYLE.get(f.severity, ""))
        line.append(f" {f.name}: ", style="bold")
        line.append(f.message)
        console.print(line)


def comparison_table(columns: dict[str, dict[str, Any]], console: Console, *, title: str) -> None:
    """Per-tag precision, recall and F1 of several evaluations side by side.

    columns: a heading (``rules``, ``learned``, ``punctuated``...) to the
        ``to_dict()`` of an :class:`analyzer.evaluate.Evaluation`.
    """
    table = Table(title=title, show_edge=False)
    table.add_column("tag", no_wrap=True)
    table.add_column("gold", justify="right")
    for name in columns:
        for col in ("P", "R", "F1"):
            table.add_column(f"{name}\n{col}", justify="right")

    def fmt(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    first = next(iter(columns.values()))
    for tag in list(first["tags"]) + ["all (micro)"]:
        cells = [tag, str(_tag_counts(first, tag)["tp"] + _tag_counts(first, tag)["fn"])]
        for ev in columns.values():
            c = _tag_counts(ev, tag)
            cells += [fmt(c["precision"]), fmt(c["recall"]), fmt(c["f1"])]
        table.add_row(*cells)
    console.print(table)
    console.print(
        "open attribute accuracy: "
        + ", ".join(f"{name} {fmt(ev['open_accuracy'])} on {ev['open_matched']}" for name, ev in columns.items())
    )


def _tag_counts(ev: dict[str, Any], tag: str) -> dict[str, Any]:
    return ev["micro"] if tag == "all (micro)" else ev["tags"][tag]


def evaluation_table(ev: dict[str, Any], console: Console) -> None:
    """Print per-tag precision, recall and F1 and the other evaluation figures."""
    table = Table(title=f"Tags on {ev['calls']} annotated calls", show_edge=False)
    for col in ("tag", "gold", "predicted", "matched", "precision", "recall", "F1"):
        table.add_column(col, justify="left" if col == "tag" else "right")

    def fmt(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    for name, c in list(ev["tags"].items()) + [("all (micro)", ev["micro"])]:
        table.add_row(
            name,
            str(c["tp"] + c["fn"]),
            str(c["tp"] + c["fp"]),
            str(c["tp"]),
            fmt(c["precision"]),
            fmt(c["recall"]),
            fmt(c["f1"]),
        )
    console.print(table)
    console.print(
        f"open attribute accuracy: {fmt(ev['open_accuracy'])} on {ev['open_matched']} matched buyer questions"
    )
    console.print(f"role inference accuracy: {fmt(ev['role_accuracy'])} of speakers")
    console.print(
        f"talk-share error (inferred vs gold roles, mean absolute): {fmt(ev['talk_share_error'])}"
    )
    labels = ev.get("labels")
    if labels:
        console.print(
            f"call labels: accuracy {fmt(labels['accuracy'])}, ROC AUC {fmt(labels['roc_auc'])}, "
            f"Brier {fmt(labels['brier'])} on {labels['calls']} labelled calls (model: {labels['model']})"
        )
        if labels.get("calls_in_training_data"):
            console.print(
                f"  note: {labels['calls_in_training_data']} of these calls were in the model's training "
                "data, so these label figures are optimistic; the model card has cross-validated ones"
            )
    if ev["errors"]:
        console.print(Text(f"{len(ev['errors'])} file(s) could not be evaluated:", style="bold red"))
        for e in ev["errors"]:
            console.print(f"  {e['error']}")
