"""Peppol participant lookup (`lookup`: ask an SMP where a participant receives) and our own
SMP (`router`, `service`: publish the participants this platform receives for)."""
