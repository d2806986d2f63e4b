"""Protection of personal data: CPR numbers at rest."""
