"""One module per dashboard page (not `pages/`: Streamlit would also read that folder as
old-style pages whose names collide with these url paths); each defines ``TITLE``, ``ICON``, ``URL`` and ``page()``."""
