"""The messages panel in the browser: the demo platform page, the login page and their built assets."""
