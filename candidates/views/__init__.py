"""Pages of the candidates app: `applications` (PoP side, the public declaration page, courses, the Level 2
list) and `review` (the candidate list and page, the RPA's decisions, files, changes and payments)."""
