"""One module per dashboard page; each defines ``TITLE``, ``ICON``, ``URL`` and ``page()``."""
