"""Pure roll-up of subservice organisations across the portfolio."""
