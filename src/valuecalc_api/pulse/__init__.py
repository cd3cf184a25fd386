"""The CSM pulse (SPEC 5): red / yellow / green per customer with risk or success reason
codes from the organization's own list, a comment, and its history; and the book view."""
