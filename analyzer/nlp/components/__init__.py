"""One tagger per module, each registered as a ``callcoach_<tag>`` factory."""
