"""The A/B experiment of scoring against the previous method: arms, their CRM field, and the comparison."""
