"""Forms for the opportunities pages: the forward plan and alerts, the commissioner's editing pages, questions."""
