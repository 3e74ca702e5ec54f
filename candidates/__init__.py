"""Applications, eligibility, Standard 11 evidence and verification, payment, adjustments."""
