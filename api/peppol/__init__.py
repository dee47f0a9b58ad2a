"""Peppol between approved platforms (issue 19): French participant identifiers
(`identifiers`), participant lookup and our own SMP (`smp`), AS4 messaging."""
