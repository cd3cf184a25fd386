"""Product usage: daily counts, monthly distinct actives, purchased seats, and the monthly
DAU/MAU, license utilization and adoption breadth built from them (SPEC 5)."""
