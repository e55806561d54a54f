"""Built-in skills. Each registers through the council.skills entry-point group."""
