"""The cloud: a paid OpenAI-compatible provider (``service``), used only with the user's
approval and within the daily and monthly budget kept in the ``ledger``. The escalation hook
that calls it is ``council_core.hooks.escalate``; API keys are ``council_core.base.secrets``.
Import the submodules directly; this package stays empty so that importing it costs nothing."""
