"""Data leaving the platform: pushes to the national bureau (国家局), each batch logged."""
