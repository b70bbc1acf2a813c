"""The data resource catalog: subject and share models declared once, with their catalog entries."""
