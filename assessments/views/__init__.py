"""Pages of the assessments app: `register` (the assessor register and quality management) and `allocation`
(proposals, booking, moving, cancelling, bulk allocation, the calendar and its feed)."""
