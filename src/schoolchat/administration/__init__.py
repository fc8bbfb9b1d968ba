"""Administering people: the public actions and building blocks that write people, orgs, courses and
projects (enrolling them into conversations, ending sessions), their routes, the roster import and the demo seed.
It sits above `people` (the directory it writes), `conversations` and `auth`."""
