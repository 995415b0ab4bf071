"""Speaker names as people read and type them: generic labels, and the option that names a role.

- :func:`is_generic` tells a label a speech service makes up (``0``, ``A``,
  ``SPEAKER_00``, ``spk_0``, ``Speaker 1``) from a person's name. Such a
  label means one thing in one call only: two calls' ``SPEAKER_00`` are
  two strangers, so per-seller summaries never add them up
  (:func:`seller_key`).
- :func:`role_option` writes the command-line option that gives a speaker a
  role (``--buyer "Tyler Osei"``), quoted so that it can be pasted into a
  shell as it is.
"""
from __future__ import annotations

import re
import unicodedata

#: Labels that speech services and meeting tools give speakers they cannot name.
_GENERIC = re.compile(
    r"""^\s*(?:
        (?:speaker|spk|spkr|spk_?|participant|person|voice|caller|channel|ch|guest|unknown(?:\s+speaker)?)
        [\s_\-#]*(?:\d{1,3}|[a-z])?
      | \d{1,3}
      | [a-z]
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)

#: The prefix of a per-call seller entry in a summary (see :func:`seller_key`).
UNNAMED = "unnamed"


def is_generic(name: str) -> bool:
    """True for a label that names no one: ``0``, ``A``, ``SPEAKER_00``, ``spk_0``, ``Speaker 1``, ``Unknown``.

    Parameters
    ----------
    name : str
        A speaker's name as the transcript writes it.

    Returns
    -------
    bool
        Whether the name is a speech service's placeholder rather than a person's.

    Examples
    --------
    >>> is_generic("SPEAKER_01"), is_generic("Speaker 2"), is_generic("Dana Reyes")
    (True, True, False)
    """
    return bool(_GENERIC.match(name or ""))


def seller_key(name: str, call: str) -> str:
    """The entry a seller is counted under in a per-seller summary.

    A person's name is the entry across calls; a generic label is an entry of
    its own call only (``unnamed SPEAKER_00 in calls/a.json``), so strangers
    who share a placeholder are never added up.

    Parameters
    ----------
    name : str
        The seller's name in the call.
    call : str
        The call's path (the batch row's ``path``).

    Returns
    -------
    str
        ``name``, or ``"unnamed NAME in CALL"`` for a generic label.
    """
    return f"{UNNAMED} {name} in {call}" if is_generic(name) else name


def cell_names(cell: object) -> list[str]:
    """The names in a batch row's ``sellers`` or ``buyers`` cell, which joins
    them with ``"; "`` (an empty cell, None or NaN: none).

    Examples
    --------
    >>> cell_names("Dana Reyes; Kim Lee"), cell_names(None)
    (['Dana Reyes', 'Kim Lee'], [])
    """
    if cell is None or cell != cell:  # (NaN, as pandas reads an empty cell)
        return []
    return [s.strip() for s in str(cell).split(";") if s.strip()]


def shell_word(text: str) -> str:
    """``text`` as one shell word: bare when it is safe, else in double quotes with ``"$`\\`` escaped."""
    if text and re.fullmatch(r"[A-Za-z0-9_@%+=:,./-]+", text):
        return text
    return '"' + re.sub(r'(["$`\\])', r"\\\1", text) + '"'


def role_option(role: str, name: str) -> str:
    """The option that gives ``name`` the role ``role``: ``--buyer "Tyler Osei"``.

    Parameters
    ----------
    role : str
        ``seller``, ``buyer`` or ``other``.
    name : str
        The speaker's name as the transcript writes it.

    Returns
    -------
    str
        The option and its quoted value, ready to paste after a command.

    Examples
    --------
    >>> role_option("buyer", "Tyler Osei")
    '--buyer "Tyler Osei"'
    """
    return f"--{role} {shell_word(name)}"


def name_key(name: str) -> str:
    """A speaker name as given names are matched to it: runs of whitespace as one
    space, composed (NFC: "e" and a combining accent is "é"), any case."""
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()
