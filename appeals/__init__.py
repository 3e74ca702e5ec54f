"""Enquiries (SLA-bound), appeals, referrals and review panels, monitoring."""
