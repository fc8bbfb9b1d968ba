"""schoolchat as an LTI 1.3 tool: platform registrations, the OIDC login initiation, the signed launch, the tool's
key set (1EdTech LTI Core 1.3 and Security Framework 1.0)."""
