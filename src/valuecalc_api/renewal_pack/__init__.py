"""The renewal pack (SPEC 6; seed: "Presenting measurements to customers"): one
self-contained, printable HTML document per tracker and month that a CSM hands a
customer's CFO: the headline, the total realized benefit against the projection, net
ROI and value multiple (labelled), payback, each use case's trend with its wins and
challenges, and the notes and evidence behind the figures.

- `story`: what the pack says, from the tracker report's payload (no I/O).
- `document`: the HTML (inline CSS and SVG, no script, every user text escaped).
- `repository`, `service`, `routes`: loading, caching by data version, the endpoint.
"""
