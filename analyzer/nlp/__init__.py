"""spaCy side of the analyzer: the pipeline, its extensions and components."""
