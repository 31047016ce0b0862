"""The papermill pipeline, the results table and the book build."""
