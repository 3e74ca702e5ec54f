"""Assessors, allocation, bookings, assessment files F0-F15 and their versions, pre-upload scrutiny."""
