"""Cloud escalation: a paid OpenAI-compatible provider, used only with the user's approval and
within the daily and monthly budget kept in the ledger. Import the submodules directly; this
package stays empty so that importing the escalation hook costs nothing."""
