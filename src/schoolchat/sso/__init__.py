"""Single sign-on with OpenID Connect: each organisation may sign its people in through its identity provider."""
