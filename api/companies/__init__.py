"""Companies (Entreprises): looking a company up in the registry, validating identifiers."""
