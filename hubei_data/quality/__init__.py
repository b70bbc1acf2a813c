"""Pandera schemas per layer, asset checks, quarantine reports."""
