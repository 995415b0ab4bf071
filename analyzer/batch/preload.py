"""What the process-pool engine's fork server loads once, before it forks any worker.

On systems that have it (Linux, macOS), the process engine starts its
workers from a fork server (``multiprocessing``'s ``forkserver``) that has
imported this module: spaCy and the analysis modules, the lexicon, and the
shipped tagger models' weight tables. Each worker then starts as a copy of it and
only builds its pipeline, instead of importing everything again; the pages
it does not write stay shared. Nothing here depends on a run's options, and
nothing here is needed: a worker that finds a cache empty fills it itself.
"""
from __future__ import annotations

import gc

from ..analysis import Analyzer  # noqa: F401 - spaCy and every module the pipeline uses
from ..nlp.learned import load_models
from ..nlp.resources import load_lexicon


def warm() -> None:
    """Read the lexicon and the shipped tagger models (their weights too)."""
    load_lexicon()
    for model in load_models("default").values():
        model.table  # noqa: B018 - read now, shared by every forked worker


warm()
# Out of the garbage collector's sight: its passes would otherwise write to
# every object loaded here and so copy, in each worker, the pages they share.
gc.freeze()
