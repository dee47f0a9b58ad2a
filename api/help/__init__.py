"""The help centre (« Assistance »): the knowledge base shipped as Markdown files, its French
full-text search, guided tours, article feedback and support requests."""
