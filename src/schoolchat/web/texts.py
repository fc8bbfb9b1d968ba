"""The sentences of the pages the server renders itself (the login page), from the catalog in the reader's
language."""

from schoolchat.i18n.catalog import text


def login_page() -> dict[str, str]:
    """Every sentence of login.html, by its template field."""
    return {
        "log_in": text("web.log_in"),
        "intro": text("web.login_intro"),
        "sso_label": text("web.sso_label"),
        "your_school": text("web.your_school"),
        "or_password": text("web.or_password"),
        "username": text("web.username"),
        "password": text("web.password"),
    }
