"""Figures for the book's chapters (matplotlib/seaborn, one function per figure)."""
