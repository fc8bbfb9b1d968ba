"""How fast anyone may do anything: named rules, the limiter that counts them, and where they are applied.

Every rule is counted at the edge where a person acts (an API dependency, the hub), never inside an action, so
the command line, the roster import and background jobs, which share the actions, are never limited.
"""
