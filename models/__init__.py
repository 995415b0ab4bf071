"""The shipped call classifier (``callcoach-classifier.skops``) and its model card.

Installed as the data package ``analyzer.models``; nothing here is imported.
"""
