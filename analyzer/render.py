"""Turning results into text for people: the terminal report and the evaluation table.

Formatting only; every number shown here was computed elsewhere.
"""
from __future__ import annotations

import textwrap
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import wording
from .display import isolated, shown_name
from .config import Thresholds, default_thresholds
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
    return wording.clock(seconds)


def _pct(x: float | None) -> str:
    return wording.pct(x)


def score_line(result: AnalysisResult, thresholds: Thresholds | None = None) -> Text:
    """The headline a rep reads first."""
    if result.score is None and result.model is None:
        return Text(
            "Score: none - no model is loaded, so this call is not scored. "
            "The measurements and feedback below do not need one.",
            style="dim",
        )
    if result.score is None:
        from .analysis import unscored_because

        why = unscored_because(result, thresholds) or "was not scored"
        return Text(f"Score: none - the call {why}. The measurements and feedback below still hold.", style="dim")
    side = "buyer-centric" if result.label == "buyer_centric" else "seller-centric"
    filled = int(round(result.score / 10))
    bar = "#" * filled + "-" * (10 - filled)
    line = Text(f"Score: {result.score:.0f}/100 [{bar}] {side}", style="bold")
    line.append("  (0 = all about the seller, 100 = all about the buyer)", style="dim")
    return line


def reason_lines(result: AnalysisResult) -> list[str]:
    """The behaviours that moved the score most: each measured value and its target, with its weight."""
    out = []
    for r in result.reasons:
        weight = r.log_odds or r.effect
        sign = "+" if weight > 0 else "-"
        text = r.text if r.measured else f"{r.description}: {r.value:g}"
        out.append(f"{sign} {text} (weight {weight:+.1f})")
    return out


def roles_line(result: AnalysisResult) -> Text | None:
    """The roles note when they need a look: the inferred roles and the option that fixes them."""
    check = result.roles_check
    if check is None or not check.needs_look:
        return None
    line = Text("Check the roles: ", style="bold yellow")
    line.append(check.message or "")
    return line


def _unbroken(text: str, keep: str | None) -> str:
    """``text`` with the spaces inside ``keep`` made unbreakable for wrapping (same length)."""
    return text.replace(keep, keep.replace(" ", "\u00a0")) if keep and " " in keep else text


def say(console: Console, body: str | Text, *, head: str | Text = "", indent: int | None = None, keep: str | None = None) -> None:
    """Print ``head`` then ``body``, wrapped by words at the console's width; the
    lines after the first start under the body (a hanging indent). No line
    ends in spaces, and a word breaks only when it alone is wider than a line;
    ``keep`` (an option to paste, say) is never broken across lines."""
    head = head if isinstance(head, Text) else Text(head)
    body = body if isinstance(body, Text) else Text(body)
    indent = len(head.plain) if indent is None else indent
    first = max(len(head.plain), indent)
    if first > console.width // 2:  # a narrow terminal: the head on a line of its own
        alone = head.copy()
        alone.rstrip()
        console.print(alone, soft_wrap=True)
        head, first, indent = Text(""), 6, 6
    wrapper = textwrap.TextWrapper(
        width=max(console.width, first + 12, indent + 12),
        initial_indent=" " * first,
        subsequent_indent=" " * indent,
        break_on_hyphens=False,
    )
    plain = _unbroken(body.plain, keep)
    lines = [line.lstrip(" ") for line in wrapper.wrap(plain)] or [""]
    pos = 0
    for k, line in enumerate(lines):
        start = plain.find(line, pos)
        piece = body[start : start + len(line)] if start >= 0 else Text(line)
        pos = start + len(line) if start >= 0 else pos
        out = head.copy() if k == 0 else Text(" " * indent)
        if k == 0 and len(head.plain) < indent:
            out.append(" " * (indent - len(head.plain)))
        out.append_text(piece)
        console.print(out, soft_wrap=True)


def report(result: AnalysisResult, console: Console, *, thresholds: Thresholds | None = None) -> None:
    """Print the coaching report of one call.

    result (AnalysisResult): the analysed call.
    console (Console): where to print; long lines wrap by words at its width.
    thresholds (Thresholds | None): where the targets come from (the
        analyzer's); defaults to ``analyzer/defaults.cfg``.
    """
    th = thresholds or default_thresholds()
    console.print(Text(f"callcoach - {result.file}", style="bold"))
    length = (
        f"{clock(result.duration_seconds)} long"
        if result.duration_seconds is not None
        else "untimed (shares by words)"
    )
    console.print(f"{result.format} transcript, {length}, {wording.plural(sum(s.words for s in result.speakers), 'word')}")
    say(console, score_line(result, th), indent=0)
    if result.reasons:
        say(console, Text("What moved it most (weights on the model's log-odds scale; + is towards buyer-centric):", style="dim"), head="  ")
        for line in reason_lines(result):
            say(console, line[2:], head="  " + line[:2])
    note = roles_line(result)
    if note is not None:
        say(console, note, indent=0, keep=result.roles_check.fix)
    console.print()
    _speakers(result, console)
    _measures(result, console, th)
    _trackers(result, console)
    _moments(result, console)
    _feedback(result, console)
    if result.tags or any(f.turn is not None for f in result.feedback):
        console.print()
        say(console, Text("Turns count from 0, as in --json and the HTML report.", style="dim"))


