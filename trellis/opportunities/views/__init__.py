"""The opportunities pages: the forward plan and each opportunity (public), the commissioner's editing and
status pages, clarification questions and alerts."""
