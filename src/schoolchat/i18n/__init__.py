"""The server's languages: which ones there are, which one a reader gets, and the catalogs their sentences come
from (see docs/architecture.md, "Languages")."""