def _speakers(result: AnalysisResult, console: Console) -> None:
    table = Table(title="Speakers", show_edge=False, pad_edge=False)
    for col in ("speaker", "role", "words", "time", "turns"):
        table.add_column(col, justify="right" if col in ("words", "time", "turns") else "left")
    for s in result.speakers:
        role = s.role + (" (inferred)" if s.role_source == "inferred" else "")
        # a Text, never markup: a name like "[link=...]" is shown as it is
        table.add_row(Text(shown_name(s.name)), role, str(s.words), clock(s.seconds) or "-", str(s.turns))
    console.print(table)
    console.print()


def _measures(result: AnalysisResult, console: Console, th: Thresholds) -> None:
    m = result.metrics
    console.print(Text("Talk-time and questions", style="bold"))
    rows = []
    basis = "time" if result.timed else "words"
    rows.append(("seller talk share", f"{_pct(m.seller_talk_share)} by {basis}; target: {wording.talk_share_target(th)}"))
    mono = _stretch(m.longest_seller_monologue_turn, m.longest_seller_monologue_words, m.longest_seller_monologue_seconds)
    flags = (
        f"over {clock(th.seller_monologue_max_seconds)}" if result.timed else f"over {wording.plural(th.seller_monologue_max_words, 'word')}"
    )
    rows.append(("longest seller stretch", f"{mono}; target: {wording.monologue_target(th, result.timed)} (feedback flags {flags})"))
    rows.append(("longest buyer story", _stretch(m.longest_buyer_story_turn, m.longest_buyer_story_words, m.longest_buyer_story_seconds)))
    rate = (
        f", {m.buyer_questions_per_10_minutes:.1f} per 10 minutes"
        if m.buyer_questions_per_10_minutes is not None
        else ""
    )
    rows.append((
        "buyer questions",
        f"{m.buyer_questions} in the call ({m.open_buyer_questions} open){rate}; target: {wording.questions_target(th)}",
    ))  # fmt: skip
    if m.interactivity is not None:
        unit = "per minute" if result.timed else "per 100 words"
        rows.append(("interactivity", f"{m.interactivity:.1f} switches between the sides {unit}"))
    rows += conversation_rows(result, th)
    width = max(len(name) for name, _ in rows) + 3
    for name, value in rows:
        say(console, value, head="  " + name, indent=width)
    console.print()


def _stretch(turn: int | None, words: int, seconds: float | None) -> str:
    """A longest stretch: ``m:ss (N words)`` where timed, ``N words`` where not, ``none`` when there is none."""
    if turn is None:
        return "none"
    size = wording.plural(words, "word")
    return size if seconds is None else f"{clock(seconds)} ({size})"


def conversation_rows(result: AnalysisResult, th: Thresholds) -> list[tuple[str, str]]:
    """The buyer's own questions, patience, interruptions, pace and fillers, each with its
    target where a published one exists; a measure the call cannot give is left out."""
    m = result.metrics
    rate = (
        f", {m.buyer_side_questions_per_10_minutes:.1f} per 10 minutes"
        if m.buyer_side_questions_per_10_minutes is not None
        else ""
    )
    asked = f"{m.buyer_side_questions} in the call{rate}"
    if m.buyer_side_questions:
        asked += "; a buyer who asks is taking part"
    rows = [("buyer's own questions", asked)]
    if m.seller_patience_seconds is not None:
        rows.append((
            "seller patience",
            f"{m.seller_patience_seconds:.1f} s on average before answering the buyer; "
            f"target: at least {th.seller_patience_min_seconds:.1f} s",
        ))  # fmt: skip
    if m.seller_interruptions is not None:
        rows.append(("interruptions", f"the seller started before the buyer had finished {wording.plural(m.seller_interruptions, 'time')}"))
    if m.seller_words_per_minute is not None or m.buyer_words_per_minute is not None:
        pace = [f"{side} {v:.0f}" for side, v in (("seller", m.seller_words_per_minute), ("buyer", m.buyer_words_per_minute)) if v is not None]
        rows.append(("pace", ", ".join(pace) + " words a minute"))
    if m.seller_filler_rate is not None:
        rows.append((
            "seller filler words",
            f"{m.seller_filler_rate:.1f} per 100 words ({m.seller_fillers} in all); shown, not judged",
        ))  # fmt: skip
    return rows


