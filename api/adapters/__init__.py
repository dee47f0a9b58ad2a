"""External systems behind one small interface each (mail, blob storage, company registry,
directory, identity provider), with an embedded default and a production implementation
chosen by settings."""
