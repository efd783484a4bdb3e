"""Trellis: collaborative commissioning for a place."""
