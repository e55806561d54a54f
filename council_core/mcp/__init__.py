"""Model Context Protocol: Council's exact skills as tools any MCP client can call.

``tools`` holds what each tool does (plain async methods over a Council); ``server`` exposes
them with the official ``mcp`` SDK over stdio (``council mcp``) or streamable HTTP on loopback
(``council mcp --http``).
"""
