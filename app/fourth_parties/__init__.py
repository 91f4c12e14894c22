"""The fourth-party register: the subservice organisations our vendors' reports name."""
