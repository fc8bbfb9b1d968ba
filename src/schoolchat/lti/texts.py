"""The sentences a launch from a learning platform shows, and the admin API's own."""

from __future__ import annotations

REFUSED_TITLE = "Messages could not open"
UNKNOWN_PLATFORM = ("This learning platform is not registered with Messages. Ask your school's administrator to "
                    "register it.")
AMBIGUOUS_PLATFORM = ("This learning platform is registered more than once with Messages and did not say which "
                      "registration it uses. Ask your school's administrator to check the client id.")
UNKNOWN_DEPLOYMENT = ("This installation of Messages in your learning platform is not registered. Ask your "
                      "school's administrator to add its deployment id.")
INCOMPLETE_LOGIN = "The learning platform sent an incomplete request ({field} is missing). Open Messages again."
FOREIGN_TARGET = "The learning platform asked to open another address than Messages."
COOKIE_MISSING = ("Your browser did not keep the cookie Messages needs inside your learning platform. Allow cookies "
                  "for this site, or open Messages in a new window.")
LAUNCH_EXPIRED = "This launch has expired. Open Messages again from your learning platform."
LAUNCH_REPLAYED = "This launch was already used. Open Messages again from your learning platform."
BAD_SIGNATURE = "The launch could not be verified: it was not signed with the learning platform's keys."
TOKEN_EXPIRED = "The launch has expired. Open Messages again from your learning platform."
UNSUPPORTED_MESSAGE = "Messages can only be opened as a link from the learning platform (a resource link launch)."
KEYS_UNAVAILABLE = "The learning platform's keys could not be fetched. Try again in a moment."
TOO_MANY_LAUNCHES = "Too many launches are waiting to finish. Try again in a minute."
UNKNOWN_PERSON = "Your school has not given you access to Messages yet."
UNKNOWN_COURSE = ("This course is not in Messages yet. Ask your school's administrator to add it with the school's "
                  "roster.")
FRAMED_SESSION_ENDED = "Your session in Messages has ended. Open Messages again from your learning platform."
PLATFORM_EXISTS = "A platform with this issuer and client id is already registered."


def invalid_claim(claim: str) -> str:
    return f"The launch could not be verified: its {claim} is not valid."


def platform_refused(error: str) -> str:
    return f"The learning platform did not sign you in ({error}). Open Messages again from your learning platform."
