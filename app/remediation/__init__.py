"""Remediation with the vendor: what must change after a review, who owns it, and by when."""
