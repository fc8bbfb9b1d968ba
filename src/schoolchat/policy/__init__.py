"""Who may do what, as pure functions over facts: each returns ``Allowed`` or ``Denied(code, message)``."""
