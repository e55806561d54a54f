"""LLM backends (council.backends entry points) and the manager that picks one."""