def _trackers(result: AnalysisResult, console: Console) -> None:
    """One line per tracker mentioned: per side and the first mention; the rest on one line."""
    if not result.trackers:
        return
    mentioned = [t for t in result.trackers if t.mentions]
    console.print(Text(f"Trackers ({len(mentioned)} of {len(result.trackers)} mentioned)", style="bold"))
    width = max(len(t.name) for t in result.trackers) + 4
    for t in mentioned:
        first = t.first
        when = clock(first.start) or f"turn {first.turn}"
        say(
            console,
            f"seller {t.seller}, buyer {t.buyer}; first at {when} by {shown_name(first.speaker)}: \"{isolated(first.text)}\"",
            head="  " + t.name,
            indent=width,
        )
    quiet = [t.name for t in result.trackers if not t.mentions]
    if quiet:
        say(console, Text("not mentioned: " + ", ".join(quiet), style="dim"), head="  ")
    console.print()


def _moments(result: AnalysisResult, console: Console) -> None:
    console.print(Text(f"Tagged moments ({len(result.tags)})", style="bold"))
    if not result.tags:
        console.print("  none")
    whens = [clock(t.start) or f"turn {t.turn}" for t in result.tags]
    w = max((len(x) for x in whens), default=0)
    for t, when in zip(result.tags, whens):
        label = TAG_LABEL[t.tag]
        if t.tag == "buyer_question":
            label += " (open)" if t.open else " (closed)"
        text = t.text if len(t.text) <= 160 else t.text[:157] + "..."
        head = Text(f"  {when:>{w}}  ")
        head.append(f"{label:<24}", style="cyan")
        body = Text(f"{shown_name(t.speaker)}: ", style="bold")
        body.append(f"\"{isolated(text)}\"")
        say(console, body, head=head)
    console.print()


def _feedback(result: AnalysisResult, console: Console) -> None:
    console.print(Text(f"Feedback ({len(result.feedback)})", style="bold"))
    if not result.feedback:
        console.print("  nothing to flag")
        return
    for f in result.feedback:
        head = Text("  ")
        head.append(f"{f.code} {f.severity:<7}", style=SEVERITY_STYLE.get(f.severity, ""))
        head.append(" ")
        body = Text(f"{f.name}: ", style="bold")
        body.append(isolated(f.message))
        say(console, body, head=head, indent=4)


#: The row of the evaluation tables that sums every tag.
MICRO = "all (micro)"


def _fmt(x: float | None) -> str:
    """A precision, recall, F1 or accuracy to three places; ``n/a`` when there is none."""
    return "n/a" if x is None else f"{x:.3f}"


def _tag_rows(ev: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Each tag's counts in an evaluation's ``to_dict()``, then the micro-averaged ones."""
    return [*ev["tags"].items(), (MICRO, ev["micro"])]


def _prf(counts: dict[str, Any]) -> list[str]:
    """Precision, recall and F1, formatted."""
    return [_fmt(counts["precision"]), _fmt(counts["recall"]), _fmt(counts["f1"])]


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
    first = next(iter(columns.values()))
    for tag, counts in _tag_rows(first):
        cells = [tag, str(counts["tp"] + counts["fn"])]
        for ev in columns.values():
            cells += _prf(ev["micro"] if tag == MICRO else ev["tags"][tag])
        table.add_row(*cells)
    console.print(table)
    console.print(
        "open attribute accuracy: "
        + ", ".join(f"{name} {_fmt(ev['open_accuracy'])} on {ev['open_matched']}" for name, ev in columns.items())
    )
    if any(ev.get("role_accuracy") is not None for ev in columns.values()):
        console.print(
            "role inference accuracy: "
            + ", ".join(f"{name} {_fmt(ev.get('role_accuracy'))}" for name, ev in columns.items())
            + " of speakers"
        )


def evaluation_table(ev: dict[str, Any], console: Console) -> None:
    """Print per-tag precision, recall and F1 and the other evaluation figures."""
    table = Table(title=f"Tags on {ev['calls']} annotated calls", show_edge=False)
    for col in ("tag", "gold", "predicted", "matched", "precision", "recall", "F1"):
        table.add_column(col, justify="left" if col == "tag" else "right")
    for name, c in _tag_rows(ev):
        table.add_row(name, str(c["tp"] + c["fn"]), str(c["tp"] + c["fp"]), str(c["tp"]), *_prf(c))
    console.print(table)
    console.print(
        f"open attribute accuracy: {_fmt(ev['open_accuracy'])} on {ev['open_matched']} matched buyer questions"
    )
    console.print(f"role inference accuracy: {_fmt(ev['role_accuracy'])} of speakers")
    console.print(
        f"talk-share error (inferred vs gold roles, mean absolute): {_fmt(ev['talk_share_error'])}"
    )
    labels = ev.get("labels")
    if labels:
        console.print(
            f"call labels: accuracy {_fmt(labels['accuracy'])}, ROC AUC {_fmt(labels['roc_auc'])}, "
            f"Brier {_fmt(labels['brier'])} on {labels['calls']} labelled calls (model: {labels['model']})"
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
