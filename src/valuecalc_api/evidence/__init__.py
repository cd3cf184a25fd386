"""Evidence and notes on a calculation-month (SPEC 3 "Evidence and notes").

Evidence is an uploaded file (type checked by its content), a link (stored, never
fetched) or pasted data; a note is text. `annotations.annotations_for_tracker` tells
reports which months have them.
"""
