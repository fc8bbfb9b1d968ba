"""Every sentence single sign-on shows a person, in one place for the coming translation catalog."""

NO_ACCESS_TITLE = "No access yet"
NO_ACCESS = "Your school has not given you access to Messages yet."
NO_ACCESS_HINT = "Ask your school's administrator to add you, then sign in again."
DEACTIVATED_TITLE = "Account deactivated"
DEACTIVATED = "Your account has been deactivated. Ask your school's administrator if this is a mistake."
FAILED_TITLE = "Sign-in did not succeed"
FAILED = "Your school's sign-in service sent an answer Messages cannot trust, so you were not signed in."
FAILED_HINT = "Start again from the login page. If it keeps happening, tell your school's administrator."
UNAVAILABLE = "Your school's sign-in service could not be reached. Try again in a moment."
BACK_TO_LOGIN = "Back to the login page"
NO_PROVIDER = "This school does not sign in with an identity provider."
SECRET_REQUIRED = "Give the client secret the identity provider issued for schoolchat."
DISCOVERY_FAILED = "The identity provider's discovery document could not be read from the issuer."


def sign_in_with(provider: str) -> str:
    return f"Sign in with {provider}"


def password_login_off(provider: str) -> str:
    """Password login refused for people of an org whose provider switched it off."""
    return f"Your school signs you in with {provider}. Use “{sign_in_with(provider)}” on the login page."


def issuer_mismatch(found: str, configured: str) -> str:
    return f"The discovery document names the issuer {found!r}, not {configured!r}."
