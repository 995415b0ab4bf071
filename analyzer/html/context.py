"""What the parts of one report share: :class:`ReportContext`."""
from __future__ import annotations

from dataclasses import dataclass

from ..render import clock
from ..result import AnalysisResult, Tag
from ..transcript import Transcript
from .format import tag_label
from .spans import Located, locate_tags


@dataclass(frozen=True)
class ReportContext:
    """What the parts of one report share: the call, its tags, and where each tag is.

    result (AnalysisResult): the analysed call (its ``transcript`` set).
    timed (bool): whether the page goes by time (else by words).
    tags (tuple[Tag, ...]): the tags, in the result's order; tag ``k`` has
        the id ``tag_ids[k]`` in the transcript, the label ``labels[k]``, and
        its text where ``located[k]`` says.
    roles (dict[str, str]): speaker to role; ``inferred`` the speakers whose
        role was inferred.
    """

    result: AnalysisResult
    transcript: Transcript
    timed: bool
    tags: tuple[Tag, ...]
    tag_ids: tuple[str, ...]
    labels: tuple[str, ...]
    located: tuple[Located, ...]
    roles: dict[str, str]
    inferred: frozenset[str]

    @classmethod
    def of(cls, result: AnalysisResult) -> "ReportContext":
        transcript = result.transcript
        if transcript is None:
            raise ValueError("render_report needs result.transcript (the analysed turns)")
        tags = tuple(result.tags)
        return cls(
            result=result,
            transcript=transcript,
            timed=result.timed and transcript.timed,
            tags=tags,
            tag_ids=tuple(f"tag-{k}" for k in range(len(tags))),
            labels=tuple(tag_label(t) for t in tags),
            located=tuple(locate_tags(transcript, tags)),
            roles={s.name: s.role for s in result.speakers},
            inferred=frozenset(s.name for s in result.speakers if s.role_source == "inferred"),
        )

    def when(self, tag: Tag) -> str:
        """When a tag is: its clock time, or its turn when untimed."""
        return clock(tag.start) if self.timed and tag.start is not None else f"turn {tag.turn}"
